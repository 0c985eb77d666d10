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
   * {@code c[cOff…] = op(a)·op(b)}, {@code c [m×n]} overwritten; {@code op(a) [m×k]} is {@code a}
   * at {@code aOff}, or with {@code transA} the transpose of {@code a [k×m]}; {@code op(b) [k×n]}
   * is {@code b} at {@code bOff}, or with {@code transB} the transpose of {@code b [n×k]}.
   */
  static void mul(
      NativeBLAS blas,
      boolean transA,
      boolean transB,
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
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    if (blas != null) {
      // row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ. A row-major array read
      // column-major is its transpose, so op(X)ᵀ is X's array as it is ("N", ld = its row length)
      // and, for op = transpose, that array transposed ("T")
      blas.dgemm(
          transB ? "T" : "N",
          transA ? "T" : "N",
          n,
          m,
          k,
          1.0,
          b,
          bOff,
          transB ? k : n,
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
              for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                  double av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                  double bv = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
                  s += av * bv;
                }
                c[cOff + i * n + j] = s;
              }
            });
  }

  /**
   * The float32 {@link #mul(NativeBLAS, boolean, boolean, double[], int, double[], int, double[],
   * int, int, int, int)}.
   */
  static void mul(
      NativeBLAS blas,
      boolean transA,
      boolean transB,
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
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    if (blas != null) {
      blas.sgemm(
          transB ? "T" : "N",
          transA ? "T" : "N",
          n,
          m,
          k,
          1f,
          b,
          bOff,
          transB ? k : n,
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
              for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                  float av = transA ? a[aOff + p * m + i] : a[aOff + i * k + p];
                  float bv = transB ? b[bOff + j * k + p] : b[bOff + p * n + j];
                  s += av * bv;
                }
                c[cOff + i * n + j] = s;
              }
            });
  }
}
