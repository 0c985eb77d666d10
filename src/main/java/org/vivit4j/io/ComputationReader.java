package org.vivit4j.io;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.Damping;
import org.vivit4j.api.ParamGroup;
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
   * The computation's options, its short class name and, for {@code damped_newton}, its damping
   * rule ({@code null} otherwise).
   */
  record Computation(String className, ComputationOptions options, Damping damping) {}

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
        "eigensolver",
        "verbose",
        "N_grad",
        "N_ggn");
    String className = readClass(node, path);
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
    Damping damping = readDamping(node, path, className);
    EigenSolver solver = readEigenSolver(node, path);
    return new Computation(
        className, new ComputationOptions(grad, ggn, mc, warn, seed, solver), damping);
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
   * {@code damping}: required by {@code damped_newton} and an error elsewhere. A number is a
   * constant damping; an object is {@code {"type": "constant", "value": δ}} or {@code {"type":
   * "lambda_standard_error", "scale": κ}} ({@link Damping.LambdaStandardError}).
   */
  private static Damping readDamping(JsonNode node, String path, String className) {
    String p = at(path, "damping");
    JsonNode v = JsonFields.optional(node, "damping");
    if (!DAMPED_NEWTON.equals(className)) {
      if (v != null) {
        throw new InvalidInputException(
            p, "is only used by the damped_newton computation, not by " + className);
      }
      return null;
    }
    if (v == null) {
      throw new InvalidInputException(
          p, "required field is missing: damped_newton needs a damping (a number or a rule)");
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
  static List<ParamGroup> readGroups(
      JsonNode node, String path, int numParamTensors, int gramSize, String gramWhat) {
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
      int[] params = readGroupParams(g, p, numParamTensors, owner, j, path);
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
      groups.add(new ParamGroup(name, params, criterion));
    }
    return groups;
  }

  private static int[] readGroupParams(
      JsonNode g, String p, int numParamTensors, Map<Integer, Integer> owner, int j, String path) {
    String pp = at(p, "params");
    int[] params = JsonFields.intList(JsonFields.required(g, p, "params"), pp);
    if (params.length == 0) {
      throw new InvalidInputException(pp, "must not be empty: a group needs a parameter");
    }
    for (int i = 0; i < params.length; i++) {
      int t = params[i];
      if (t < 0 || t >= numParamTensors) {
        throw new InvalidInputException(
            at(pp, i),
            "is " + t + " but must be a parameter index in [0, " + numParamTensors + ")");
      }
      for (int k = 0; k < i; k++) {
        if (params[k] == t) {
          throw new InvalidInputException(
              at(pp, i), "duplicates parameter " + t + " (already at " + at(pp, k) + ")");
        }
      }
      // The group's flat vector follows the listed order; the schema fixes it to ascending.
      if (i > 0 && t < params[i - 1]) {
        throw new InvalidInputException(at(pp, i), "is " + t + "; params must be ascending");
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
