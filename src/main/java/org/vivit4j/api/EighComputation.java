package org.vivit4j.api;

/**
 * GGN eigenpairs (ViViT's {@code EighComputation}): the selected eigenvalues and unit eigenvectors
 * {@code e_k = V g̃_k / √λ_k} in the group's parameter layout, each with its largest-magnitude
 * entry positive.
 */
public final class EighComputation extends GgnComputation {
  public EighComputation(ComputationOptions options) {
    super(options);
  }

  public EighComputation() {
    this(ComputationOptions.defaults());
  }

  @Override
  protected Output output() {
    return Output.EVECS;
  }
}
