package org.vivit4j.backend;

import org.vivit4j.model.Activation;

/**
 * The kernel layer: the few dense operations the factor backpropagation and the Gram contractions
 * consist of. Implementations: {@code CpuBackend} (plain Java, float64 or float32) and {@code
 * OpenClBackend} (OpenCL C kernels through JOCL, float32). A TornadoVM backend would implement the
 * same interface.
 *
 * <p>All matrices are row-major. Factor matrices have one row per factor column {@code (n, c)}, row
 * index {@code n·C̃ + c} (sample outer), and one column per feature.
 */
public interface Backend extends AutoCloseable {

  /** Backend name as on the command line: {@code cpu} or {@code opencl}. */
  String name();

  /** Human-readable device description, e.g. {@code "pthread-Intel Xeon (PoCL 3.1)"}. */
  String deviceName();

  Precision precision();

  /** Copies {@code data} ({@code rows·cols}, row-major; not modified) to the backend. */
  DeviceMatrix upload(double[] data, int rows, int cols);

  /** A new zero matrix. */
  DeviceMatrix zeros(int rows, int cols);

  /** Copies a matrix back to the host as float64. */
  double[] download(DeviceMatrix m);

  /**
   * {@code c = a · b} with {@code a [m × k]}, {@code b [k × n]}, {@code c [m × n]}. For a Linear
   * layer with weight {@code W [O × I]} this is the Jacobian-transposed product {@code B_in = B_out
   * W} over all factor columns.
   */
  DeviceMatrix mul(DeviceMatrix a, DeviceMatrix b);

  /**
   * {@code c = a · bᵀ} with {@code a [m × k]}, {@code b [n × k]}, {@code c [m × n]}: Gram-shaped
   * contractions such as {@code B_out B_outᵀ} and {@code A Aᵀ}.
   */
  DeviceMatrix mulTransB(DeviceMatrix a, DeviceMatrix b);

  /**
   * {@code acc[i, j] += p[i, j] · q[i / rowBlock, j / colBlock]}, or {@code acc += p} when {@code
   * q} is {@code null}. With {@code p = B Bᵀ} and {@code q = A Aᵀ} this adds a Linear weight's Gram
   * contribution {@code (B Bᵀ) ⊙ (A Aᵀ ⊗ 1_{C̃×C̃})}.
   */
  void accumulateHadamardExpanded(
      DeviceMatrix acc, DeviceMatrix p, DeviceMatrix q, int rowBlock, int colBlock);

  /**
   * {@code acc += (b bᵀ) ⊙ (q ⊗ 1_{block×block})} (when {@code weight}) {@code + b bᵀ} (when {@code
   * bias}): the Gram contribution of a Linear layer's weight and/or bias from the factor {@code b =
   * B_out [G × out]} and the input Gram {@code q = A Aᵀ [G/block × G/block]} (null without {@code
   * weight}). The weight term is added before the bias term, each rounded to the precision, as two
   * {@link #accumulateHadamardExpanded} calls would.
   *
   * <p>The default forms {@code b bᵀ} and makes those two calls; a backend may instead compute
   * {@code b bᵀ} a block of rows at a time so that no second {@code G × G} matrix exists.
   */
  default void accumulateFactorGram(
      DeviceMatrix acc, DeviceMatrix b, DeviceMatrix q, boolean weight, boolean bias, int block) {
    if (weight == (q == null)) {
      throw new IllegalArgumentException("q must be given exactly when the weight term is added");
    }
    try (DeviceMatrix p = mulTransB(b, b)) {
      if (weight) {
        accumulateHadamardExpanded(acc, p, q, block, block);
      }
      if (bias) {
        accumulateHadamardExpanded(acc, p, null, block, block);
      }
    }
  }

  /**
   * Copies a matrix back to the host as float64 and frees it; a host backend may hand over its
   * storage without a copy (the Gram matrices are the largest objects of a run).
   */
  default double[] take(DeviceMatrix m) {
    try (m) {
      return download(m);
    }
  }

  /**
   * {@code b[i, f] *= φ'(z[i / block, f])}: the Jacobian-transposed product of an element-wise
   * activation, applied in place to every factor column of sample {@code i / block}.
   *
   * @param z the activation's input (pre-activation), {@code [N × F]}
   */
  void scaleByActivationDerivative(DeviceMatrix b, DeviceMatrix z, Activation act, int block);

  /** Releases backend resources (device context, queues, programs). */
  @Override
  void close();
}
