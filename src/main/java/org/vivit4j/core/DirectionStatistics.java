package org.vivit4j.core;

/**
 * Per-direction statistics of per-sample directional derivatives {@code x [rows][K]} (γ or λ),
 * column by column (MATH.md §5):
 *
 * <ul>
 *   <li>mean {@code x̄_k = (1/n) Σ_r x[r][k]};
 *   <li>unbiased variance {@code s_k² = (1/(n−1)) Σ_r (x[r][k] − x̄_k)²} (needs {@code n ≥ 2});
 *   <li>signal-to-noise ratio {@code SNR_k = x̄_k² / s_k²}: {@code +∞} when {@code s_k² = 0 <
 *       x̄_k²} and NaN when both are 0.
 * </ul>
 */
public final class DirectionStatistics {
  private DirectionStatistics() {}

  /** {@code [K]} column means; needs at least one row. */
  public static double[] means(double[][] x) {
    if (x.length == 0) {
      throw new IllegalArgumentException("the mean needs at least one row");
    }
    double[] m = new double[x[0].length];
    for (double[] row : x) {
      for (int k = 0; k < m.length; k++) {
        m[k] += row[k];
      }
    }
    for (int k = 0; k < m.length; k++) {
      m[k] /= x.length;
    }
    return m;
  }

  /** {@code [K]} unbiased column variances (two-pass); needs at least two rows. */
  public static double[] variances(double[][] x) {
    if (x.length < 2) {
      throw new IllegalArgumentException("the unbiased variance needs at least two rows");
    }
    double[] m = means(x);
    double[] v = new double[m.length];
    for (double[] row : x) {
      for (int k = 0; k < m.length; k++) {
        double d = row[k] - m[k];
        v[k] += d * d;
      }
    }
    for (int k = 0; k < v.length; k++) {
      v[k] /= x.length - 1;
    }
    return v;
  }

  /**
   * {@code [K]} signal-to-noise ratios {@code x̄_k² / s_k²}, or {@code null} for fewer than 2 rows.
   */
  public static double[] snr(double[][] x) {
    if (x.length < 2) {
      return null;
    }
    double[] m = means(x);
    double[] v = variances(x);
    double[] snr = new double[m.length];
    for (int k = 0; k < m.length; k++) {
      snr[k] = m[k] * m[k] / v[k];
    }
    return snr;
  }
}
