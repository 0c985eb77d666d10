package org.vivit4j.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * GGN eigenvalues from the Gram matrix (ViViT's {@code EigvalshComputation}): per group the whole
 * Gram spectrum and the eigenvalues the criterion selects.
 */
public final class EigvalshComputation extends GgnComputation {
  /** What this computation returns. */
  public static final Set<GgnOutput> OUTPUTS =
      Collections.unmodifiableSet(EnumSet.of(GgnOutput.EIGENVALUES));

  public EigvalshComputation(ComputationOptions options) {
    super(options);
  }

  public EigvalshComputation() {
    this(ComputationOptions.defaults());
  }

  /** The outputs of ViViT's class: {@link #OUTPUTS}. */
  @Override
  public Set<GgnOutput> outputs() {
    return OUTPUTS;
  }
}
