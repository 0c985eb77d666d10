package org.vivit4j.api;

/**
 * Constructor options of a computation, as in ViViT.
 *
 * @param subsamplingGrad samples whose first-order derivatives γ are reported, in this order, or
 *     {@code null} for all
 * @param subsamplingGgn samples that define the GGN (and λ rows), in this order, or {@code null}
 *     for all
 * @param mcSamples 0 for the exact GGN (Monte-Carlo is not supported yet)
 * @param warnSmallEigvals selected eigenvalues below this trigger a warning (ViViT: 1e-4)
 */
public record ComputationOptions(
    int[] subsamplingGrad, int[] subsamplingGgn, int mcSamples, double warnSmallEigvals) {

  /** Exact GGN over all samples, ViViT's default warning level 1e-4. */
  public static ComputationOptions defaults() {
    return new ComputationOptions(null, null, 0, 1e-4);
  }

  public ComputationOptions withSubsampling(int[] grad, int[] ggn) {
    return new ComputationOptions(grad, ggn, mcSamples, warnSmallEigvals);
  }
}
