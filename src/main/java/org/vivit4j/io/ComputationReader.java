package org.vivit4j.io;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.Damping;
import org.vivit4j.api.GgnOutput;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.json.JsonFields;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.InvalidInputException;

/** Reads the {@code computation} object and the {@code param_groups} list of a problem file. */
final class ComputationReader {
  private ComputationReader() {}

  /** The short name stored for ViViT's {@code vivit.DirectionalDerivativesComputation}. */
  static final String DIRECTIONAL_DERIVATIVES = "directional_derivatives";

  /** The short name of {@code vivit.DirectionalDampedNewtonComputation}. */
  static final String DAMPED_NEWTON = "damped_newton";

  private static final Map<String, String> CLASSES =
      Map.of(
          "vivit.DirectionalDerivativesComputation",
          DIRECTIONAL_DERIVATIVES,
          DIRECTIONAL_DERIVATIVES,
          DIRECTIONAL_DERIVATIVES,
          "vivit.EigvalshComputation",
          "eigvalsh",
          "vivit.EighComputation",
          "eigh",
          "eigvalsh",
          "eigvalsh",
          "eigh",
          "eigh",
          "vivit.DirectionalDampedNewtonComputation",
          DAMPED_NEWTON,
          DAMPED_NEWTON,
          DAMPED_NEWTON);

  /**
   * The computation's options, its short class name ({@link Problem#OUTPUTS_CLASS} when the file
   * lists {@code outputs}), its damping rule when it computes a Newton step ({@code null}
   * otherwise) and the listed outputs ({@code null} when the class fixes them).
   */
  record Computation(
      String className, ComputationOptions options, Damping damping, Set<GgnOutput> outputs) {}

  /**
   * The eigensolver of a problem file that does not name one: dense, so that {@code gram_evals}
   * holds the whole spectrum as in the golden schema. (The API's {@link
   * ComputationOptions#defaults()} chooses {@code auto}; files are read as the schema documents.)
   */
  static final EigenSolver FILE_DEFAULT_EIGENSOLVER = EigenSolver.DENSE;

  /**
   * Reads {@code computation}. An absent (or {@code null}) object reads exactly as {@code {}}:
   * directional derivatives with ViViT's defaults and the {@link #FILE_DEFAULT_EIGENSOLVER}.
   */
  static Computation readComputation(JsonNode node, String path, int n) {
    // One code path for absent and empty, so that the two can never get different defaults.
    node = node == null ? JsonNodeFactory.instance.objectNode() : node;
    JsonFields.object(node, path);
    JsonFields.onlyKeys(
        node,
        path,
        "computation",
        "class",
        "subsampling_grad",
        "subsampling_ggn",
        "mc_samples_ggn",
        "seed",
        "warn_small_eigvals",
        "damping",
        "outputs",
        "eigensolver",
        "verbose",
        "N_grad",
        "N_ggn");
    Set<GgnOutput> outputs = readOutputs(node, path);
    String className = outputs == null ? readClass(node, path) : Problem.OUTPUTS_CLASS;
    int[] grad = readSubsampling(node, path, "subsampling_grad", n);
    int[] ggn = readSubsampling(node, path, "subsampling_ggn", n);
    JsonNode mcNode = JsonFields.optional(node, "mc_samples_ggn");
    int mc = mcNode == null ? 0 : JsonFields.intValue(mcNode, at(path, "mc_samples_ggn"));
    JsonFields.atLeast(mc, 0, at(path, "mc_samples_ggn"));
    long seed = readSeed(node, path, mc);
    JsonNode warnNode = JsonFields.optional(node, "warn_small_eigvals");
    double warn =
        warnNode == null
            ? ComputationOptions.defaults().warnSmallEigvals()
            : JsonFields.finiteValue(warnNode, at(path, "warn_small_eigvals"));
    JsonNode verbose = JsonFields.optional(node, "verbose");
    if (verbose != null && !verbose.isBoolean()) {
      throw new InvalidInputException(
          at(path, "verbose"), "must be a boolean, got " + JsonFields.describe(verbose));
    }
    // N_grad / N_ggn are derived row counts in golden files; when given they must agree.
    checkCount(node, path, "N_grad", grad == null ? n : grad.length);
    checkCount(node, path, "N_ggn", ggn == null ? n : ggn.length);
    boolean newton =
        outputs == null ? DAMPED_NEWTON.equals(className) : outputs.contains(GgnOutput.NEWTON_STEP);
    String user =
        outputs == null
            ? className
            : newton ? "the newton_step output" : "outputs without newton_step";
    Damping damping = readDamping(node, path, newton, user);
    EigenSolver solver = readEigenSolver(node, path);
    return new Computation(
        className, new ComputationOptions(grad, ggn, mc, warn, seed, solver), damping, outputs);
  }

