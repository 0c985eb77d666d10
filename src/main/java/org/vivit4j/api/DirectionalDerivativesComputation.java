package org.vivit4j.api;

/**
 * Per-sample first- and second-order directional derivatives along the leading GGN eigenvectors
 * (ViViT's {@code DirectionalDerivativesComputation}, MATH.md §5): per group {@code γ [N_grad ×
 * K]}, {@code λ [N_ggn × K]}, the selected eigenvalues and the Gram spectrum. γ's columns carry the
 * sign of the canonical eigenvector (largest-magnitude entry positive), so results are
 * deterministic.
 */
public final class DirectionalDerivativesComputation extends GgnComputation {
  public DirectionalDerivativesComputation(ComputationOptions options) {
    super(options);
  }

  public DirectionalDerivativesComputation() {
    this(ComputationOptions.defaults());
  }

  @Override
  protected Output output() {
    return Output.DIRECTIONAL;
  }
}
