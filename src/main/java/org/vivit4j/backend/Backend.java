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
   * {@code b[i, f] *= φ'(z[i / block, f])}: the Jacobian-transposed product of an element-wise
   * activation, applied in place to every factor column of sample {@code i / block}.
   *
   * @param z the activation's input (pre-activation), {@code [N × F]}
   */
  default void scaleByActivationDerivative(
      DeviceMatrix b, DeviceMatrix z, Activation act, int block) {
    scaleByActivationDerivative(b, z, act, act.defaultParam(), block);
  }

  /**
   * As {@link #scaleByActivationDerivative(DeviceMatrix, DeviceMatrix, Activation, int)} for an
   * activation with hyper-parameter {@code param} ({@code negative_slope} of leaky_relu, {@code
   * alpha} of elu; ignored by the others).
   */
  void scaleByActivationDerivative(
      DeviceMatrix b, DeviceMatrix z, Activation act, double param, int block);

  /**
   * LayerNorm's Jacobian-transposed product, in place on every factor row {@code i} and each of its
   * {@code G} groups of {@code M} features (sample {@code s = i / block}): with {@code u = γ ⊙ b[i,
   * g, :]},
   *
   * <pre>
   *   b[i, g, j] = r[s, g] · (u_j − mean(u) − x̂[s, g, j] · mean(x̂[s, g, :] ⊙ u)).
   * </pre>
   *
   * @param b {@code [rows × G·M]}, rows = samples·block; modified
   * @param xhat the normalised input {@code x̂}, {@code [rows/block × G·M]}
   * @param rstd {@code r = 1/√(v + eps)} per sample and group, {@code [rows/block × G]}
   * @param gamma the weight γ, {@code [1 × M]} (ones without elementwise affine)
   */
  void layerNormJacT(
      DeviceMatrix b, DeviceMatrix xhat, DeviceMatrix rstd, DeviceMatrix gamma, int block);

  /**
   * Jacobian-transposed product of LayerNorm's output w.r.t. its weight γ ({@code xhat} given) or
   * bias β ({@code xhat} null), for every row: {@code out[i, j] = Σ_g b[i, g·M + j] · x̂[i / block,
   * g·M + j]} ({@code x̂ ≡ 1} for the bias). With {@code b = B_out} the rows are the columns of
   * {@code V_γ} (or {@code V_β}); with {@code b} the output gradients they are per-sample
   * gradients.
   *
   * @param b {@code [rows × G·M]}
   * @param xhat {@code [rows/block × G·M]} or {@code null}
   * @param groupSize M
   * @return {@code [rows × M]}
   */
  DeviceMatrix layerNormParamJacT(DeviceMatrix b, DeviceMatrix xhat, int groupSize, int block);

  /** Releases backend resources (device context, queues, programs). */
  @Override
  void close();
}
