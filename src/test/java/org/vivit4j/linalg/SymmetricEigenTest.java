package org.vivit4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
  /** A random symmetric matrix with known eigenvalues {@code Q diag(d) Qᵀ}. */
  private static double[] withSpectrum(double[] d, long seed) {
    int n = d.length;
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] q = new double[n][n];
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < n; i++) {
        q[k][i] = rnd.nextDouble(-1, 1);
      }
      for (int j = 0; j < k; j++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += q[k][i] * q[j][i];
        }
        for (int i = 0; i < n; i++) {
          q[k][i] -= dot * q[j][i];
        }
      }
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += q[k][i] * q[k][i];
      }
      for (int i = 0; i < n; i++) {
        q[k][i] /= Math.sqrt(norm);
      }
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          a[i * n + j] += q[k][i] * d[k] * q[k][j];
        }
      }
    }
    return a;
  }

  @Test
  void eigenvaluesAscendingWithUnitEigenvectorsAndSmallResidual() {
    double[] d = {3, -1, 0, 7, 2.5, 1e-3, 4};
    double[] a = withSpectrum(d, 1);
    double[] copy = a.clone();
    SymmetricEigen.Decomposition eig = SymmetricEigen.decompose(a, d.length);
    assertArrayEquals(copy, a, 0.0, "input must not be modified");
    double[] sorted = d.clone();
    java.util.Arrays.sort(sorted);
    assertArrayEquals(sorted, eig.values(), 1e-13);
    assertTrue(eig.residual() < 1e-13, "residual " + eig.residual());
    for (int k = 0; k < d.length; k++) {
      for (int l = 0; l < d.length; l++) {
        double dot = 0;
        for (int i = 0; i < d.length; i++) {
          dot += eig.vectors()[k][i] * eig.vectors()[l][i];
        }
        assertEquals(k == l ? 1 : 0, dot, 1e-12);
      }
    }
  }

  @Test
  void reportsAsymmetryOfItsInput() {
    double[] a = {1, 2, 2.5, 1};
    SymmetricEigen.Decomposition eig = SymmetricEigen.decompose(a, 2);
    assertEquals(0.5 / 2.5, eig.asymmetry(), 1e-15);
  }

  @Test
  void rejectsNonFiniteEntriesAndWrongSizes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SymmetricEigen.decompose(new double[] {1, Double.NaN, Double.NaN, 1}, 2));
    assertThrows(IllegalArgumentException.class, () -> SymmetricEigen.decompose(new double[3], 2));
  }

  @Test
  void hugeAndTinyMatricesDecomposeAsTheirScaledCopies() {
    // Entries near 1e300 overflowed the residual (∞) and squares inside the solver; the
    // decomposition must be that of the ordinary matrix, scaled by the same power of two.
    double[] a = withSpectrum(new double[] {0.5, 1, 2, 3, 7}, 11);
    SymmetricEigen.Decomposition plain = SymmetricEigen.decompose(a, 5);
    for (int e : new int[] {1000, -1000}) {
      double[] scaled = a.clone();
      for (int i = 0; i < scaled.length; i++) {
        scaled[i] = Math.scalb(scaled[i], e);
      }
      SymmetricEigen.Decomposition d = SymmetricEigen.decompose(scaled, 5);
      for (int k = 0; k < 5; k++) {
        assertEquals(Math.scalb(plain.values()[k], e), d.values()[k], 0.0, "eigenvalue " + k);
        assertArrayEquals(plain.vectors()[k], d.vectors()[k], 0.0, "eigenvector " + k);
      }
      assertTrue(Double.isFinite(d.residual()) && d.residual() < 1e-13, "residual " + d.residual());
    }
  }
}
