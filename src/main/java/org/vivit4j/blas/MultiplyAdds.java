package org.vivit4j.blas;

import java.util.concurrent.atomic.LongAdder;

/**
 * The multiply-adds the matrix products of this JVM have run: every product of the CPU backend (its
 * GEMMs, the lowered convolutions and the Gram products, on BLAS or in Java loops) and of the host
 * linear algebra (the eigensolvers' and the Gram-space products). Read {@link #total()} before and
 * after a run to state its achieved rate ({@code 2·multiply-adds / seconds} flops); the
 * element-wise passes, the copies of the lowering and the OpenCL kernels are not counted, so the
 * rate is that of the run's products over the run's whole wall time.
 *
 * <p>Counting costs one {@link LongAdder#add} a product call, safe from any thread.
 */
public final class MultiplyAdds {
  private MultiplyAdds() {}

  private static final LongAdder COUNT = new LongAdder();

  /** Records the product {@code [m × k]·[k × n]}: {@code m·k·n} multiply-adds. */
  public static void product(int m, int k, int n) {
    COUNT.add((long) m * k * n);
  }

  /**
   * Records the symmetric Gram {@code [m × k]·[m × k]ᵀ} computed as one triangle ({@code ?syrk}):
   * {@code m(m+1)/2·k} multiply-adds.
   */
  public static void gram(int m, int k) {
    COUNT.add((long) m * (m + 1) / 2 * k);
  }

  /** Multiply-adds recorded in this JVM so far. */
  public static long total() {
    return COUNT.sum();
  }
}
