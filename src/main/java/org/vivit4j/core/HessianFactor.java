package org.vivit4j.core;

import java.util.SplittableRandom;
import org.vivit4j.loss.Loss;

/**
 * The loss-Hessian factor of one sample at the network output (MATH.md §2), before the scaling of
 * {@link Scaling#factorScale()}: the exact {@code S_n} ({@code C × C}, {@code C̃ = C}; or the
 * loss's rank-reduced {@code R_n}, {@code C̃ = C − 1} for cross-entropy), or, with {@code M ≥ 1}
 * Monte-Carlo samples, {@code M} draws {@code s_m} with {@code E[s_m s_mᵀ] = H_n} ({@code C̃ = M}).
 * The draws of data point {@code n} come from a generator seeded by {@code (seed, n)} alone, so
 * every backward pass of a run sees the same factor, runs are reproducible, and a sample's draws do
 * not depend on the other samples of the sub-sample.
 */
public final class HessianFactor {
  private final Loss loss;
  private final int mcSamples;
  private final long seed;
  private final boolean reduced;

  /**
   * @param mcSamples 0 for the exact factor, else the number of Monte-Carlo samples M
   * @param seed seeds the Monte-Carlo draws
   */
  public HessianFactor(Loss loss, int mcSamples, long seed) {
    this(loss, mcSamples, seed, false);
  }

  /**
   * As above; with {@code reduced} the exact factor is the loss's rank-reduced one ({@link
   * Loss#reducedSqrtHessian}: cross-entropy {@code C − 1} columns, same GGN).
   */
  public HessianFactor(Loss loss, int mcSamples, long seed, boolean reduced) {
    if (mcSamples < 0) {
      throw new IllegalArgumentException("mcSamples must be >= 0, got " + mcSamples);
    }
    this.loss = loss;
    this.mcSamples = mcSamples;
    this.seed = seed;
    this.reduced = reduced && mcSamples == 0;
  }

  /** Whether this is the Monte-Carlo factor. */
  public boolean monteCarlo() {
    return mcSamples > 0;
  }

  /** {@code C̃}: factor columns per sample for {@code c} outputs. */
  public int columns(int c) {
    if (mcSamples > 0) {
      return mcSamples;
    }
    return reduced ? loss.reducedFactorColumns(c) : loss.factorColumns(c);
  }

  /**
   * The factor of data point {@code sample}, row-major {@code [C × C̃]}.
   *
   * @param f the sample's outputs, length C
   */
  public double[] of(int sample, double[] f, Loss.Target target) {
    if (mcSamples == 0) {
      return reduced ? loss.reducedSqrtHessian(f, target) : loss.sqrtHessian(f, target);
    }
    return loss.sampledSqrtHessian(f, target, mcSamples, generator(seed, sample));
  }

  /**
   * Coefficients {@code a} with {@code S a = ∂ℓ/∂f} for the exact factor {@link #of} gives ({@link
   * Loss#gradientCoefficients}); {@code null} for the Monte-Carlo factor, whose columns need not
   * span the gradient, or where the loss has none.
   */
  public double[] gradientCoefficients(double[] f, Loss.Target target) {
    return mcSamples > 0 ? null : loss.gradientCoefficients(f, target, reduced);
  }

  /** The loss this factor belongs to. */
  public Loss loss() {
    return loss;
  }

  /**
   * The generator of data point {@code sample}: a hash of {@code (seed, sample)} seeds a fresh
   * {@link SplittableRandom}, so neighbouring seeds or samples do not give shifted streams.
   */
  static SplittableRandom generator(long seed, int sample) {
    long hashed = new SplittableRandom(seed + 0x632BE59BD9B4E019L * (sample + 1L)).nextLong();
    return new SplittableRandom(hashed);
  }
}