  /**
   * {@code outputs}: a non-empty list of distinct output names ({@link GgnOutput#fileName()}), all
   * computed from one factor pass; {@code null} when absent (the class decides). A file gives
   * either {@code class} or {@code outputs}.
   */
  private static Set<GgnOutput> readOutputs(JsonNode node, String path) {
    JsonNode v = JsonFields.optional(node, "outputs");
    if (v == null) {
      return null;
    }
    String p = at(path, "outputs");
    if (JsonFields.optional(node, "class") != null) {
      throw new InvalidInputException(
          p, "give either computation.class or computation.outputs, not both");
    }
    JsonFields.list(v, p);
    if (v.isEmpty()) {
      throw new InvalidInputException(p, "must not be empty (" + GgnOutput.fileNames() + ")");
    }
    EnumSet<GgnOutput> out = EnumSet.noneOf(GgnOutput.class);
    for (int i = 0; i < v.size(); i++) {
      String name = JsonFields.stringValue(v.get(i), at(p, i));
      GgnOutput o = GgnOutput.fromFileName(name);
      if (o == null) {
        throw new InvalidInputException(
            at(p, i), "unknown output '" + name + "' (" + GgnOutput.fileNames() + ")");
      }
      if (!out.add(o)) {
        throw new InvalidInputException(at(p, i), "'" + name + "' is listed twice");
      }
    }
    return out;
  }

  /**
   * {@code eigensolver}: dense (the default: {@code gram_evals} then holds the whole spectrum, as
   * in the golden schema), auto or lanczos (only the top of the spectrum, much faster for large
   * Gram matrices).
   */
  private static EigenSolver readEigenSolver(JsonNode node, String path) {
    JsonNode solverNode = JsonFields.optional(node, "eigensolver");
    if (solverNode == null) {
      return FILE_DEFAULT_EIGENSOLVER;
    }
    String name = JsonFields.stringValue(solverNode, at(path, "eigensolver"));
    EigenSolver solver = EigenSolver.fromOptionName(name);
    if (solver == null) {
      throw new InvalidInputException(
          at(path, "eigensolver"), "unknown eigensolver '" + name + "' (auto, dense, lanczos)");
    }
    return solver;
  }

  /**
   * {@code damping}: required by a Newton step ({@code damped_newton}, or {@code newton_step} in
   * {@code outputs}) and an error elsewhere ({@code user} names the computation in the message). A
   * number is a constant damping; an object is {@code {"type": "constant", "value": δ}} or {@code
   * {"type": "lambda_standard_error", "scale": κ}} ({@link Damping.LambdaStandardError}).
   */
  private static Damping readDamping(JsonNode node, String path, boolean newton, String user) {
    String p = at(path, "damping");
    JsonNode v = JsonFields.optional(node, "damping");
    if (!newton) {
      if (v != null) {
        throw new InvalidInputException(
            p, "is only used by the damped_newton computation, not by " + user);
      }
      return null;
    }
    if (v == null) {
      throw new InvalidInputException(
          p, "required field is missing: " + user + " needs a damping (a number or a rule)");
    }
    if (v.isNumber()) {
      return Damping.constant(nonNegative(JsonFields.finiteValue(v, p), p));
    }
    JsonFields.object(v, p);
    String type = JsonFields.requiredString(v, p, "type");
    return switch (type) {
      case "constant" -> {
        JsonFields.onlyKeys(v, p, "a constant damping", "type", "value");
        String vp = at(p, "value");
        yield Damping.constant(
            nonNegative(JsonFields.finiteValue(JsonFields.required(v, p, "value"), vp), vp));
      }
      case "lambda_standard_error" -> {
        JsonFields.onlyKeys(v, p, "a lambda_standard_error damping", "type", "scale");
        JsonNode scale = JsonFields.optional(v, "scale");
        String sp = at(p, "scale");
        yield Damping.lambdaStandardError(
            scale == null ? 1.0 : nonNegative(JsonFields.finiteValue(scale, sp), sp));
      }
      default ->
          throw new InvalidInputException(
              at(p, "type"),
              "unknown damping type '" + type + "'; expected constant or lambda_standard_error");
    };
  }

