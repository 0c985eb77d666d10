package org.vivit4j.backend;

import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.stream.IntStream;

/**
 * The row-major products of the lowered convolutions ({@link CpuConvOps}), on the native BLAS when
 * the backend has one ({@code --gemm blas}) and else in Java loops split over the rows of the
 * result (the backend's {@code --gemm plain}); float64 or float32 (every product and sum rounded to
 * float32). Operands start at an offset so that a block of rows of a larger matrix needs no copy.
 */
final class CpuConvGemm {
  private CpuConvGemm() {}

  /**
   * {@code c[cOff…] = op(a)·b} with {@code b [k×n]} at {@code bOff}, {@code c [m×n]} at {@code
   * cOff} (overwritten); {@code op(a) = a [m×k]} at {@code aOff}, or with {@code transA} {@code aᵀ}
   * for {@code a [k×m]}.
   */
  static void mul(
      NativeBLAS blas,
      boolean transA,
      double[] a,
      int aOff,
      double[] b,
      int bOff,
      double[] c,
      int cOff,
      int m,
      int k,
      int n) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0.0);
      return;
    }
    if (blas != null) {
      // row-major C = op(A)·B is column-major Cᵀ = Bᵀ·op(A)ᵀ. A row-major array read column-major
      // is its transpose: op(A)ᵀ = Aᵀ is A's array as it is ("N", ld k); for op = transpose,
      // op(A)ᵀ = a [k×m] is that array transposed ("T", ld m)
      blas.dgemm(
          "N",
          transA ? "T" : "N",
          n,
          m,
          k,
          1.0,
          b,
          bOff,
          n,
          a,
          aOff,
          transA ? m : k,
          0.0,
          c,
          cOff,
          n);
      return;
    }
    IntStream.range(0, m)
        .parallel()
        .forEach(
            i -> {
              int co = cOff + i * n;
              java.util.Arrays.fill(c, co, co + n, 0.0);
              for (int p = 0; p < k; p++) {
                double av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                if (av == 0) {
                  continue;
                }
                int bo = bOff + p * n;
                for (int j = 0; j < n; j++) {
                  c[co + j] += av * b[bo + j];
                }
              }
            });
  }

  /**
   * {@link #mul(NativeBLAS, boolean, double[], int, double[], int, double[], int, int, int, int)}
   * in float32.
   */
  static void mul(
      NativeBLAS blas,
      boolean transA,
      float[] a,
      int aOff,
      float[] b,
      int bOff,
      float[] c,
      int cOff,
      int m,
      int k,
      int n) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
      return;
    }
    if (blas != null) {
      blas.sgemm(
          "N",
          transA ? "T" : "N",
          n,
          m,
          k,
          1f,
          b,
          bOff,
          n,
          a,
          aOff,
          transA ? m : k,
          0f,
          c,
          cOff,
          n);
      return;
    }
    IntStream.range(0, m)
        .parallel()
        .forEach(
            i -> {
              int co = cOff + i * n;
              java.util.Arrays.fill(c, co, co + n, 0f);
              for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                if (av == 0) {
                  continue;
                }
                int bo = bOff + p * n;
                for (int j = 0; j < n; j++) {
                  c[co + j] += av * b[bo + j];
                }
              }
            });
  }

  /**
   * {@code c[cOff…] = a·bᵀ}, {@code a [m×k]} at {@code aOff}, {@code b [n×k]} at {@code bOff},
   * {@code c [m×n]} at {@code cOff} (overwritten).
   */
  static void mulTransB(
      NativeBLAS blas,
      double[] a,
      int aOff,
      double[] b,
      int bOff,
      double[] c,
      int cOff,
      int m,
      int k,
      int n) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0.0);
      return;
    }
    if (blas != null) {
      // column-major Cᵀ = B·Aᵀ: B's array read column-major is Bᵀ ("T", ld k), A's is Aᵀ ("N")
      blas.dgemm("T", "N", n, m, k, 1.0, b, bOff, k, a, aOff, k, 0.0, c, cOff, n);
      return;
    }
    IntStream.range(0, m)
        .parallel()
        .forEach(
            i -> {
              for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                  s += a[aOff + i * k + p] * b[bOff + j * k + p];
                }
                c[cOff + i * n + j] = s;
              }
            });
  }

  /**
   * {@link #mulTransB(NativeBLAS, double[], int, double[], int, double[], int, int, int, int)} in
   * float32.
   */
  static void mulTransB(
      NativeBLAS blas,
      float[] a,
      int aOff,
      float[] b,
      int bOff,
      float[] c,
      int cOff,
      int m,
      int k,
      int n) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      java.util.Arrays.fill(c, cOff, cOff + m * n, 0f);
      return;
    }
    if (blas != null) {
      blas.sgemm("T", "N", n, m, k, 1f, b, bOff, k, a, aOff, k, 0f, c, cOff, n);
      return;
    }
    IntStream.range(0, m)
        .parallel()
        .forEach(
            i -> {
              for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                  s += a[aOff + i * k + p] * b[bOff + j * k + p];
                }
                c[cOff + i * n + j] = s;
              }
            });
  }
}
