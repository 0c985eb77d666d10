package org.vivit4j.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.linalg.CanonicalSigns;

/**
 * One layer's math on the fast path: forward, the Jacobian-transposed products that carry the
 * per-sample gradient (host, float64) and the GGN factor (backend) backwards, the Gram contribution
 * and gradient cross terms of its parameters, and {@code V·w}.
 *
 * <p>Conventions, stated once: activations are sample-major {@code [N × size]}; the factor at the
 * layer output {@code B_out} is {@code [|S|·C̃ × out]} with row {@code m·C̃ + c} for GGN sample
 * {@code m} and factor column {@code c}; Gram matrices are indexed the same way. Parameter tensors
 * are numbered locally (weight 0, bias 1) in PyTorch's layout.
 *
 * <p>Public methods check shapes; protected {@code *Impl} methods compute.
 */
public abstract class Layer implements AutoCloseable {
  protected final int inSize;
  protected final int outSize;

  protected Layer(int inSize, int outSize) {
    this.inSize = inSize;
    this.outSize = outSize;
  }

  public int inSize() {
    return inSize;
  }

  public int outSize() {
    return outSize;
  }

  /** Number of parameter tensors (weight before bias). */
  public int numParamTensors() {
    return 0;
  }

  /** Number of scalars in local parameter tensor {@code tensor}. */
  public int paramSize(int tensor) {
    throw new IllegalArgumentException(getClass().getSimpleName() + " has no parameters");
  }

  private void checkRows(double[] a, int width, int n, String what) {
    if (a.length != n * width) {
      throw new IllegalArgumentException(
          what + " has " + a.length + " entries, expected " + n + "×" + width);
    }
  }

  private void checkTensor(int tensor) {
    if (tensor < 0 || tensor >= numParamTensors()) {
      throw new IllegalArgumentException("no parameter tensor " + tensor + " in " + this);
    }
  }

  /** Forward pass {@code z = layer(a)}: {@code [n × in] → [n × out]}. */
  public final double[] forward(double[] in, int n) {
    checkRows(in, inSize, n, "input");
    return forwardImpl(in, n);
  }

  /** Per-sample input gradient {@code ∂L_n/∂a_n = J_nᵀ δ_n}: {@code [n × out] → [n × in]}. */
  public final double[] backpropGradient(double[] in, double[] deltaOut, int n) {
    checkRows(in, inSize, n, "input");
    checkRows(deltaOut, outSize, n, "output gradient");
    return backpropGradientImpl(in, deltaOut, n);
  }

  /**
   * Batch gradient of each parameter tensor, {@code ∇_p L = (1/N) Σ_n ∂L_n/∂p}, in the tensor's
   * flat layout.
   */
  public final double[][] paramGradients(double[] in, double[] deltaOut, int n) {
    checkRows(in, inSize, n, "input");
    checkRows(deltaOut, outSize, n, "output gradient");
    return paramGradientsImpl(in, deltaOut, n);
  }

  /** The factor at the layer input, {@code B_in = J_zᵀ B_out} for every factor row. */
  public final DeviceMatrix jacT(LayerContext ctx) {
    DeviceMatrix b = ctx.factorOut();
    if (b.cols() != outSize) {
      throw new IllegalArgumentException(
          "factor has " + b.cols() + " columns, expected " + outSize);
    }
    return jacTImpl(ctx);
  }

  /**
   * The flattened per-sample sizes of the node's inputs, in order: {@code [inSize]} for a layer; a
   * join ({@link JoinLayer}) reads several, laid side by side in its input rows.
   */
  public int[] inputSizes() {
    return new int[] {inSize};
  }

  /**
   * The factor at each input, {@code B_in_j = J_jᵀ B_out}: {@link #jacT} for a layer (one input); a
   * join forms one factor per input without the concatenation. An entry may be {@code factorOut}
   * itself (a Jacobian {@code I}); the others are new matrices the caller owns.
   */
  public final List<DeviceMatrix> jacTInputs(LayerContext ctx) {
    DeviceMatrix b = ctx.factorOut();
    if (b.cols() != outSize) {
      throw new IllegalArgumentException(
          "factor has " + b.cols() + " columns, expected " + outSize);
    }
    return jacTInputsImpl(ctx);
  }

  /** By default the one input's {@link #jacTImpl}. */
  protected List<DeviceMatrix> jacTInputsImpl(LayerContext ctx) {
    return List.of(jacTImpl(ctx));
  }

