package org.vivit4j.fuzz;

import static org.vivit4j.fuzz.ResultIdentities.doubles;
import static org.vivit4j.fuzz.ResultIdentities.ints;
import static org.vivit4j.fuzz.ResultIdentities.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.Damping;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.model.ParamTensor;
import org.vivit4j.testing.Tolerances;

/**
 * The identities of one group's result ({@link ResultIdentities}): {@code g} is {@code groups[j]}
 * of the result file, {@code group} the problem's parameter group j.
 */
record GroupIdentities(ResultIdentities outer, int j, ParamGroup group, JsonNode g) {

  void fail(String identity, String detail) {
    outer.fail("groups[" + j + "] " + identity, detail);
  }

  void check() {
    Problem p = outer.problem;
    int[] ggnRows = p.options().subsamplingGgn();
    int nGgn = ggnRows == null ? outer.n() : ggnRows.length;
    int cTilde = p.options().mcSamples() > 0 ? p.options().mcSamples() : p.network().outputSize();
    int gramSize = cTilde * nGgn;
    if (g.path("gram_size").asInt() != gramSize) {
      fail("gram_size = C̃·N_ggn", g.path("gram_size") + " instead of " + gramSize);
      return;
    }
    double[] evals = doubles(g.path("gram_evals"));
    int offset = g.path("gram_evals_offset").asInt();
    String solver = g.path("eigensolver").path("name").asText();
    if (evals.length == 0 || evals.length > gramSize || offset != gramSize - evals.length) {
      fail("gram_evals", evals.length + " values at offset " + offset + ", size " + gramSize);
      return;
    }
    expectedSolver(solver);
    if (solver.equals("dense") && offset != 0) {
      fail("dense gram_evals", "the whole spectrum expected, offset " + offset);
    }
    for (int i = 1; i < evals.length; i++) {
      if (evals[i] < evals[i - 1]) {
        fail("gram_evals ascending", "[" + (i - 1) + "] " + evals[i - 1] + " > " + evals[i]);
      }
    }
    double max = Math.max(0, evals[evals.length - 1]);
    double zero = Tolerances.F64_ZERO_EVAL * max;
    if (evals[0] < -zero) {
      fail("Gram eigenvalues ≥ 0 (Ĝ = VᵀV)", evals[0] + " with largest " + max);
    }
    double residual = g.path("eigensolver").path("residual").asDouble();
    if (!(residual <= Tolerances.FUZZ_EIGEN_RESIDUAL)) {
      fail("eigensolver residual", residual + " (" + solver + ")");
    }
    traceAndNorm(evals, offset == 0, gramSize);
    int[] sel = ints(g.path("selected_indices"));
    double[] chosen = doubles(g.path("evals"));
    if (!selection(sel, chosen, evals, offset, gramSize)) {
      return;
    }
    warnings(chosen);
    int dim = 0;
    for (int t : group.params()) {
      dim += p.network().params().get(t).numel();
    }
    if (g.path("dim").asInt() != dim) {
      fail("dim", g.path("dim") + " instead of " + dim);
    }
    int k = sel.length;
    double[][] lambdas = matrix(g.get("lambdas"));
    double[][] gammas = matrix(g.get("gammas"));
    int[] gradRows = p.options().subsamplingGrad();
    int nGrad = gradRows == null ? outer.n() : gradRows.length;
    if (lambdas != null && !shape(lambdas, nGgn, k, "lambdas")) {
      return;
    }
    if (gammas != null && !shape(gammas, nGrad, k, "gammas")) {
      return;
    }
    if (lambdas != null) {
      meanLambda(lambdas, chosen, max);
      snr("lambda_snr", lambdas, g.get("lambda_snr"));
    }
    if (gammas != null) {
      snr("gamma_snr", gammas, g.get("gamma_snr"));
    }
    double[][] evecs = matrix(g.get("evecs"));
    if (evecs != null) {
      if (!shape(evecs, k, dim, "evecs")) {
        return;
      }
      eigenvectors(evecs, chosen, max);
    }
    if (gammas != null) {
      meanGamma(gammas, chosen, max, gradRows);
    }
    dampedNewton(k, dim);
  }

  /**
   * SCHEMA.md: problem files default to the dense eigensolver; an explicit choice is kept, and the
   * command line's {@code --eigensolver} overrides the file's.
   */
  private void expectedSolver(String solver) {
    JsonNode c = outer.problemTree.path("computation");
    int flag = outer.flags.indexOf("--eigensolver");
    String asked = flag >= 0 ? outer.flags.get(flag + 1) : c.path("eigensolver").asText("dense");
    if (!asked.equals("auto") && !asked.equals(solver)) {
      fail(
          "eigensolver",
          solver
              + " ran, the problem asks for "
              + asked
              + (c.has("eigensolver") ? "" : " (the documented default)"));
    }
  }

