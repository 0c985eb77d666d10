package org.vivit4j.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * Per-sample first- and second-order directional derivatives along the leading GGN eigenvectors
 * (ViViT's {@code DirectionalDerivativesComputation}, MATH.md §5): per group {@code γ [N_grad ×
 * K]}, {@code λ [N_ggn × K]}, the selected eigenvalues and the Gram spectrum. γ's columns carry the
 * sign of the canonical eigenvector (largest-magnitude entry positive), so results are
 * deterministic.
 */
public final class DirectionalDerivativesComputation extends GgnComputation {
  /** What this computation returns. */
  public static final Set<GgnOutput> OUTPUTS =
      Collections.unmodifiableSet(
          EnumSet.of(GgnOutput.EIGENVALUES, GgnOutput.GAMMAS, GgnOutput.LAMBDAS));

  public DirectionalDerivativesComputation(ComputationOptions options) {
    super(options);
  }

  public DirectionalDerivativesComputation() {
    this(ComputationOptions.defaults());
  }

  /** The outputs of ViViT's class: {@link #OUTPUTS}. */
  @Override
  public Set<GgnOutput> outputs() {
    return OUTPUTS;
  }
}
