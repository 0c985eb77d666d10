package org.vivit4j.api;

/**
 * GGN eigenvalues from the Gram matrix (ViViT's {@code EigvalshComputation}): per group the whole
 * Gram spectrum and the eigenvalues the criterion selects.
 */
public final class EigvalshComputation extends GgnComputation {
  public EigvalshComputation(ComputationOptions options) {
    super(options);
  }

  public EigvalshComputation() {
    this(ComputationOptions.defaults());
  }

  @Override
  protected Output output() {
    return Output.EVALS;
  }
}