  /** {@code acc += V_pᵀ V_p}, the Gram contribution of local tensor {@code tensor}. */
  public final void accumulateGram(LayerContext ctx, int tensor, DeviceMatrix acc) {
    checkTensor(tensor);
    int g = ctx.factorOut().rows();
    if (acc.rows() != g || acc.cols() != g) {
      throw new IllegalArgumentException("Gram accumulator must be " + g + "×" + g);
    }
    accumulateGramImpl(ctx, tensor, acc);
  }

  /**
   * {@code acc += Σ_t V_tᵀ V_t} over local tensors {@code tensors} of this layer (distinct): the
   * Gram contributions of several tensors in one call, which a layer may fuse (a Linear layer's
   * weight and bias share {@code B_out B_outᵀ}).
   */
  public final void accumulateGram(LayerContext ctx, int[] tensors, DeviceMatrix acc) {
    for (int i = 0; i < tensors.length; i++) {
      checkTensor(tensors[i]);
      for (int j = 0; j < i; j++) {
        if (tensors[j] == tensors[i]) {
          throw new IllegalArgumentException("tensor " + tensors[i] + " given twice");
        }
      }
    }
    int g = ctx.factorOut().rows();
    if (acc.rows() != g || acc.cols() != g) {
      throw new IllegalArgumentException("Gram accumulator must be " + g + "×" + g);
    }
    accumulateGramImpl(ctx, tensors, acc);
  }

  /**
   * {@code acc += G_pᵀ V_p}, where row {@code r} of {@code G_p} is {@code ∂L_{t_r}/∂p} for gradient
   * sample {@code t_r}: the gradient cross terms {@code [N_grad × |S|C̃]}.
   */
  public final void accumulateCrossTerms(LayerContext ctx, int tensor, DeviceMatrix acc) {
    checkTensor(tensor);
    if (acc.rows() != ctx.gradRows().length || acc.cols() != ctx.factorOut().rows()) {
      throw new IllegalArgumentException("cross-term accumulator has the wrong shape");
    }
    accumulateCrossTermsImpl(ctx, tensor, acc);
  }

  /**
   * {@code V_p w} for each row of {@code w}: maps Gram-space vectors to the tensor's parameter
   * layout.
   *
   * @param factorOut host copy of {@code B_out}, {@code [|S|C̃ × out]}; null when the matrices lent
   *     by {@link #lendKeptForApply} serve the tensor ({@link #appliesFromKept})
   * @param w {@code [K][|S|C̃]}
   * @return {@code [K][paramSize(tensor)]}
   */
  public final double[][] applyFactor(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    checkProductInputs(ctx, factorOut, tensor, w);
    return applyFactorImpl(ctx, factorOut, tensor, w);
  }

  /**
   * The shapes every {@code V·w} entry point checks: a tensor of this layer, {@code factorOut
   * [|S|C̃ × out]} and each {@code w_k} of length {@code |S|C̃}.
   */
  private void checkProductInputs(LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    checkTensor(tensor);
    int rows = ctx.ggnRows().length * ctx.factorColumns();
    // null when the layer's kept matrices serve the product (appliesFromKept)
    if (factorOut != null) {
      checkRows(factorOut, outSize, rows, "factor");
    }
    for (double[] wk : w) {
      if (wk.length != rows) {
        throw new IllegalArgumentException("w has length " + wk.length + ", expected " + rows);
      }
    }
  }

  /**
   * {@link #applyFactor} written into {@code out[k][offset … offset + paramSize(tensor))} (the
   * tensor's slice of a group's vectors) instead of new arrays: a large layer's {@code K} vectors
   * are not allocated and copied twice.
   */
  public final void applyFactorInto(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w, double[][] out, int offset) {
    applyFactorInto(ctx, factorOut, tensor, w, out, offset, false);
  }

  /**
   * As {@link #applyFactorInto}, added to {@code out}'s slice when {@code add} (a sample-chunked
   * {@code V·w}, {@code Σ_A V_A w_A}, summed in place).
   */
  public final void applyFactorInto(
      LayerContext ctx,
      double[] factorOut,
      int tensor,
      double[][] w,
      double[][] out,
      int offset,
      boolean add) {
    checkProductInputs(ctx, factorOut, tensor, w);
    if (out.length != w.length) {
      throw new IllegalArgumentException(out.length + " outputs for " + w.length + " vectors");
    }
    for (int k = 0; k < w.length; k++) {
      if (offset < 0 || (long) offset + paramSize(tensor) > out[k].length) {
        throw new IllegalArgumentException("the tensor's slice does not fit output " + k);
      }
    }
    applyFactorIntoImpl(ctx, factorOut, tensor, w, out, offset, add);
  }