  private static double nonNegative(double v, String path) {
    if (v < 0) {
      throw new InvalidInputException(path, "is " + v + " but must be >= 0");
    }
    return v;
  }

  /** {@code seed}: an integer (64 bit), only meaningful with Monte-Carlo samples; default 0. */
  private static long readSeed(JsonNode node, String path, int mc) {
    JsonNode v = JsonFields.optional(node, "seed");
    if (v == null) {
      return 0L;
    }
    String p = at(path, "seed");
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new InvalidInputException(p, "must be a 64-bit integer, got " + JsonFields.describe(v));
    }
    if (mc == 0) {
      throw new InvalidInputException(
          p, "seeds the Monte-Carlo GGN and needs " + at(path, "mc_samples_ggn") + " >= 1");
    }
    return v.longValue();
  }

  private static String readClass(JsonNode node, String path) {
    JsonNode cls = JsonFields.optional(node, "class");
    if (cls == null) {
      return DIRECTIONAL_DERIVATIVES;
    }
    String name = JsonFields.stringValue(cls, at(path, "class"));
    String shortName = CLASSES.get(name);
    if (shortName == null) {
      throw new InvalidInputException(
          at(path, "class"),
          "unknown computation class '"
              + name
              + "'; expected directional_derivatives, eigvalsh, eigh or damped_newton (or"
              + " their vivit.*Computation names)");
    }
    return shortName;
  }

  /** {@code null} (absent) means all samples; otherwise non-empty, unique, in {@code [0, N)}. */
  private static int[] readSubsampling(JsonNode node, String path, String key, int n) {
    JsonNode v = JsonFields.optional(node, key);
    if (v == null) {
      return null;
    }
    String p = at(path, key);
    int[] idx = JsonFields.intList(v, p);
    if (idx.length == 0) {
      throw new InvalidInputException(p, "must not be empty (use null for all samples)");
    }
    int[] firstSeen = new int[n];
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= n) {
        throw new InvalidInputException(
            at(p, i), "is " + idx[i] + " but must be a sample index in [0, N) = [0, " + n + ")");
      }
      if (firstSeen[idx[i]] > 0) {
        throw new InvalidInputException(
            at(p, i),
            "duplicates sample index "
                + idx[i]
                + " (already at "
                + at(p, firstSeen[idx[i]] - 1)
                + ")");
      }
      firstSeen[idx[i]] = i + 1;
    }
    return idx;
  }

  private static void checkCount(JsonNode node, String path, String key, int expected) {
    JsonNode v = JsonFields.optional(node, key);
    if (v != null && JsonFields.intValue(v, at(path, key)) != expected) {
      throw new InvalidInputException(
          at(path, key), "is " + v.intValue() + " but the sub-sampling gives " + expected);
    }
  }

  /**
   * Reads {@code param_groups}: disjoint, non-empty, ascending parameter indices in {@code [0,
   * numParamTensors)}, and a criterion whose {@code k} fits the Gram size {@code gramSize = C ·
   * N_ggn}. Names default to {@code group0, group1, ...} and must be unique.
   */
  /**
   * Reads {@code param_groups}.
   *
   * @param paramNames the name of every parameter tensor, in parameter order: a group's {@code
   *     params} entries are indices into it or names from it
   */
  static List<ParamGroup> readGroups(
      JsonNode node, String path, List<String> paramNames, int gramSize, String gramWhat) {
    JsonFields.list(node, path);
    if (node.isEmpty()) {
      throw new InvalidInputException(path, "must contain at least one group");
    }
    List<ParamGroup> groups = new ArrayList<>();
    Map<Integer, Integer> owner = new HashMap<>();
    Map<String, Integer> names = new HashMap<>();
    for (int j = 0; j < node.size(); j++) {
      String p = at(path, j);
      JsonNode g = JsonFields.object(node.get(j), p);
      JsonFields.onlyKeys(g, p, "a parameter group", "params", "criterion", "name");
      int[] params = readGroupParams(g, p, paramNames, owner, j, path);
      Criterion criterion =
          readCriterion(
              JsonFields.required(g, p, "criterion"), at(p, "criterion"), gramSize, gramWhat);
      JsonNode nameNode = JsonFields.optional(g, "name");
      String name =
          nameNode == null ? "group" + j : JsonFields.stringValue(nameNode, at(p, "name"));
      Integer clash = names.putIfAbsent(name, j);
      if (clash != null) {
        throw new InvalidInputException(
            at(p, "name"), "'" + name + "' is already the name of " + at(path, clash));
      }
      List<String> groupNames = new ArrayList<>();
      for (int t : params) {
        groupNames.add(paramNames.get(t));
      }
      groups.add(new ParamGroup(name, params, criterion, groupNames));
    }
    return groups;
  }

  private static int[] readGroupParams(
      JsonNode g,
      String p,
      List<String> paramNames,
      Map<Integer, Integer> owner,
      int j,
      String path) {
    String pp = at(p, "params");
    JsonNode list = JsonFields.list(JsonFields.required(g, p, "params"), pp);
    int numParamTensors = paramNames.size();
    int[] params = new int[list.size()];
    if (params.length == 0) {
      throw new InvalidInputException(pp, "must not be empty: a group needs a parameter");
    }
    for (int i = 0; i < params.length; i++) {
      JsonNode e = list.get(i);
      int t;
      if (e.isTextual()) {
        // a parameter by its name: PyTorch's state_dict name (see ParamNames)
        t = paramNames.indexOf(e.textValue());
        if (t < 0) {
          throw new InvalidInputException(
              at(pp, i),
              "'"
                  + e.textValue()
                  + "' is not a parameter name; the names are "
                  + namesForMessage(paramNames));
        }
      } else {
        t = JsonFields.intValue(e, at(pp, i));
        if (t < 0 || t >= numParamTensors) {
          throw new InvalidInputException(
              at(pp, i),
              "is " + t + " but must be a parameter index in [0, " + numParamTensors + ")");
        }
      }
      params[i] = t;
      for (int k = 0; k < i; k++) {
        if (params[k] == t) {
          throw new InvalidInputException(
              at(pp, i), "duplicates parameter " + t + " (already at " + at(pp, k) + ")");
        }
      }
      // The group's flat vector follows the listed order; the schema fixes it to ascending.
      if (i > 0 && t < params[i - 1]) {
        throw new InvalidInputException(
            at(pp, i),
            e.isTextual()
                ? "'"
                    + e.textValue()
                    + "' (parameter "
                    + t
                    + ") comes after parameter "
                    + params[i - 1]
                    + "; list params in parameter order"
                : "is " + t + "; params must be ascending");
      }
      Integer other = owner.putIfAbsent(t, j);
      if (other != null) {
        throw new InvalidInputException(
            at(pp, i),
            "parameter " + t + " is already in " + at(path, other) + "; groups must be disjoint");
      }
    }
    return params;
  }

  /** The names for an error message: all of them, or the first 12 and a count. */
  private static String namesForMessage(List<String> names) {
    int shown = Math.min(12, names.size());
    String list = String.join(", ", names.subList(0, shown));
    return names.size() > shown ? list + ", … (" + names.size() + " in all)" : list;
  }

  private static Criterion readCriterion(JsonNode node, String p, int gramSize, String gramWhat) {
    JsonFields.object(node, p);
    String type = JsonFields.requiredString(node, p, "type");
    switch (type) {
      case "top_k" -> {
        JsonFields.onlyKeys(node, p, "a top_k criterion", "type", "k");
        int k = JsonFields.requiredInt(node, p, "k");
        JsonFields.atLeast(k, 1, at(p, "k"));
        if (k > gramSize) {
          throw new InvalidInputException(
              at(p, "k"),
              "is "
                  + k
                  + " but the Gram matrix has only "
                  + gramWhat
                  + " = "
                  + gramSize
                  + " eigenvalues");
        }
        return Criterion.topK(k);
      }
      case "threshold" -> {
        JsonFields.onlyKeys(node, p, "a threshold criterion", "type", "threshold");
        return Criterion.threshold(
            JsonFields.finiteValue(JsonFields.required(node, p, "threshold"), at(p, "threshold")));
      }
      default ->
          throw new InvalidInputException(
              at(p, "type"), "unknown criterion type '" + type + "'; expected top_k or threshold");
    }
  }
}
