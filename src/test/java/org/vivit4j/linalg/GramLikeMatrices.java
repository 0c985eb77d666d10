package org.vivit4j.linalg;

import java.util.SplittableRandom;

/** Seeded symmetric test matrices shaped like Gram matrices {@code VᵀV}, row-major. */
final class GramLikeMatrices {
  private GramLikeMatrices() {}

  /**
   * {@code V Vᵀ} with {@code V [n × rank]} Gaussian, column j scaled by {@code decay^j}: positive
   * semi-definite, rank {@code min(n, rank)}, a smoothly decaying spectrum.
   */
  static double[] wishart(int n, int rank, double decay, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] v = new double[n * rank];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < rank; j++) {
        v[i * rank + j] = rnd.nextGaussian() * Math.pow(decay, j);
      }
    }
    double[] a = new double[n * n];
    HostProducts.mulTransB(1, v, v, 0, a, n, rank, n);
    return a;
  }

  /** {@code [r × n]}: r orthonormal rows (Gram-Schmidt twice on Gaussian rows). */
  static double[] orthonormalRows(int r, int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] u = new double[r * n];
    for (int k = 0; k < r; k++) {
      for (int i = 0; i < n; i++) {
        u[k * n + i] = rnd.nextGaussian();
      }
      for (int pass = 0; pass < 2; pass++) {
        for (int j = 0; j < k; j++) {
          double dot = 0;
          for (int i = 0; i < n; i++) {
            dot += u[k * n + i] * u[j * n + i];
          }
          for (int i = 0; i < n; i++) {
            u[k * n + i] -= dot * u[j * n + i];
          }
        }
      }
      double norm = 0;
      for (int i = 0; i < n; i++) {
        norm += u[k * n + i] * u[k * n + i];
      }
      for (int i = 0; i < n; i++) {
        u[k * n + i] /= Math.sqrt(norm);
      }
    }
    return u;
  }

  /**
   * {@code Uᵀ diag(d) U} with {@code U = orthonormalRows(d.length, n)}: eigenvalues {@code d}
   * (eigenvectors the rows of U) and {@code n − d.length} zeros.
   */
  static double[] withSpectrum(double[] d, int n, double[] u) {
    int r = d.length;
    double[] du = new double[r * n];
    for (int k = 0; k < r; k++) {
      for (int i = 0; i < n; i++) {
        du[k * n + i] = d[k] * u[k * n + i];
      }
    }
    // A = Uᵀ (D U): [n × r]·[r × n]; transpose U on the fly.
    double[] ut = new double[n * r];
    for (int k = 0; k < r; k++) {
      for (int i = 0; i < n; i++) {
        ut[i * r + k] = u[k * n + i];
      }
    }
    double[] a = new double[n * n];
    HostProducts.mul(1, ut, du, 0, a, n, r, n);
    // exact symmetry, as a Gram matrix from syrk has
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double s = 0.5 * (a[i * n + j] + a[j * n + i]);
        a[i * n + j] = s;
        a[j * n + i] = s;
      }
    }
    return a;
  }
}
