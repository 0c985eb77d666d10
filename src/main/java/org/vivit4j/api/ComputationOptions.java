package org.vivit4j.api;

import org.vivit4j.linalg.EigenSolver;

/**
 * Constructor options of a computation, as in ViViT.
 *
 * @param subsamplingGrad samples whose first-order derivatives γ are reported, in this order, or
 *     {@code null} for all
 * @param subsamplingGgn samples that define the GGN (and λ rows), in this order, or {@code null}
 *     for all
 * @param mcSamples 0 for the exact GGN (Monte-Carlo is not supported yet)
 * @param warnSmallEigvals selected eigenvalues below this trigger a warning (ViViT: 1e-4)
 * @param eigenSolver the host eigensolver of the Gram matrices ({@link EigenSolver#AUTO}: dense
 *     EJML for small Gram matrices and criteria that need the whole spectrum, Lanczos otherwise)
 */
public record ComputationOptions(
    int[] subsamplingGrad,
    int[] subsamplingGgn,
    int mcSamples,
    double warnSmallEigvals,
    EigenSolver eigenSolver) {

  public ComputationOptions {
    if (eigenSolver == null) {
      throw new IllegalArgumentException("eigenSolver must not be null (use EigenSolver.AUTO)");
    }
  }

  /** The options with the {@link EigenSolver#AUTO} eigensolver. */
  public ComputationOptions(
      int[] subsamplingGrad, int[] subsamplingGgn, int mcSamples, double warnSmallEigvals) {
    this(subsamplingGrad, subsamplingGgn, mcSamples, warnSmallEigvals, EigenSolver.AUTO);
  }

  /** Exact GGN over all samples, ViViT's default warning level 1e-4, automatic eigensolver. */
  public static ComputationOptions defaults() {
    return new ComputationOptions(null, null, 0, 1e-4);
  }

  public ComputationOptions withSubsampling(int[] grad, int[] ggn) {
    return new ComputationOptions(grad, ggn, mcSamples, warnSmallEigvals, eigenSolver);
  }

  public ComputationOptions withEigenSolver(EigenSolver solver) {
    return new ComputationOptions(
        subsamplingGrad, subsamplingGgn, mcSamples, warnSmallEigvals, solver);
  }
}
