package org.vivit4j.api;

import org.vivit4j.linalg.EigenSolver;

/**
 * Constructor options of a computation, as in ViViT.
 *
 * @param subsamplingGrad samples whose first-order derivatives γ are reported, in this order, or
 *     {@code null} for all
 * @param subsamplingGgn samples that define the GGN (and λ rows), in this order, or {@code null}
 *     for all
 * @param mcSamples 0 for the exact GGN, or the number M ≥ 1 of Monte-Carlo samples per data point
 *     for the Monte-Carlo GGN (MATH.md §2: {@code C̃ = M} factor columns per sample)
 * @param warnSmallEigvals selected eigenvalues below this trigger a warning (ViViT: 1e-4)
 * @param seed seeds the Monte-Carlo draws (ignored by the exact GGN): the draws of data point n
 *     depend only on {@code (seed, n)}, so a run is reproducible and a sample's draws do not depend
 *     on which other samples are in {@code subsamplingGgn}
 * @param eigenSolver the host eigensolver of the Gram matrices ({@link EigenSolver#AUTO}: dense
 *     EJML for small Gram matrices and criteria that need the whole spectrum, Lanczos otherwise)
 */
public record ComputationOptions(
    int[] subsamplingGrad,
    int[] subsamplingGgn,
    int mcSamples,
    double warnSmallEigvals,
    long seed,
    EigenSolver eigenSolver) {

  public ComputationOptions {
    if (eigenSolver == null) {
      throw new IllegalArgumentException("eigenSolver must not be null (use EigenSolver.AUTO)");
    }
  }

  /** Options with the given Monte-Carlo seed and the {@link EigenSolver#AUTO} eigensolver. */
  public ComputationOptions(
      int[] subsamplingGrad,
      int[] subsamplingGgn,
      int mcSamples,
      double warnSmallEigvals,
      long seed) {
    this(subsamplingGrad, subsamplingGgn, mcSamples, warnSmallEigvals, seed, EigenSolver.AUTO);
  }

  /** Options with seed 0 and the {@link EigenSolver#AUTO} eigensolver. */
  public ComputationOptions(
      int[] subsamplingGrad, int[] subsamplingGgn, int mcSamples, double warnSmallEigvals) {
    this(subsamplingGrad, subsamplingGgn, mcSamples, warnSmallEigvals, 0L, EigenSolver.AUTO);
  }

  /** Exact GGN over all samples, ViViT's default warning level 1e-4, automatic eigensolver. */
  public static ComputationOptions defaults() {
    return new ComputationOptions(null, null, 0, 1e-4, 0L, EigenSolver.AUTO);
  }

  public ComputationOptions withSubsampling(int[] grad, int[] ggn) {
    return new ComputationOptions(grad, ggn, mcSamples, warnSmallEigvals, seed, eigenSolver);
  }

  /** The Monte-Carlo GGN with {@code samples} draws per data point, seeded by {@code seed}. */
  public ComputationOptions withMonteCarlo(int samples, long seed) {
    return new ComputationOptions(
        subsamplingGrad, subsamplingGgn, samples, warnSmallEigvals, seed, eigenSolver);
  }

  public ComputationOptions withEigenSolver(EigenSolver solver) {
    return new ComputationOptions(
        subsamplingGrad, subsamplingGgn, mcSamples, warnSmallEigvals, seed, solver);
  }
}