  /**
   * The canonical signs of {@link #applyFactor}'s vectors without keeping them: each vector {@code
   * k}'s entries are offered to {@code signs} as the entries {@code offset …} of its vector {@code
   * k} (the tensor's slice of a group's vectors).
   */
  public final void applyFactorSigns(
      LayerContext ctx,
      double[] factorOut,
      int tensor,
      double[][] w,
      CanonicalSigns signs,
      long offset) {
    checkProductInputs(ctx, factorOut, tensor, w);
    if (signs.vectors() != w.length) {
      throw new IllegalArgumentException(signs.vectors() + " signs for " + w.length + " vectors");
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset " + offset + " is negative");
    }
    applyFactorSignsImpl(ctx, factorOut, tensor, w, signs, offset);
  }

  /**
   * By default {@link #applyFactorImpl}'s vectors offered whole; a layer with large tensors offers
   * tiles of them as it computes them instead.
   */
  protected void applyFactorSignsImpl(
      LayerContext ctx,
      double[] factorOut,
      int tensor,
      double[][] w,
      CanonicalSigns signs,
      long offset) {
    double[][] part = applyFactorImpl(ctx, factorOut, tensor, w);
    for (int k = 0; k < part.length; k++) {
      signs.offer(k, part[k], 0, part[k].length, offset);
    }
  }

  /** By default {@link #applyFactorImpl} copied (or added) into place. */
  protected void applyFactorIntoImpl(
      LayerContext ctx,
      double[] factorOut,
      int tensor,
      double[][] w,
      double[][] out,
      int offset,
      boolean add) {
    double[][] part = applyFactorImpl(ctx, factorOut, tensor, w);
    for (int k = 0; k < part.length; k++) {
      if (add) {
        for (int i = 0; i < part[k].length; i++) {
          out[k][offset + i] += part[k][i];
        }
      } else {
        System.arraycopy(part[k], 0, out[k], offset, part[k].length);
      }
    }
  }

  /**
   * Jᵀ for the parameters: row {@code r} of the result is {@code J_{p, s}ᵀ b_r}, the
   * Jacobian-transposed product of local tensor {@code tensor} for sample {@code s = samples[r /
   * block]} applied to the output-side row {@code b_r}; {@code [rows(b) × paramSize(tensor)]},
   * PyTorch's layout, a new matrix the caller owns. With {@code b = B_out}, {@code samples = S},
   * {@code block = C̃} this is the tensor's factor {@code V_p}; with {@code b = Δ_T}, {@code
   * samples = T}, {@code block = 1} the per-sample gradients {@code G_p}. The Gram contribution,
   * cross terms and {@code V·w} follow from it generically ({@link #accumulateGramGeneric}, {@link
   * #accumulateCrossTermsGeneric}, {@link #applyFactorGeneric}); a layer may override those with
   * fused contractions that never form {@code V_p}.
   */
  public final DeviceMatrix paramJacT(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    checkTensor(tensor);
    if (b.cols() != outSize || block < 1 || (long) samples.length * block != b.rows()) {
      throw new IllegalArgumentException(
          "paramJacT: b is "
              + b.rows()
              + "×"
              + b.cols()
              + ", "
              + samples.length
              + " samples × "
              + block);
    }
    return paramJacTImpl(ctx, b, samples, block, tensor);
  }

