package org.vivit4j.opencl;

import java.util.Locale;

/**
 * Which form of the matrix-product kernels ({@code mul}, {@code mul_trans_b}, {@code batched_mul})
 * an {@link OpenClBackend} launches. Both compute the same products (the same twins test them);
 * they differ in how the work is laid out for the device.
 *
 * <ul>
 *   <li>{@link #TILED} ({@code mul.cl}, {@code mul_trans_b.cl}, {@code batched_mul.cl}): 64 × 64
 *       output tiles per 16 × 16 work-group, operands staged through local memory. The form for
 *       GPUs.
 *   <li>{@link #VECTOR} ({@code products_vector.cl}): explicit {@code float16} vectors and a
 *       register block per work item, no local memory, no barriers; a Gram of one buffer ({@code
 *       mulTransB(a, a)}) runs {@code gram_vector}, half the blocks, mirrored. The form for CPU
 *       devices (PoCL), whose compilers leave the tiled kernels scalar: measured on the 2-core AMD
 *       EPYC CI machine with PoCL 3.1, float32 products of order 1024 ran at 87 GFLOP/s against 11
 *       GFLOP/s tiled.
 * </ul>
 */
public enum ProductKernels {
  TILED,
  VECTOR;

  /** Rows of {@code c} per work item of {@code mul_vector} ({@code ROWS} in the .cl file). */
  static final int VECTOR_ROWS = 12;

  /** Columns of {@code c} per work item of {@code mul_vector} (one {@code float16}). */
  static final int VECTOR_LANES = 16;

  /** Edge of the square block of {@code c} per work item of {@code mul_trans_b_vector}. */
  static final int VECTOR_TRANS_B_BLOCK = 4;

  /** The form a device runs best: {@link #VECTOR} on a CPU device, {@link #TILED} otherwise. */
  static ProductKernels forDevice(boolean cpuDevice) {
    return cpuDevice ? VECTOR : TILED;
  }

  /** The program of the vector form. */
  private static final String VECTOR_PROGRAM = "products_vector";

  /**
   * Whether a backend of this form builds {@code program}: every program but the other form's
   * products (a device never compiles kernels it will not launch). Each tiled product is a program
   * of its own name ({@link OpenClBackend#GEMM_KERNELS}).
   */
  boolean builds(String program) {
    return this == TILED
        ? !program.equals(VECTOR_PROGRAM)
        : !OpenClBackend.GEMM_KERNELS.contains(program);
  }

  /** {@code "tiled"} or {@code "vector"}, as the device description names it. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The kernel that computes {@code product} ({@code "mul"}, {@code "mul_trans_b"} or {@code
   * "batched_mul"}) in this form.
   */
  String kernel(String product) {
    checkProduct(product);
    return this == TILED ? product : product + "_vector";
  }

  /**
   * The global work size of {@code batch} products of {@code rows × cols} outputs each: whole 16 ×
   * 16 groups over 64 × 64 tiles ({@link #TILED}), or exactly one item per output block ({@link
   * #VECTOR}).
   */
  long[] global(String product, int rows, int cols, int batch) {
    checkProduct(product);
    if (this == TILED) {
      return new long[] {
        tiles(cols) * OpenClBackend.GEMM_LOCAL, tiles(rows) * OpenClBackend.GEMM_LOCAL, batch
      };
    }
    int rowBlock = product.equals("mul_trans_b") ? VECTOR_TRANS_B_BLOCK : VECTOR_ROWS;
    int colBlock = product.equals("mul_trans_b") ? VECTOR_TRANS_B_BLOCK : VECTOR_LANES;
    return new long[] {blocks(cols, colBlock), blocks(rows, rowBlock), batch};
  }

  /** The local work size: 16 × 16 × 1 ({@link #TILED}), or null, the driver's choice. */
  long[] local() {
    return this == TILED
        ? new long[] {OpenClBackend.GEMM_LOCAL, OpenClBackend.GEMM_LOCAL, 1}
        : null;
  }

  private static long tiles(int extent) {
    return blocks(extent, OpenClBackend.TILE);
  }

  private static long blocks(int extent, int block) {
    return (extent + (long) block - 1) / block;
  }

  private static void checkProduct(String product) {
    if (!OpenClBackend.GEMM_KERNELS.contains(product)) {
      throw new IllegalArgumentException("not a matrix-product kernel: " + product);
    }
  }
}
