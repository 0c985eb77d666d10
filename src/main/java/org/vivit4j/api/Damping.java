package org.vivit4j.api;

/**
 * The damping rule of a damped Newton step (MATH.md §8): maps a group's selected directions to one
 * damping {@code δ_k ≥ 0} per direction, which the step divides by {@code λ̄_k + δ_k}.
 */
@FunctionalInterface
public interface Damping {

  /**
   * @param evals {@code [K]} the selected eigenvalues {@code λ_k}, ascending (not modified)
   * @param evecs {@code [K][dim]} the unit eigenvectors {@code e_k} in the group's parameter layout
   * @param gammas {@code [N_grad][K]} first-order directional derivatives {@code γ_nk}
   * @param lambdas {@code [N_ggn][K]} second-order directional derivatives {@code λ_nk}
   * @return {@code [K]} dampings {@code δ_k}, finite and {@code ≥ 0}
   */
  double[] dampings(double[] evals, double[][] evecs, double[][] gammas, double[][] lambdas);

  /** {@code δ_k = value} for every direction. */
  static Constant constant(double value) {
    return new Constant(value);
  }

  /** {@code δ_k = scale · √(var_n λ_nk / N_ggn)} (see {@link LambdaStandardError}). */
  static LambdaStandardError lambdaStandardError(double scale) {
    return new LambdaStandardError(scale);
  }

  /** The same damping {@code δ ≥ 0} for every direction. */
  record Constant(double value) implements Damping {
    public Constant {
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException(
            "constant damping must be finite and >= 0, got " + value);
      }
    }

    @Override
    public double[] dampings(
        double[] evals, double[][] evecs, double[][] gammas, double[][] lambdas) {
      double[] d = new double[evals.length];
      java.util.Arrays.fill(d, value);
      return d;
    }
  }

  /**
   * Damping by the uncertainty of the curvature estimate: {@code δ_k = scale · SE_k}, with {@code
   * SE_k = √(s_k² / N_ggn)} the standard error of {@code λ̄_k = mean_n λ_nk} and {@code s_k²} the
   * unbiased sample variance of {@code λ_nk} over the GGN samples. Directions whose curvature the
   * mini-batch pins down poorly take smaller steps. Needs {@code N_ggn ≥ 2}.
   */
  record LambdaStandardError(double scale) implements Damping {
    public LambdaStandardError {
      if (!(scale >= 0) || Double.isInfinite(scale)) {
        throw new IllegalArgumentException("scale must be finite and >= 0, got " + scale);
      }
    }

    @Override
    public double[] dampings(
        double[] evals, double[][] evecs, double[][] gammas, double[][] lambdas) {
      int n = lambdas.length;
      if (n < 2) {
        throw new IllegalArgumentException(
            "the lambda_standard_error damping needs at least 2 GGN samples, got " + n);
      }
      double[] var = org.vivit4j.core.DirectionStatistics.variances(lambdas);
      double[] d = new double[evals.length];
      for (int k = 0; k < d.length; k++) {
        d[k] = scale * Math.sqrt(var[k] / n);
      }
      return d;
    }
  }
}
