package org.vivit4j.core;

/**
 * The Gram-space weights of a damped Newton step (MATH.md §8). With unit eigenvectors {@code e_k =
 * σ_k V w_k} ({@code w_k = g̃_k/√λ_k}, {@code σ_k = ±1} the canonical sign) and the directional
 * derivatives taken along the canonical {@code e_k}:
 *
 * <pre>
 *   s = − Σ_k γ̄_k / (λ̄_k + δ_k) · e_k = V w,   w = − Σ_k σ_k γ̄_k / (λ̄_k + δ_k) · w_k .
 * </pre>
 */
public final class NewtonStep {
  private NewtonStep() {}

  /** The step's coefficients along the canonical {@code e_k}: {@code c_k = −γ̄_k/(λ̄_k + δ_k)}. */
  public static double[] coefficients(double[] gammaMean, double[] lambdaMean, double[] dampings) {
    double[] c = new double[gammaMean.length];
    for (int k = 0; k < c.length; k++) {
      c[k] = -gammaMean[k] / (lambdaMean[k] + dampings[k]);
    }
    return c;
  }

  /**
   * {@code w = Σ_k c_k σ_k w_k}.
   *
   * @param weights {@code [K][size]}: {@code w_k}, the weights of the raw eigenvectors
   * @param signs {@code [K]}: {@code σ_k}
   * @param size the Gram size {@code |S|·C̃}
   * @return {@code [size]}
   */
  public static double[] weights(
      double[] coefficients, double[][] weights, double[] signs, int size) {
    double[] w = new double[size];
    for (int k = 0; k < weights.length; k++) {
      double f = coefficients[k] * signs[k];
      for (int i = 0; i < size; i++) {
        w[i] += f * weights[k][i];
      }
    }
    return w;
  }
}
