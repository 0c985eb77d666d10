package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.vivit4j.api.Problem;
import org.vivit4j.io.EncodedArrays;
import org.vivit4j.testing.Tolerances;

/**
 * What a result file must satisfy for the problem it answers (docs/SCHEMA.md, MATH.md §3–§8),
 * checked from the file alone and the problem: every number finite; the loss the mean of the
 * per-sample losses; Gram eigenvalues sorted and non-negative, their sum the GGN trace and their
 * squares the squared Frobenius norm; the selection exactly what the criterion asks of {@code
 * gram_evals} and {@code evals} the selected ones; {@code mean_n λ_nk = λ_k}; eigenvectors
 * orthonormal with their canonical sign; {@code mean_n γ_nk = ∇L·e_k} through Bessel's inequality;
 * the SNRs their definition; small selected eigenvalues warned about. Returns the violations
 * (empty: the result is valid).
 */
final class ResultIdentities {
  final Problem problem;
  final JsonNode problemTree;
  final List<String> flags;
  final JsonNode result;
  private final List<String> violations = new ArrayList<>();

  private ResultIdentities(
      Problem problem, JsonNode problemTree, List<String> flags, JsonNode result) {
    this.problem = problem;
    this.problemTree = problemTree;
    this.flags = flags;
    this.result = result;
  }

  /**
   * @param flags the {@code solve} options of the run ({@code --eigensolver} overrides the file)
   */
  static List<String> check(
      Problem problem, JsonNode problemTree, List<String> flags, JsonNode result) {
    ResultIdentities r = new ResultIdentities(problem, problemTree, flags, result);
    r.finite(result, "");
    if (r.violations.isEmpty()) {
      r.batchQuantities();
      r.groups();
    }
    return r.violations;
  }

  void fail(String identity, String detail) {
    violations.add(identity + ": " + detail);
  }

  /** Numbers finite; {@code null} only as an SNR of zero variance. */
  private void finite(JsonNode n, String path) {
    if (n.isNumber() && !Double.isFinite(n.asDouble())) {
      fail("finite numbers", path + " is " + n.asDouble());
    } else if (n.isNull() && !path.matches("groups\\[\\d+\\]\\.(gamma|lambda)_snr\\[\\d+\\]")) {
      fail("finite numbers", path + " is null");
    } else if (n.isObject()) {
      n.fields().forEachRemaining(e -> finite(e.getValue(), join(path, e.getKey())));
    } else if (n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        finite(n.get(i), path + "[" + i + "]");
      }
    }
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  int n() {
    return problem.batch().n();
  }

  private void batchQuantities() {
    JsonNode losses = result.get("per_sample_losses");
    if (losses == null) {
      return;
    }
    if (losses.size() != n()) {
      fail("per_sample_losses", losses.size() + " values for N = " + n());
      return;
    }
    double[] l = doubles(losses);
    double mean = 0;
    double max = 0;
    for (double v : l) {
      mean += v / l.length;
      max = Math.max(max, Math.abs(v));
    }
    double loss = result.path("loss").asDouble();
    if (Math.abs(mean - loss) > Tolerances.F64_FIRST_ORDER * max) {
      fail("L = mean_n L_n (MATH.md §1)", "loss " + loss + ", mean " + mean);
    }
    if (result.path("grad").size() != problem.network().numParams()) {
      fail("grad", result.path("grad").size() + " values for P = " + problem.network().numParams());
    }
  }

  private void groups() {
    JsonNode groups = result.get("groups");
    if (groups == null || groups.size() != problem.groups().size()) {
      fail("groups", "one result group per parameter group expected");
      return;
    }
    for (int j = 0; j < groups.size(); j++) {
      new GroupIdentities(this, j, problem.groups().get(j), groups.get(j)).check();
    }
  }

  static double[] doubles(JsonNode a) {
    if (a.isObject()) { // a result written with --encode base64
      return EncodedArrays.readDoubles(a, "");
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asDouble();
    }
    return out;
  }

  static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).asInt();
    }
    return out;
  }

  static double[][] matrix(JsonNode a) {
    if (a == null) {
      return null;
    }
    if (a.isObject()) {
      return EncodedArrays.readMatrix(a, "");
    }
    double[][] out = new double[a.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubles(a.get(i));
    }
    return out;
  }
}
