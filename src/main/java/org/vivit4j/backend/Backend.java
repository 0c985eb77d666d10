package org.vivit4j.backend;

import org.vivit4j.model.Activation;

/**
 * The kernel layer: the few dense operations the factor backpropagation and the Gram contractions
 * consist of. Implementations: {@code CpuBackend} (plain Java, float64 or float32) and {@code
 * OpenClBackend} (OpenCL C kernels through JOCL, float32). A TornadoVM backend would implement the
 * same interface and register a {@link BackendProvider}. An implementation computes every
 * operation: the few default methods are computed from the others (a backend may override them to
 * save memory or copies), none throws for want of an implementation.
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

  /**
   * Whether this backend's matrices live in the JVM heap (the CPU backend), so that the heap
   * estimate counts the factor and the {@code V·w} blocks; else they live in device memory ({@link
   * #deviceMemoryBytes}).
   */
  default boolean matricesInHeap() {
    return false;
  }

  /**
   * Bytes of device memory this backend's matrices may occupy at once, or −1 when they live in the
   * JVM heap (the CPU backend: the heap estimate counts them). A run sizes its chunks so that its
   * device estimate ({@code MemoryEstimate#deviceBytes}) fits, and refuses to start when none does.
   */
  default long deviceMemoryBytes() {
    return -1;
  }

  /**
   * What {@link #deviceMemoryBytes} is, for messages ({@code "the 21.5 GiB the device has"}); null
   * when the matrices live in the heap.
   */
  default String describeDeviceMemory() {
    return null;
  }

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

  // ------------------------------------------------------------ convolution and pooling
  // Factor matrices of [C, H, W] activations hold each row as (c, h, w) row-major; output
  // positions t = i·W_out + j. ConvGeometry states the window rules.

  /** Rows {@code [from, to)} of {@code m} as a new matrix. */
  DeviceMatrix copyRows(DeviceMatrix m, int from, int to);

  /**
   * Unfolds input patches (im2col): {@code u[n·T + t, (c·k_h + a)·k_w + b] = x[n, c, i·s_h − p_h +
   * a·d_h, j·s_w − p_w + b·d_w]}, zero outside the input, for output position {@code t = i·W_out +
   * j}.
   *
   * @param x {@code [N × C·H·W]}
   * @return {@code [N·T × C·k_h·k_w]}
   */
  DeviceMatrix convUnfold(DeviceMatrix x, ConvGeometry g);

  /**
   * Transposed convolution, the Jacobian-transposed product of Conv2d applied to every row: {@code
   * x[r, c, h, w] = Σ_{o, a, b} W[o, c, a, b] · y[r, o, i, j]} over the taps with {@code h = i·s_h
   * − p_h + a·d_h}, {@code w = j·s_w − p_w + b·d_w} inside the output grid.
   *
   * @param y {@code [R × O·T]}
   * @param w {@code [O × C·k_h·k_w]}, PyTorch's weight {@code [O, C, k_h, k_w]} row-major
   * @return {@code [R × C·H·W]}
   */
  DeviceMatrix convTranspose(DeviceMatrix y, DeviceMatrix w, ConvGeometry g);

  /**
   * One matrix product per row of {@code a}: {@code c[r, i·q + j] = Σ_s a[r, i·t + s] · b[(r /
   * block)·t + s, j]}, i.e. row r of a read as a {@code p × t} matrix times the {@code t × q} block
   * {@code r / block} of b. With {@code a = B_out} ({@code p = O}, {@code t = T}), {@code b} the
   * unfolded inputs and {@code block = C̃} this forms a Conv2d weight's factor {@code V_W} (row
   * {@code (n, c)} = {@code Σ_t B[n,c,:,t] ⊗ u_{n,t}}).
   *
   * @param a {@code [R × p·t]}
   * @param b {@code [(R / block)·t × q]}
   * @return {@code [R × p·q]}
   */
  DeviceMatrix batchedMul(DeviceMatrix a, DeviceMatrix b, int block, int p);

  /**
   * Sums of consecutive groups in each row: {@code c[r, i] = Σ_{s<t} a[r, i·t + s]} with {@code t =
   * cols / p}; a Conv2d bias factor {@code Σ_t B[r, o, t]}.
   *
   * @param a {@code [R × p·t]}
   * @return {@code [R × p]}
   */
  DeviceMatrix sumGroups(DeviceMatrix a, int p);

  /**
   * {@code acc[row0 + i, col0 + j] += p[i, j]}, or {@code += p[j, i]} when {@code transposed}: adds
   * a block computed for a pair of sample blocks into a Gram accumulator.
   */
  void accumulateBlock(DeviceMatrix acc, DeviceMatrix p, int row0, int col0, boolean transposed);

  /**
   * How {@link #accumulateConvGramStructured} contracts, for the conv-Gram planner's cost model:
   * true when it runs two matrix products per pair of sample blocks ({@code n_L·n_R·(min(c_L,
   * c_R)·O·T² + c_L·c_R·O·T)} multiply-adds: the CPU and OpenCL backends), false when it sums per
   * pair of rows ({@code n_L·c_L·n_R·c_R·T²·(O + 1)}).
   */
  boolean convGramStructuredByBlocks();

  /**
   * The structured Conv2d weight Gram (MATH.md §6) without forming {@code V_W}: {@code acc[i, j] +=
   * Σ_{t, t'} (Σ_o l[i, o·T + t] · r[j, o·T + t']) · q[(i / lBlock)·T + t, (j / rBlock)·T + t']}.
   *
   * @param l left factor rows {@code [R_l × O·T]}
   * @param r right factor rows {@code [R_r × O·T]}
   * @param q patch inner products {@code u_{n,t}·u_{m,t'}}, {@code [(R_l/lBlock)·T ×
   *     (R_r/rBlock)·T]}
   * @param acc {@code [R_l × R_r]}
   */
  void accumulateConvGramStructured(
      DeviceMatrix acc,
      DeviceMatrix l,
      DeviceMatrix r,
      DeviceMatrix q,
      int lBlock,
      int rBlock,
      int positions);

  /**
   * MaxPool2d's Jacobian-transposed product: routes each entry to its window's arg-max, {@code x[r,
   * c, h, w] = Σ_{i, j : argmax[r / block, c, i, j] = h·W + w} y[r, c, i, j]}.
   *
   * @param y {@code [R × C·T]}
   * @param argmax {@code [(R / block) × C·T]}, the in-plane index {@code h·W + w} of each window's
   *     maximum (exact in float32 for {@code H·W < 2²⁴})
   * @return {@code [R × C·H·W]}
   */
  DeviceMatrix maxPoolJacT(DeviceMatrix y, DeviceMatrix argmax, int block, ConvGeometry g);

  /**
   * AvgPool2d's Jacobian-transposed product ({@code count_include_pad = true}, dilation 1): {@code
   * x[r, c, h, w] = (1/(k_h k_w)) Σ y[r, c, i, j]} over the windows {@code (i, j)} containing
   * {@code (h, w)}.
   *
   * @param y {@code [R × C·T]}
   * @return {@code [R × C·H·W]}
   */
  DeviceMatrix avgPoolJacT(DeviceMatrix y, ConvGeometry g);

  /** Releases backend resources (device context, queues, programs). */
  @Override
  void close();
}