  /** {@code tr G = Σ λ}, {@code ‖G‖_F² = Σ λ²} (MATH.md §5); bounds with a partial spectrum. */
  private void traceAndNorm(double[] evals, boolean whole, int gramSize) {
    double max = 0;
    for (double v : evals) {
      max = Math.max(max, Math.abs(v));
    }
    // Everything in units of the largest eigenvalue: Σλ² overflows for eigenvalues near 1e154
    // although the norm is finite (the library scales the same way).
    double unit = max == 0 ? 1 : max;
    double trace = g.path("ggn_trace").asDouble() / unit;
    double frob = g.path("ggn_frobenius_norm").asDouble() / unit;
    double sum = 0;
    double sq = 0;
    for (double v : evals) {
      sum += v / unit;
      sq += (v / unit) * (v / unit);
    }
    double tol = Tolerances.F64_EVALS * gramSize * (max == 0 ? 0 : 1);
    double norm = Math.sqrt(sq);
    if (whole) {
      if (Math.abs(trace - sum) > tol) {
        fail("tr G = Σ gram_evals (MATH.md §5)", "trace " + trace + ", sum " + sum);
      }
      if (Math.abs(frob - norm) > tol) {
        fail("‖G‖_F = √Σ λ² (MATH.md §5)", "norm " + frob + ", √Σλ² " + norm);
      }
    } else {
      if (sum > trace + tol) {
        fail("tr G ≥ Σ of the top eigenvalues", "trace " + trace + " < sum " + sum);
      }
      if (norm > frob + tol) {
        fail("‖G‖_F ≥ √Σ λ² over the top eigenvalues", "norm " + frob + " < " + norm);
      }
    }
  }

  /** The criterion's indices, ascending, and {@code evals} exactly the selected gram_evals. */
  private boolean selection(int[] sel, double[] chosen, double[] evals, int offset, int size) {
    if (sel.length != chosen.length) {
      fail("evals", chosen.length + " values for " + sel.length + " selected indices");
      return false;
    }
    for (int i = 0; i < sel.length; i++) {
      if (sel[i] < offset || sel[i] >= size || (i > 0 && sel[i] <= sel[i - 1])) {
        fail("selected_indices", "ascending in [" + offset + ", " + size + ") expected");
        return false;
      }
      if (chosen[i] != evals[sel[i] - offset]) {
        fail("evals[i] = gram_evals[selected_indices[i]]", "at " + i);
      }
    }
    Criterion c = group.criterion();
    if (c instanceof Criterion.TopK t) {
      for (int i = 0; i < Math.max(sel.length, 1); i++) {
        if (sel.length != t.k() || sel[i] != size - t.k() + i) {
          fail("top_k selection", "the last " + t.k() + " indices expected");
          return false;
        }
      }
    } else if (c instanceof Criterion.Threshold t) {
      List<Integer> above = new ArrayList<>();
      for (int i = 0; i < evals.length; i++) {
        if (evals[i] > t.threshold()) {
          above.add(i + offset);
        }
      }
      if (!above.equals(java.util.Arrays.stream(sel).boxed().toList())) {
        fail("threshold selection", "indices of gram_evals > " + t.threshold() + " expected");
        return false;
      }
      if (offset > 0 && evals[0] > t.threshold()) {
        fail("threshold with a partial spectrum", "no returned eigenvalue at or below it");
      }
    }
    return true;
  }

  /** MATH.md §3: a selected eigenvalue below {@code warn_small_eigvals} is reported. */
  private void warnings(double[] chosen) {
    double level = outer.problem.options().warnSmallEigvals();
    for (double v : chosen) {
      if (v < level && g.path("warnings").isEmpty()) {
        fail("small eigenvalue warning", "selected " + v + " < " + level + " without a warning");
        return;
      }
    }
  }

  private boolean shape(double[][] m, int rows, int cols, String what) {
    for (double[] r : m) {
      if (r.length != cols) {
        fail(what, "rows of " + cols + " values expected");
        return false;
      }
    }
    if (m.length != rows) {
      fail(what, m.length + " rows instead of " + rows);
      return false;
    }
    return true;
  }

  /** A direction whose eigenvalue is resolved well enough for the identities to hold. */
  private static boolean resolved(double lambda, double max) {
    return lambda > Tolerances.FUZZ_RESOLVED_EVAL * max;
  }

  /** {@code mean_n λ_nk = λ_k} (MATH.md §5, §7), and {@code λ_nk ≥ 0}. */
  private void meanLambda(double[][] lambdas, double[] chosen, double max) {
    for (int k = 0; k < chosen.length; k++) {
      if (!resolved(chosen[k], max)) {
        continue;
      }
      double mean = 0;
      for (double[] row : lambdas) {
        mean += row[k] / lambdas.length;
        if (row[k] < -Tolerances.F64_DIRECTIONAL * max) {
          fail("λ_nk ≥ 0", "direction " + k + ": " + row[k]);
        }
      }
      if (Math.abs(mean - chosen[k]) > Tolerances.F64_DIRECTIONAL * max) {
        fail("mean_n λ_nk = λ_k (MATH.md §5)", "direction " + k + ": " + mean + " vs " + chosen[k]);
      }
    }
  }

