package org.vivit4j.backend;

import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * Row-major matrix products on a column-major (Fortran) BLAS. A row-major {@code r × c} array read
 * column-major is its transpose, so {@code C = A·B} is computed as {@code Cᵀ = Bᵀ·Aᵀ} and {@code C
 * = A·Bᵀ} as {@code Cᵀ = B·Aᵀ}, without copying any operand. Float32 entry points take {@code
 * float[]} and run {@code sgemm}/{@code ssyrk}: the products and sums are float32.
 */
final class BlasGemm {
  private BlasGemm() {}

  /**
   * Handles the shapes BLAS need not see: an empty result, or an empty inner dimension (the product
   * is zero; netlib's argument checks reject empty operand arrays).
   */
  private static boolean empty(double[] c, int m, int n, int k) {
    if (m == 0 || n == 0 || k == 0) {
      java.util.Arrays.fill(c, 0.0);
      return true;
    }
    return false;
  }

  private static boolean empty(float[] c, int m, int n, int k) {
    if (m == 0 || n == 0 || k == 0) {
      java.util.Arrays.fill(c, 0f);
      return true;
    }
    return false;
  }

  /** {@code c = a·b}, {@code a [m×k]}, {@code b [k×n]}, {@code c [m×n]} (overwritten). */
  static void mul(NativeBLAS blas, double[] a, double[] b, double[] c, int m, int k, int n) {
    if (empty(c, m, n, k)) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    // Cᵀ (n×m, ld n) = Bᵀ (n×k, ld n) · Aᵀ (k×m, ld k)
    blas.dgemm("N", "N", n, m, k, 1.0, b, Math.max(1, n), a, Math.max(1, k), 0.0, c, n);
  }

  static void mul(NativeBLAS blas, float[] a, float[] b, float[] c, int m, int k, int n) {
    if (empty(c, m, n, k)) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    blas.sgemm("N", "N", n, m, k, 1f, b, Math.max(1, n), a, Math.max(1, k), 0f, c, n);
  }

  /** {@code c = a·bᵀ}, {@code a [m×k]}, {@code b [n×k]}, {@code c [m×n]} (overwritten). */
  static void mulTransB(NativeBLAS blas, double[] a, double[] b, double[] c, int m, int k, int n) {
    if (empty(c, m, n, k)) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    // Cᵀ (n×m, ld n) = B (n×k; column-major it is Bᵀ k×n, ld k, so op = T) · Aᵀ (k×m, ld k)
    int ld = Math.max(1, k);
    blas.dgemm("T", "N", n, m, k, 1.0, b, ld, a, ld, 0.0, c, n);
  }

  static void mulTransB(NativeBLAS blas, float[] a, float[] b, float[] c, int m, int k, int n) {
    if (empty(c, m, n, k)) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.product(m, k, n);
    int ld = Math.max(1, k);
    blas.sgemm("T", "N", n, m, k, 1f, b, ld, a, ld, 0f, c, n);
  }

  /**
   * {@code c = a·aᵀ}, {@code a [m×k]}, {@code c [m×m]} (overwritten, exactly symmetric): {@code
   * dsyrk} computes one triangle (half the flops of {@code dgemm}), then it is mirrored.
   */
  static void gram(NativeBLAS blas, double[] a, double[] c, int m, int k) {
    if (empty(c, m, m, k)) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.gram(m, k);
    // column-major A is Aᵀ (k×m, ld k); C = (Aᵀ)ᵀ·Aᵀ with trans = T; column-major upper is
    // row-major lower
    blas.dsyrk("U", "T", m, k, 1.0, a, Math.max(1, k), 0.0, c, m);
    Symmetrize.lowerToUpper(c, m);
  }

  static void gram(NativeBLAS blas, float[] a, float[] c, int m, int k) {
    if (empty(c, m, m, k)) {
      return;
    }
    org.vivit4j.blas.MultiplyAdds.gram(m, k);
    blas.ssyrk("U", "T", m, k, 1f, a, Math.max(1, k), 0f, c, m);
    Symmetrize.lowerToUpper(c, m);
  }
}