  /** See {@link #paramJacT}; layers with parameters define it. */
  protected DeviceMatrix paramJacTImpl(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " defines no paramJacT");
  }

  /** {@code V_p} of the GGN samples, made once per context. */
  private DeviceMatrix paramFactorGeneric(LayerContext ctx, int tensor) {
    return ctx.cached(
        "generic.paramFactor" + tensor,
        () -> paramJacT(ctx, ctx.factorOut(), ctx.ggnRows(), ctx.factorColumns(), tensor));
  }

  /** {@code acc += V_p V_pᵀ} from {@link #paramJacT}. */
  protected final void accumulateGramGeneric(LayerContext ctx, int tensor, DeviceMatrix acc) {
    DeviceMatrix v = paramFactorGeneric(ctx, tensor);
    try (DeviceMatrix gram = ctx.backend().mulTransB(v, v)) {
      ctx.backend().accumulateHadamardExpanded(acc, gram, null, 1, 1);
    }
  }

  /** {@code acc += G_p V_pᵀ} from {@link #paramJacT} of {@code Δ_T} and of {@code B_out}. */
  protected final void accumulateCrossTermsGeneric(LayerContext ctx, int tensor, DeviceMatrix acc) {
    DeviceMatrix v = paramFactorGeneric(ctx, tensor);
    try (DeviceMatrix g = paramJacT(ctx, ctx.deltaGrad(), ctx.gradRows(), 1, tensor);
        DeviceMatrix cross = ctx.backend().mulTransB(g, v)) {
      ctx.backend().accumulateHadamardExpanded(acc, cross, null, 1, 1);
    }
  }

  /**
   * {@code w_k V_p} for each row {@code w_k}, with {@code V_p} from {@link #paramJacT} of the host
   * factor (uploaded, formed on the backend, downloaded; summed in float64 on the host).
   */
  protected final double[][] applyFactorGeneric(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    int rows = ctx.ggnRows().length * ctx.factorColumns();
    int size = paramSize(tensor);
    double[] v;
    try (DeviceMatrix b = ctx.backend().upload(factorOut, rows, outSize);
        DeviceMatrix vd = paramJacT(ctx, b, ctx.ggnRows(), ctx.factorColumns(), tensor)) {
      v = ctx.backend().download(vd);
    }
    double[][] out = new double[w.length][size];
    for (int k = 0; k < w.length; k++) {
      for (int r = 0; r < rows; r++) {
        double wk = w[k][r];
        if (wk == 0) {
          continue;
        }
        for (int j = 0; j < size; j++) {
          out[k][j] += wk * v[r * size + j];
        }
      }
    }
    return out;
  }

  protected abstract double[] forwardImpl(double[] in, int n);

  protected abstract double[] backpropGradientImpl(double[] in, double[] deltaOut, int n);

  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    return new double[0][];
  }

  protected abstract DeviceMatrix jacTImpl(LayerContext ctx);

  /** By default {@link #accumulateGramGeneric}. */
  protected void accumulateGramImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    accumulateGramGeneric(ctx, tensor, acc);
  }

  /** Several tensors' Gram contributions; the default adds them one at a time, in order. */
  protected void accumulateGramImpl(LayerContext ctx, int[] tensors, DeviceMatrix acc) {
    for (int t : tensors) {
      accumulateGramImpl(ctx, t, acc);
    }
  }

  /** By default {@link #accumulateCrossTermsGeneric}. */
  protected void accumulateCrossTermsImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    accumulateCrossTermsGeneric(ctx, tensor, acc);
  }

  /** By default {@link #applyFactorGeneric}. */
  protected double[][] applyFactorImpl(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    return applyFactorGeneric(ctx, factorOut, tensor, w);
  }

  /**
   * Context cache keys of the matrices this layer's Gram contraction forms that make a later {@code
   * V·w} cheaper (a Conv2d weight's {@code V_W} formed whole, its bias factor); none by default.
   */
  protected List<String> keptForApplyKeys() {
    return List.of();
  }

  /**
   * The matrices of {@link #keptForApplyKeys} that the Gram contraction in {@code ctx} formed, by
   * key, handed to the caller to keep (and free) until the {@code V·w}; the caller gives them back
   * with {@link #lendKeptForApply} on the {@code V·w} context.
   */
  public final Map<String, DeviceMatrix> takeKeptForApply(LayerContext ctx) {
    Map<String, DeviceMatrix> kept = new LinkedHashMap<>();
    for (String key : keptForApplyKeys()) {
      DeviceMatrix m = ctx.takeCached(key);
      if (m != null) {
        kept.put(key, m);
      }
    }
    return kept;
  }

  /**
   * Frees the matrices of {@link #keptForApplyKeys} that the Gram contraction in {@code ctx} formed
   * and nobody took ({@link #takeKeptForApply}). The factor at the layer's input is formed next,
   * while the context is still open: a Conv2d weight's {@code V_W} left in its cache shared the
   * heap with it, which the memory estimate does not count (cifar100_allcnnc at N = 24 in float64
   * ran out of a 2 GiB heap that its 1.4 GB estimate fitted: 0.5 GB of {@code V_W} beside 1.2 GB of
   * factors).
   */
  public final void releaseKeptForApply(LayerContext ctx) {
    for (String key : keptForApplyKeys()) {
      DeviceMatrix m = ctx.takeCached(key);
      if (m != null) {
        m.close();
      }
    }
  }

  /** Lends {@code kept} (from {@link #takeKeptForApply}) to the {@code V·w} context {@code ctx}. */
  public final void lendKeptForApply(LayerContext ctx, Map<String, DeviceMatrix> kept) {
    kept.forEach(ctx::lendCached);
  }

  /**
   * Whether the matrices kept under {@code keys} compute {@code V·w} of every one of {@code
   * tensors} without the output factor, which then need not be kept; false by default.
   */
  public boolean appliesFromKept(Set<String> keys, int[] tensors) {
    return false;
  }

  /** Frees device copies of parameters. */
  @Override
  public void close() {}
}
