package org.vivit4j.api;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * GGN eigenpairs (ViViT's {@code EighComputation}): the selected eigenvalues and unit eigenvectors
 * {@code e_k = V g̃_k / √λ_k} in the group's parameter layout, each with its largest-magnitude
 * entry positive.
 */
public final class EighComputation extends GgnComputation {
  /** What this computation returns. */
  public static final Set<GgnOutput> OUTPUTS =
      Collections.unmodifiableSet(EnumSet.of(GgnOutput.EIGENVALUES, GgnOutput.EIGENVECTORS));

  public EighComputation(ComputationOptions options) {
    super(options);
  }

  public EighComputation() {
    this(ComputationOptions.defaults());
  }

  /** The outputs of ViViT's class: {@link #OUTPUTS}. */
  @Override
  public Set<GgnOutput> outputs() {
    return OUTPUTS;
  }
}
