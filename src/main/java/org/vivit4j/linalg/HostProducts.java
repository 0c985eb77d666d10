package org.vivit4j.linalg;

import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.stream.IntStream;
import org.vivit4j.blas.NativeBlas;

/**
 * Row-major float64 products {@code c = α·a·op(b) + β·c} for the host-side linear algebra (the
 * eigensolvers, the Gram-space directional derivatives): the native BLAS {@code dgemm} when it
 * loads ({@link NativeBlas}), else Java loops split over the cores. {@link #implementation()} says
 * which runs.
 */
public final class HostProducts {
  private HostProducts() {}

  private static final NativeBLAS BLAS = NativeBlas.orNull();

  /** Smaller products run in the loops: a JNI call costs more than they do. */
  static final long BLAS_MIN_MULTIPLY_ADDS = 32 * 32 * 32;

  /** {@code "BLAS dgemm"} or {@code "Java loops"}. */
  public static String implementation() {
    return BLAS != null ? "BLAS dgemm" : "Java loops";
  }

  /**
   * {@code c = α·a·b + β·c}, {@code a [m×k]}, {@code b [k×n]}, {@code c [m×n]}; arrays may be
   * longer than needed (leading rows are used).
   */
  public static void mul(
      double alpha, double[] a, double[] b, double beta, double[] c, int m, int k, int n) {
    if (m == 0 || n == 0) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    if (BLAS != null && (long) m * k * n >= BLAS_MIN_MULTIPLY_ADDS) {
      // row-major C = A·B is column-major Cᵀ = Bᵀ·Aᵀ
      BLAS.dgemm("N", "N", n, m, k, alpha, b, Math.max(1, n), a, Math.max(1, k), beta, c, n);
      return;
    }
    rows(
        m,
        (long) k * n,
        i -> {
          double[] row = new double[n];
          for (int p = 0; p < k; p++) {
            double aip = a[i * k + p];
            int bo = p * n;
            for (int j = 0; j < n; j++) {
              row[j] += aip * b[bo + j];
            }
          }
          for (int j = 0; j < n; j++) {
            int ij = i * n + j;
            c[ij] = alpha * row[j] + (beta == 0 ? 0 : beta * c[ij]);
          }
        });
  }

  /** {@code c = α·aᵀ·b + β·c}, {@code a [k×m]}, {@code b [k×n]}, {@code c [m×n]}. */
  public static void mulTransA(
      double alpha, double[] a, double[] b, double beta, double[] c, int m, int k, int n) {
    mulTransA(alpha, a, b, beta, c, 0, m, k, n);
  }

  /** As above with {@code c} starting at {@code cOff}. */
  public static void mulTransA(
      double alpha,
      double[] a,
      double[] b,
      double beta,
      double[] c,
      int cOff,
      int m,
      int k,
      int n) {
    if (m == 0 || n == 0) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    if (BLAS != null && (long) m * k * n >= BLAS_MIN_MULTIPLY_ADDS) {
      // row-major C = Aᵀ·B is column-major Cᵀ = Bᵀ·A; column-major A is Aᵀ [m×k], ld m
      BLAS.dgemm(
          "N", "T", n, m, k, alpha, b, 0, Math.max(1, n), a, 0, Math.max(1, m), beta, c, cOff, n);
      return;
    }
    rows(
        m,
        (long) k * n,
        i -> {
          double[] row = new double[n];
          for (int p = 0; p < k; p++) {
            double api = a[p * m + i];
            int bo = p * n;
            for (int j = 0; j < n; j++) {
              row[j] += api * b[bo + j];
            }
          }
          for (int j = 0; j < n; j++) {
            int ij = cOff + i * n + j;
            c[ij] = alpha * row[j] + (beta == 0 ? 0 : beta * c[ij]);
          }
        });
  }

  /** {@code c = α·a·bᵀ + β·c}, {@code a [m×k]}, {@code b [n×k]}, {@code c [m×n]}. */
  public static void mulTransB(
      double alpha, double[] a, double[] b, double beta, double[] c, int m, int k, int n) {
    if (m == 0 || n == 0) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    if (BLAS != null && (long) m * k * n >= BLAS_MIN_MULTIPLY_ADDS) {
      int ld = Math.max(1, k);
      BLAS.dgemm("T", "N", n, m, k, alpha, b, ld, a, ld, beta, c, n);
      return;
    }
    rows(
        m,
        (long) k * n,
        i -> {
          for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) {
              s += a[i * k + p] * b[j * k + p];
            }
            int ij = i * n + j;
            c[ij] = alpha * s + (beta == 0 ? 0 : beta * c[ij]);
          }
        });
  }

  private static void rows(int m, long workPerRow, java.util.function.IntConsumer body) {
    if (m * workPerRow < (1 << 16) || m < 2) {
      for (int i = 0; i < m; i++) {
        body.accept(i);
      }
    } else {
      IntStream.range(0, m).parallel().forEach(body);
    }
  }
}
