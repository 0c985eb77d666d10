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
 *
 * <p><b>Variance zero up to round-off.</b> Samples that agree in exact arithmetic (identical data
 * points, a direction every sample sees alike) give {@code s_k = 0} in one dtype and a few units of
 * round-off in another, which would turn an SNR of {@code +∞} into an arbitrary huge number (5e31
 * in float32 against {@code +∞} in float64). So {@link #snr(double[][], double)} counts a variance
 * as zero when {@code s_k ≤ }{@value #ZERO_VARIANCE_ULPS}{@code ·ε·|x̄_k|}, with {@code ε} the unit
 * round-off of the dtype the values were computed in ({@code 2⁻²³} for float32, {@code 2⁻⁵²} for
 * float64): deviations that small are what rounding the mean's magnitude leaves behind, and the
 * same direction then gets {@code +∞} in both dtypes. A mean of 0 never triggers the rule, so
 * {@code SNR = 0} stays 0.
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
   * Units of round-off (multiples of the dtype's {@code ε}, relative to {@code |x̄|}) below which a
   * standard deviation counts as zero: the values are sums of many rounded products (Gram entries,
   * eigenvector weights), whose relative error grows with the number of terms; 64 ulps covers that
   * for the sizes a Gram eigensolve handles while leaving SNRs up to {@code 1/(64ε)² ≈ 1.7e10} in
   * float32 ({@code 5e27} in float64) untouched.
   */
  public static final double ZERO_VARIANCE_ULPS = 64;

  /** The unit round-off of float64, for values computed in double precision throughout. */
  public static final double FLOAT64_EPSILON = Math.ulp(1.0);

  /** The unit round-off of float32. */
  public static final double FLOAT32_EPSILON = Math.ulp(1.0f);

  /**
   * {@code [K]} signal-to-noise ratios {@code x̄_k² / s_k²} of values computed in float64, or
   * {@code null} for fewer than 2 rows ({@link #snr(double[][], double)} with {@link
   * #FLOAT64_EPSILON}).
   */
  public static double[] snr(double[][] x) {
    return snr(x, FLOAT64_EPSILON);
  }

  /**
   * {@code [K]} signal-to-noise ratios {@code x̄_k² / s_k²}, or {@code null} for fewer than 2 rows;
   * a variance zero up to the round-off of a dtype with unit round-off {@code epsilon} (class
   * Javadoc) gives {@code +∞}.
   */
  public static double[] snr(double[][] x, double epsilon) {
    if (x.length < 2) {
      return null;
    }
    double[] m = means(x);
    double[] v = variances(x);
    double[] snr = new double[m.length];
    for (int k = 0; k < m.length; k++) {
      double roundOff = ZERO_VARIANCE_ULPS * epsilon * Math.abs(m[k]);
      snr[k] =
          m[k] != 0 && Math.sqrt(v[k]) <= roundOff ? Double.POSITIVE_INFINITY : m[k] * m[k] / v[k];
    }
    return snr;
  }
}
