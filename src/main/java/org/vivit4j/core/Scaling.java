package org.vivit4j.core;

import org.vivit4j.model.Reduction;

/**
 * Every scaling factor of the method in one place (MATH.md §1, §2, §5, §7).
 *
 * <ul>
 *   <li>Batch loss {@code L = R Σ_n ℓ_n} with {@code R = 1/N} (mean) or {@code 1} (sum).
 *   <li>Per-sample loss {@code L_n = N·R·ℓ_n}, so that {@code L = mean_n L_n}; the same factor
 *       turns {@code ∂ℓ_n} into {@code ∂L_n}.
 *   <li>GGN on the samples {@code S} (all N, or a sub-sample): {@code G = (1/|S|) Σ_{n∈S} G_n} with
 *       {@code G_n = N·R·J_nᵀ H(ℓ_n) J_n}. With the loss factor {@code S_n S_nᵀ = H(ℓ_n)} the
 *       columns of {@code V} are {@code √(N·R/|S|) · J_nᵀ S_n}, so {@code G = V Vᵀ}. Without
 *       sub-sampling and reduction mean this is ViViT's {@code √R}.
 *   <li>Monte-Carlo GGN with {@code M} draws per sample: the loss gives {@code M} columns with
 *       {@code E[s sᵀ] = H(ℓ_n)} ({@link HessianFactor}); their mean outer product is {@code (1/M)
 *       Σ_m s_m s_mᵀ}, so each column is also multiplied by {@code 1/√M}.
 *   <li>Second-order directional derivatives {@code λ_nk = |S| · ‖(Ĝ g̃_k)_n‖² / λ_k}.
 * </ul>
 */
public final class Scaling {
  private final int n;
  private final int nGgn;
  private final double r;
  private final int mcSamples;

  /**
   * The exact GGN.
   *
   * @param reduction the loss reduction
   * @param n batch size N
   * @param nGgn number of samples that define the GGN, {@code |S|}
   */
  public Scaling(Reduction reduction, int n, int nGgn) {
    this(reduction, n, nGgn, 0);
  }

  /**
   * @param mcSamples 0 for the exact GGN, else the number M of Monte-Carlo draws per sample
   */
  public Scaling(Reduction reduction, int n, int nGgn, int mcSamples) {
    if (n < 1 || nGgn < 1 || nGgn > n) {
      throw new IllegalArgumentException("need 1 <= |S| <= N, got N=" + n + ", |S|=" + nGgn);
    }
    if (mcSamples < 0) {
      throw new IllegalArgumentException("need M >= 0 Monte-Carlo samples, got " + mcSamples);
    }
    this.n = n;
    this.nGgn = nGgn;
    this.r = reduction == Reduction.MEAN ? 1.0 / n : 1.0;
    this.mcSamples = mcSamples;
  }

  /** {@code R}: batch loss = R · Σ_n ℓ_n. */
  public double reductionFactor() {
    return r;
  }

  /** {@code N·R}: {@code L_n = N·R·ℓ_n}, likewise for its derivatives. */
  public double perSampleFactor() {
    return n * r;
  }

  /**
   * {@code √(N·R/|S|)} (exact) or {@code √(N·R/(|S|·M))} (Monte-Carlo): multiplies the loss factor
   * {@code S_n} to give the columns of V.
   */
  public double factorScale() {
    return Math.sqrt(n * r / nGgn / Math.max(1, mcSamples));
  }

  /** {@code |S|}: multiplies {@code ‖(Ĝ g̃_k)_n‖² / λ_k} to give {@code λ_nk}. */
  public double lambdaFactor() {
    return nGgn;
  }
}
