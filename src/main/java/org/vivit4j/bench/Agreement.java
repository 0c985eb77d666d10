package org.vivit4j.bench;

import java.util.Locale;
import org.vivit4j.api.GroupResult;
import org.vivit4j.backend.Precision;

/**
 * Correctness before timing: a result against a reference result of the same problem (normwise
 * relative errors of the selected eigenvalues, |γ| and λ; eigenvectors are defined up to sign) and
 * the identity {@code mean_n λ_nk = λ_k} (MATH.md §5).
 */
public final class Agreement {
  private Agreement() {}

  /**
   * @param passed all errors within the tolerances
   * @param summary one line with the errors
   */
  public record Outcome(boolean passed, String summary) {}

  /**
   * {@link #check} against a float64 reference at the bench's tolerances for a run in {@code
   * precision}: 1e-10 (eigenvalues, identity) and 1e-8 (|γ|, λ) in float64; in float32 1e-4 and
   * 1e-3, its rounding amplified by the conditioning of the eigenvectors.
   */
  public static Outcome checkAgainstFloat64(
      GroupResult mine, GroupResult reference, Precision precision) {
    boolean f64 = precision == Precision.FLOAT64;
    return check(mine, reference, f64 ? 1e-10 : 1e-4, f64 ? 1e-8 : 1e-3);
  }

  /**
   * @param evalTol tolerance of the eigenvalues and of the identity
   * @param dirTol tolerance of |γ| and λ
   */
  public static Outcome check(
      GroupResult mine, GroupResult reference, double evalTol, double dirTol) {
    double evals = normwise(mine.evals(), reference.evals());
    double gammas = normwise(abs(flat(mine.gammas())), abs(flat(reference.gammas())));
    double lambdas = normwise(flat(mine.lambdas()), flat(reference.lambdas()));
    double identity = identity(mine);
    boolean ok = evals <= evalTol && gammas <= dirTol && lambdas <= dirTol && identity <= evalTol;
    return new Outcome(
        ok,
        String.format(
            Locale.ROOT,
            "%s: evals %.1e, |γ| %.1e, λ %.1e (tol %.0e / %.0e), mean_n λ_nk = λ_k to %.1e",
            ok ? "passed" : "FAILED",
            evals,
            gammas,
            lambdas,
            evalTol,
            dirTol,
            identity));
  }

  /** {@code max_k |mean_n λ_nk − λ_k| / max_k λ_k}. */
  public static double identity(GroupResult r) {
    double[][] l = r.lambdas();
    double[] e = r.evals();
    double err = 0;
    double max = 0;
    for (int k = 0; k < e.length; k++) {
      double mean = 0;
      for (double[] row : l) {
        mean += row[k];
      }
      mean /= l.length;
      err = Math.max(err, Math.abs(mean - e[k]));
      max = Math.max(max, Math.abs(e[k]));
    }
    return max == 0 ? err : err / max;
  }

  static double normwise(double[] a, double[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num = Math.max(num, Math.abs(a[i] - b[i]));
      den = Math.max(den, Math.abs(b[i]));
    }
    return den == 0 ? num : num / den;
  }

  private static double[] flat(double[][] a) {
    return java.util.Arrays.stream(a).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  private static double[] abs(double[] a) {
    return java.util.Arrays.stream(a).map(Math::abs).toArray();
  }
}
