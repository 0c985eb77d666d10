package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.linalg.HostProducts;

/**
 * {@link GramSpace} with the dense and the Lanczos eigensolver: which one {@code auto} picks, the
 * partial spectrum and its offset, threshold searches, and the directional derivatives, which must
 * agree between the two solvers.
 */
class GramSpaceSolverTest {

  /** A Gram matrix of {@code nSamples·ct} rows with a decaying spectrum, rank {@code rank}. */
  private static double[] gram(int size, int rank, long seed) {
    return gram(size, rank, seed, 0.93);
  }

  /** As above, column {@code j} of the factor scaled by {@code decay^j}. */
  private static double[] gram(int size, int rank, long seed, double decay) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] v = new double[size * rank];
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < rank; j++) {
        v[i * rank + j] = rnd.nextGaussian() * Math.pow(decay, j);
      }
    }
    double[] g = new double[size * size];
    HostProducts.mulTransB(1, v, v, 0, g, size, rank, size);
    return g;
  }

  @Test
  void autoIsDenseForSmallGramsAndWholeSpectraLanczosAbove() {
    int small = EigenSolver.AUTO_DENSE_MAX_SIZE;
    GramSpace s = new GramSpace(gram(small, 20, 1), small, EigenSolver.AUTO, SpectrumNeed.top(5));
    assertEquals(EigenSolver.DENSE, s.solver());
    assertEquals(small, s.evals().length);
    int large = small + 44;
    double[] g = gram(large, 60, 2);
    GramSpace l = new GramSpace(g, large, EigenSolver.AUTO, SpectrumNeed.top(5));
    assertEquals(EigenSolver.LANCZOS, l.solver());
    assertEquals(5, l.evals().length);
    assertEquals(large - 5, l.offset());
    assertTrue(l.residual() <= 1e-12, "residual " + l.residual());
    assertTrue(l.products() > 0);
    GramSpace all = new GramSpace(g, large, EigenSolver.AUTO, SpectrumNeed.all());
    assertEquals(EigenSolver.DENSE, all.solver());
  }

  /** The top 10 of a copy of {@code g} by Lanczos to the tolerance of a float32 or float64 Gram. */
  private static GramSpace lanczosTop10(double[] g, int size, boolean float32) {
    return new GramSpace(
        GramStore.dense(g.clone(), size),
        EigenSolver.LANCZOS,
        SpectrumNeed.top(10),
        size,
        GramSpace.lanczosTolerance(float32));
  }

  /**
   * A float32 Gram is solved to {@link GramSpace#LANCZOS_TOLERANCE_FLOAT32}: fewer products than to
   * the float64 tolerance, every residual within it, and each eigenvalue within {@code ‖r‖·‖Ĝ‖} of
   * the dense solver's (a Ritz value with residual r lies that close to an eigenvalue).
   */
  @Test
  void aFloat32GramIsSolvedToItsOwnPrecision() {
    int size = EigenSolver.AUTO_DENSE_MAX_SIZE + 44;
    // a slowly decaying spectrum, so that Lanczos needs many blocks to resolve the top ten
    double[] g = gram(size, size, 6, 0.995);
    GramSpace f64 = lanczosTop10(g, size, false);
    GramSpace f32 = lanczosTop10(g, size, true);
    assertTrue(f64.residual() <= 1e-12, "float64 residual " + f64.residual());
    assertTrue(f32.residual() <= 1e-9, "float32 residual " + f32.residual());
    assertTrue(
        f32.products() < f64.products(), f32.products() + " vs " + f64.products() + " products");
    GramSpace d = new GramSpace(g.clone(), size, EigenSolver.DENSE, SpectrumNeed.top(10));
    double[] top = java.util.Arrays.copyOfRange(d.evals(), size - 10, size);
    for (int k = 0; k < 10; k++) {
      assertEquals(top[k], f32.evals()[k], f32.residual() * top[9], "eigenvalue " + k);
    }
  }

  /**
   * A Gram whose mirrored entries differ in their last float32 bits, as a float32 contraction
   * leaves them: Lanczos still converges to its tolerance (it works on {@code (Ĝ + Ĝᵀ)/2}, which
   * the input becomes), and its eigenvalues are the dense solver's.
   */
  @Test
  void aGramRoundedApartFromSymmetryStillConvergesWithLanczos() {
    int size = EigenSolver.AUTO_DENSE_MAX_SIZE + 44;
    double[] g = gram(size, 60, 4);
    SplittableRandom rnd = new SplittableRandom(5);
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) (g[i] * (1 + 1e-7 * rnd.nextGaussian()));
    }
    double[] copy = g.clone();
    GramSpace l = new GramSpace(g, size, EigenSolver.LANCZOS, SpectrumNeed.top(5));
    assertTrue(l.residual() <= 1e-12, "residual " + l.residual());
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < i; j++) {
        assertEquals(g[i * size + j], g[j * size + i], "entry (" + i + ", " + j + ")");
        assertEquals(0.5 * (copy[i * size + j] + copy[j * size + i]), g[i * size + j]);
      }
    }
    GramSpace d = new GramSpace(copy, size, EigenSolver.DENSE, SpectrumNeed.top(5));
    double[] top = java.util.Arrays.copyOfRange(d.evals(), size - 5, size);
    for (int k = 0; k < 5; k++) {
      assertEquals(top[k], l.evals()[k], 1e-11 * top[4], "eigenvalue " + k);
    }
  }

  @Test
  void lanczosRefusesACriterionThatNeedsTheWholeSpectrum() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GramSpace(gram(30, 5, 3), 30, EigenSolver.LANCZOS, SpectrumNeed.all()));
    assertTrue(e.getMessage().contains("dense or auto"), e.getMessage());
  }

  @Test
  void thresholdSearchComputesUntilItPassesTheThreshold() {
    int size = 400;
    double[] g = gram(size, 120, 4);
    GramSpace dense = new GramSpace(g, size);
    double[] all = dense.evals();
    // a threshold between the 41st and 40th largest eigenvalues: 40 selected, more than the
    // first Lanczos round computes
    double t = 0.5 * (all[size - 41] + all[size - 40]);
    GramSpace lanczos = new GramSpace(g, size, EigenSolver.LANCZOS, SpectrumNeed.above(t));
    double[] part = lanczos.evals();
    assertTrue(part[0] <= t, "the search stops only below the threshold: " + part[0]);
    assertEquals(size - part.length, lanczos.offset());
    for (int i = 0; i < part.length; i++) {
      assertEquals(all[lanczos.offset() + i], part[i], 1e-10 * all[size - 1], "eigenvalue " + i);
    }
  }

  @Test
  void directionalDerivativesAgreeBetweenSolvers() {
    int nSamples = 60;
    int ct = 5;
    int size = nSamples * ct;
    double[] g = gram(size, 90, 5);
    int nGrad = 7;
    SplittableRandom rnd = new SplittableRandom(6);
    double[] cross = new double[nGrad * size];
    for (int i = 0; i < cross.length; i++) {
      cross[i] = rnd.nextGaussian();
    }
    int k = 6;
    GramSpace dense = new GramSpace(g, size, EigenSolver.DENSE, SpectrumNeed.top(k + 1));
    GramSpace lanczos = new GramSpace(g, size, EigenSolver.LANCZOS, SpectrumNeed.top(k + 1));
    int[] sel = new int[k];
    for (int i = 0; i < k; i++) {
      sel[i] = size - k + i;
    }
    double[] ed = dense.selectedEvals(sel);
    double[] el = lanczos.selectedEvals(sel);
    double[][] gd = dense.gammas(cross, nGrad, sel);
    double[][] gl = lanczos.gammas(cross, nGrad, sel);
    double[][] ld = dense.lambdas(dense.gramTimesVectors(sel), nSamples, ct, nSamples, sel);
    double[][] ll = lanczos.lambdas(lanczos.gramTimesVectors(sel), nSamples, ct, nSamples, sel);
    for (int j = 0; j < k; j++) {
      assertEquals(ed[j], el[j], 1e-10 * ed[k - 1], "eigenvalue " + j);
      for (int r = 0; r < nGrad; r++) {
        // eigenvectors are defined up to sign: compare |γ|
        assertEquals(Math.abs(gd[r][j]), Math.abs(gl[r][j]), 1e-9, "γ " + r + "," + j);
      }
      for (int m = 0; m < nSamples; m++) {
        assertEquals(ld[m][j], ll[m][j], 1e-9 * ed[k - 1], "λ " + m + "," + j);
      }
    }
  }
}