  /** Unit, pairwise orthogonal, canonical sign (largest-magnitude entry positive). */
  private void eigenvectors(double[][] e, double[] chosen, double max) {
    for (int a = 0; a < e.length; a++) {
      if (!resolved(chosen[a], max)) {
        continue;
      }
      for (int b = a; b < e.length; b++) {
        if (!resolved(chosen[b], max)) {
          continue;
        }
        double dot = 0;
        for (int i = 0; i < e[a].length; i++) {
          dot += e[a][i] * e[b][i];
        }
        if (Math.abs(dot - (a == b ? 1 : 0)) > Tolerances.FUZZ_ORTHONORMAL) {
          fail("eᵀe = I (MATH.md §3)", "e_" + a + "·e_" + b + " = " + dot);
        }
      }
      double big = 0;
      for (double v : e[a]) {
        big = Math.max(big, Math.abs(v));
      }
      for (double v : e[a]) {
        if (Math.abs(v) >= big * (1 - 1e-12)) {
          if (v < 0) {
            fail("canonical sign (SCHEMA.md)", "e_" + a + " largest entry " + v);
          }
          break;
        }
      }
    }
  }

  /**
   * Bessel's inequality for the orthonormal {@code e_k} when the γ rows are the whole batch ({@code
   * mean_n γ_nk = ∇L·e_k}, MATH.md §5): {@code Σ_k (mean_n γ_nk)² ≤ ‖∇_P L‖²}, over the resolved
   * directions. (No computation writes γ together with the eigenvectors, which would allow the
   * identity itself.)
   */
  private void meanGamma(double[][] gammas, double[] chosen, double max, int[] gradRows) {
    JsonNode gradNode = outer.result.get("grad");
    if (gradNode == null || (gradRows != null && !permutationOfBatch(gradRows))) {
      return;
    }
    double[] grad = doubles(gradNode);
    double norm = 0;
    for (int t : group.params()) {
      ParamTensor pt = outer.problem.network().params().get(t);
      for (int i = 0; i < pt.numel(); i++) {
        norm += grad[pt.offset() + i] * grad[pt.offset() + i];
      }
    }
    double projected = 0;
    for (int k = 0; k < chosen.length; k++) {
      double mean = 0;
      for (double[] row : gammas) {
        mean += row[k] / gammas.length;
      }
      projected += resolved(chosen[k], max) ? mean * mean : 0;
    }
    if (projected > norm * (1 + Tolerances.F64_DIRECTIONAL) + 1e-300) {
      fail("Σ_k γ̄_k² ≤ ‖∇_P L‖² (Bessel, MATH.md §5)", projected + " > " + norm);
    }
  }

  private boolean permutationOfBatch(int[] rows) {
    return rows.length == outer.n()
        && java.util.Arrays.stream(rows).distinct().count() == outer.n();
  }

  /**
   * {@code SNR_k = x̄_k²/s_k²} of the written rows (MATH.md §5): {@code null} exactly where the
   * variance vanishes, absent with fewer than two rows; compared where mean and spread are resolved
   * ({@link Tolerances#FUZZ_SNR_RESOLVED}).
   */
  private void snr(String key, double[][] x, JsonNode written) {
    if (x.length < 2) {
      if (written != null) {
        fail(key, "present with fewer than two rows");
      }
      return;
    }
    if (written == null || written.size() != x[0].length) {
      fail(key, "one SNR per direction expected");
      return;
    }
    for (int k = 0; k < x[0].length; k++) {
      double mean = 0;
      double big = 0;
      for (double[] row : x) {
        mean += row[k] / x.length;
        big = Math.max(big, Math.abs(row[k]));
      }
      double ss = 0;
      for (double[] row : x) {
        ss += (row[k] - mean) * (row[k] - mean);
      }
      double s = Math.sqrt(ss / (x.length - 1));
      JsonNode w = written.get(k);
      double noise = Tolerances.FUZZ_SNR_RESOLVED * big;
      if (w.isNull()) {
        if (s > noise) {
          fail(key + " null only for zero variance", "direction " + k + ": s = " + s);
        }
        continue;
      }
      double v = w.asDouble();
      if (v < 0) {
        fail(key + " ≥ 0", "direction " + k + ": " + v);
      }
      if (s > noise && Math.abs(mean) > noise) {
        double def = mean * mean / (s * s);
        if (Math.abs(v - def) > Tolerances.FUZZ_SNR * def) {
          fail(key + " = x̄²/s² (MATH.md §5)", "direction " + k + ": " + v + " vs " + def);
        }
      }
    }
  }

  /** Dampings finite, ≥ 0 and the constant where constant; a step in the group's layout. */
  private void dampedNewton(int k, int dim) {
    if (!"damped_newton".equals(outer.problem.computationClass())) {
      return;
    }
    double[] d = doubles(g.path("dampings"));
    double[] step = doubles(g.path("newton_step"));
    if (d.length != k || step.length != dim) {
      fail("damped_newton", d.length + " dampings, " + step.length + " step entries");
      return;
    }
    for (double v : d) {
      if (v < 0) {
        fail("δ_k ≥ 0 (MATH.md §8)", String.valueOf(v));
      }
      if (outer.problem.damping() instanceof Damping.Constant c && v != c.value()) {
        fail("constant damping", v + " instead of " + c.value());
      }
    }
  }
}
