package org.vivit4j.backend;

/**
 * The plain Java loops of {@link CpuBackend}'s matrix products ({@code --gemm plain}, and products
 * too small for a BLAS call), row-major, one loop per precision: the float32 loops multiply and sum
 * in {@code float}.
 */
final class PlainGemm {
  private PlainGemm() {}

  /** {@code c = a·b}, {@code a [m×k]}, {@code b [k×n]}, {@code c [m×n]} (zero on entry). */
  static void mul(double[] a, double[] b, double[] c, int m, int k, int n) {
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    for (int i = 0; i < m; i++) {
      int co = i * n;
      for (int p = 0; p < k; p++) {
        double aip = a[i * k + p];
        int bo = p * n;
        for (int j = 0; j < n; j++) {
          c[co + j] += aip * b[bo + j];
        }
      }
    }
  }

  /** The float32 {@link #mul(double[], double[], double[], int, int, int)}. */
  static void mul(float[] a, float[] b, float[] c, int m, int k, int n) {
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    for (int i = 0; i < m; i++) {
      int co = i * n;
      for (int p = 0; p < k; p++) {
        float aip = a[i * k + p];
        int bo = p * n;
        for (int j = 0; j < n; j++) {
          c[co + j] += aip * b[bo + j];
        }
      }
    }
  }

  /** {@code c = a·bᵀ}, {@code a [m×k]}, {@code b [n×k]}, {@code c [m×n]} (overwritten). */
  static void mulTransB(double[] a, double[] b, double[] c, int m, int k, int n) {
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    for (int i = 0; i < m; i++) {
      int ao = i * k;
      for (int j = 0; j < n; j++) {
        int bo = j * k;
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += a[ao + p] * b[bo + p];
        }
        c[i * n + j] = s;
      }
    }
  }

  /** The float32 {@link #mulTransB(double[], double[], double[], int, int, int)}. */
  static void mulTransB(float[] a, float[] b, float[] c, int m, int k, int n) {
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    for (int i = 0; i < m; i++) {
      int ao = i * k;
      for (int j = 0; j < n; j++) {
        int bo = j * k;
        float s = 0f;
        for (int p = 0; p < k; p++) {
          s += a[ao + p] * b[bo + p];
        }
        c[i * n + j] = s;
      }
    }
  }
}
