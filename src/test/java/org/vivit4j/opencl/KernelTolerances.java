package org.vivit4j.opencl;

/**
 * Float32 tolerances for comparing kernels with their double twins, each with its reason. The
 * inputs are float32 values, so the twins see exactly what the device sees; only the device's
 * rounding differs from the exact result.
 */
final class KernelTolerances {
  private KernelTolerances() {}

  /** Unit roundoff of float32, {@code u = 2⁻²⁴}. */
  static final double U = 0x1p-24;

  /**
   * Matrix products: an inner product of length k summed in float32 in any order (the tiled kernels
   * reorder the sum, and may fuse multiply-adds) satisfies {@code |ĉ − c| ≤ γ_k Σ_p |a_p b_p|} with
   * {@code γ_k = k·u / (1 − k·u)} (Higham, Accuracy and Stability of Numerical Algorithms, §3.1).
   * The bound is rigorous and scales with the sum of |products|, not with |c|, which may cancel to
   * near zero. A lost, duplicated or misplaced term changes c by about {@code Σ|products| / k}, far
   * above {@code γ_k Σ|products|} for the sizes tested.
   */
  static double dot(int k) {
    return k * U / (1 - k * U);
  }

  /** {@code acc + p·q} in float32: at most two roundings, {@code |err| ≤ γ₂ (|acc| + |p q|)}. */
  static final double ACCUMULATE = 2 * U / (1 - 2 * U);

  /**
   * {@code b · φ'(z)} relative to {@code |b φ'(z)|}: the kernel evaluates φ' as {@code e / (1 +
   * e)²} (or {@code 4e / (1 + e)²}) with {@code e = exp(−|z|)} (or {@code exp(−2|z|)}); OpenCL's
   * full profile allows 3 ulp for exp and 2.5 ulp for division, and with the additions and products
   * this stays below about 14 ulp = 28u. 32u leaves a margin and is still 10⁴ times smaller than
   * the error of reading z or b from a wrong row. ReLU is exact.
   */
  static final double ACTIVATION = 32 * U;

  /**
   * Absolute error allowed in {@code b · φ'(z)} on top of {@link #ACTIVATION}: the smallest normal
   * float32, {@code 2⁻¹²⁶}. OpenCL may flush subnormal results to zero, and a φ' below the float32
   * range (GELU's far negative tail) is 0 on the device; such values carry no relative accuracy.
   * Far below every φ' of the other activations at the tested inputs (≥ 10⁻¹¹).
   */
  static final double ACTIVATION_UNDERFLOW = 0x1p-126;
}
