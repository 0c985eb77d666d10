package org.vivit4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link LanczosTopK} against the dense EJML eigensolver (and against known spectra where dense
 * would be too slow for a unit test): eigenvalues, residuals {@code ‖Av − λv‖}, orthonormality, and
 * eigenvectors (as projections onto the dense cluster when eigenvalues repeat).
 */
class LanczosTopKTest {
  private static final LanczosTopK.Options DEFAULTS = LanczosTopK.Options.defaults();

  /** Eigenvalues: Ritz values converge quadratically; 1e-10 of ‖A‖ leaves ample margin. */
  private static final double EVAL_TOL = 1e-10;

  /** Relative gap below which eigenvalues are compared as a cluster. */
  private static final double CLUSTER_GAP = 1e-6;

  private static double norm2(double[] a, int n) {
    // ‖A‖₂ of a symmetric matrix from the dense spectrum is what the tests compare against;
    // the max-abs row sum bounds it from above and is enough for a scale.
    double max = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += Math.abs(a[i * n + j]);
      }
      max = Math.max(max, s);
    }
    return max;
  }

  /** Checks residuals and orthonormality of every returned pair, independently of the solver. */
  private static void assertEigenpairs(double[] a, int n, LanczosTopK.Result r, double tol) {
    double scale = Math.max(norm2(a, n), Double.MIN_NORMAL);
    int k = r.values().length;
    for (int i = 0; i < k; i++) {
      if (i > 0) {
        assertTrue(r.values()[i - 1] <= r.values()[i], "values must be ascending");
      }
      double[] v = r.vectors()[i];
      double res = 0;
      for (int row = 0; row < n; row++) {
        double s = -r.values()[i] * v[row];
        for (int j = 0; j < n; j++) {
          s += a[row * n + j] * v[j];
        }
        res += s * s;
      }
      assertTrue(Math.sqrt(res) <= tol * scale, "pair " + i + ": residual " + Math.sqrt(res));
      assertTrue(r.residuals()[i] <= tol, "reported residual " + r.residuals()[i]);
      for (int j = 0; j <= i; j++) {
        double dot = 0;
        for (int l = 0; l < n; l++) {
          dot += v[l] * r.vectors()[j][l];
        }
        assertEquals(i == j ? 1.0 : 0.0, dot, 1e-10, "orthonormality " + i + "," + j);
      }
    }
  }

  /** The top k against EJML: eigenvalues, and each vector lies in its dense cluster's span. */
  private static void assertMatchesDense(double[] a, int n, LanczosTopK.Result r) {
    SymmetricEigen.Decomposition d = SymmetricEigen.decompose(a, n);
    int k = r.values().length;
    double scale = Math.max(Math.abs(d.values()[0]), Math.abs(d.values()[n - 1]));
    for (int i = 0; i < k; i++) {
      double want = d.values()[n - k + i];
      assertEquals(want, r.values()[i], EVAL_TOL * scale, "eigenvalue " + i);
      double inCluster = 0;
      for (int j = 0; j < n; j++) {
        if (Math.abs(d.values()[j] - r.values()[i]) <= CLUSTER_GAP * scale) {
          double dot = 0;
          for (int l = 0; l < n; l++) {
            dot += r.vectors()[i][l] * d.vectors()[j][l];
          }
          inCluster += dot * dot;
        }
      }
      assertEquals(1.0, inCluster, 1e-8, "eigenvector " + i + " outside its dense cluster");
    }
  }

  @Test
  void rankDeficientGramMatchesDense() {
    int n = 300;
    double[] a = GramLikeMatrices.wishart(n, 40, 0.9, 1);
    LanczosTopK.Result r = LanczosTopK.dense(a, n, DEFAULTS).top(10);
    assertEigenpairs(a, n, r, 1e-11);
    assertMatchesDense(a, n, r);
  }

  @Test
  void fullRankSlowDecayMatchesDense() {
    int n = 700;
    double[] a = GramLikeMatrices.wishart(n, n, 0.995, 2);
    LanczosTopK.Result r = LanczosTopK.dense(a, n, DEFAULTS).top(11);
    assertEigenpairs(a, n, r, 1e-11);
    assertMatchesDense(a, n, r);
  }

  @Test
  void clustersAtTheTopAndAcrossTheCutMatchDense() {
    int n = 200;
    // a 4-fold top cluster, then distinct values, then a 3-fold cluster that the top-8 cut splits
    double[] d = {1, 2, 3, 3, 3, 5, 6, 7, 10, 10, 10, 10};
    double[] a =
        GramLikeMatrices.withSpectrum(d, n, GramLikeMatrices.orthonormalRows(d.length, n, 3));
    LanczosTopK.Result r = LanczosTopK.dense(a, n, DEFAULTS).top(8);
    assertEigenpairs(a, n, r, 1e-11);
    assertMatchesDense(a, n, r);
    assertEquals(10.0, r.values()[7], 1e-12);
    assertEquals(3.0, r.values()[0], 1e-12);
  }

  @Test
  void indefiniteMatrixGivesTheAlgebraicallyLargest() {
    int n = 150;
    double[] d = new double[40];
    for (int i = 0; i < d.length; i++) {
      d[i] = i % 2 == 0 ? -100 - i : 1 + i; // the largest magnitudes are negative
    }
    double[] a =
        GramLikeMatrices.withSpectrum(d, n, GramLikeMatrices.orthonormalRows(d.length, n, 4));
    LanczosTopK.Result r = LanczosTopK.dense(a, n, DEFAULTS).top(5);
    assertEigenpairs(a, n, r, 1e-11);
    assertMatchesDense(a, n, r);
    assertEquals(40.0, r.values()[4], 1e-9);
  }

  @Test
  void largeKnownSpectrumWithoutDense() {
    // N·C̃ = 3000, rank 60, Gram-like decay: the exact eigenpairs are known by construction.
    int n = 3000;
    double[] d = new double[60];
    for (int i = 0; i < d.length; i++) {
      d[i] = 1000 * Math.pow(0.85, i);
    }
    double[] u = GramLikeMatrices.orthonormalRows(d.length, n, 5);
    double[] a = GramLikeMatrices.withSpectrum(d, n, u);
    LanczosTopK.Result r = LanczosTopK.dense(a, n, DEFAULTS).top(10);
    assertEigenpairs(a, n, r, 1e-11);
    for (int i = 0; i < 10; i++) {
      assertEquals(d[9 - i], r.values()[i], EVAL_TOL * d[0], "eigenvalue " + i);
      double dot = 0;
      for (int l = 0; l < n; l++) {
        dot += r.vectors()[i][l] * u[(9 - i) * n + l];
      }
      assertEquals(1.0, Math.abs(dot), 1e-9, "eigenvector " + i);
    }
  }

  @Test
  void tinyAndWholeSpectrum() {
    double[] one = {4.0};
    LanczosTopK.Result r1 = LanczosTopK.dense(one, 1, DEFAULTS).top(1);
    assertEquals(4.0, r1.values()[0], 1e-15);
    int n = 5;
    double[] a = GramLikeMatrices.wishart(n, 3, 0.5, 6);
    LanczosTopK.Result r = LanczosTopK.dense(a, n, DEFAULTS).top(5);
    assertEigenpairs(a, n, r, 1e-11);
    assertMatchesDense(a, n, r);
  }

  @Test
  void zeroMatrixHasZeroEigenvalues() {
    int n = 50;
    LanczosTopK.Result r = LanczosTopK.dense(new double[n * n], n, DEFAULTS).top(3);
    assertEquals(0.0, Arrays.stream(r.values()).map(Math::abs).max().orElseThrow(), 0.0);
    assertEigenpairs(new double[n * n], n, r, 1e-11);
  }

  @Test
  void askingForMoreStartsFromThePreviousRitzVectors() {
    int n = 400;
    double[] a = GramLikeMatrices.wishart(n, 120, 0.97, 7);
    LanczosTopK solver = LanczosTopK.dense(a, n, DEFAULTS);
    LanczosTopK.Result first = solver.top(5);
    LanczosTopK.Result more = solver.top(30);
    assertMatchesDense(a, n, first);
    assertMatchesDense(a, n, more);
    assertEigenpairs(a, n, more, 1e-11);
    assertTrue(more.products() > first.products(), "products are cumulative");
  }

  @Test
  void smallBasisForcesThickRestartsAndStillConverges() {
    int n = 400;
    double[] a = GramLikeMatrices.wishart(n, n, 0.99, 8);
    LanczosTopK.Result r =
        LanczosTopK.dense(a, n, new LanczosTopK.Options(4, 20, 1e-12, 0, 9)).top(6);
    assertTrue(r.restarts() > 0, "expected restarts, got " + r.restarts());
    assertEigenpairs(a, n, r, 1e-11);
    assertMatchesDense(a, n, r);
  }

  @Test
  void notConvergingIsAClearError() {
    int n = 300;
    double[] a = GramLikeMatrices.wishart(n, n, 0.999, 10);
    ArithmeticException e =
        assertThrows(
            ArithmeticException.class,
            () -> LanczosTopK.dense(a, n, new LanczosTopK.Options(2, 8, 1e-14, 12, 1)).top(4));
    assertTrue(e.getMessage().startsWith("Lanczos did not converge"), e.getMessage());
    assertTrue(e.getMessage().contains("tolerance"), e.getMessage());
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> LanczosTopK.dense(new double[3], 2, DEFAULTS));
    assertThrows(
        IllegalArgumentException.class, () -> LanczosTopK.dense(new double[4], 2, DEFAULTS).top(3));
  }
}
