package org.vivit4j.layers;

import org.vivit4j.backend.DeviceMatrix;

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
   * @param factorOut host copy of {@code B_out}, {@code [|S|C̃ × out]}
   * @param w {@code [K][|S|C̃]}
   * @return {@code [K][paramSize(tensor)]}
   */
  public final double[][] applyFactor(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    checkTensor(tensor);
    int rows = ctx.ggnRows().length * ctx.factorColumns();
    checkRows(factorOut, outSize, rows, "factor");
    for (double[] wk : w) {
      if (wk.length != rows) {
        throw new IllegalArgumentException("w has length " + wk.length + ", expected " + rows);
      }
    }
    return applyFactorImpl(ctx, factorOut, tensor, w);
  }

  protected abstract double[] forwardImpl(double[] in, int n);

  protected abstract double[] backpropGradientImpl(double[] in, double[] deltaOut, int n);

  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    return new double[0][];
  }

  protected abstract DeviceMatrix jacTImpl(LayerContext ctx);

  protected void accumulateGramImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    throw new IllegalStateException("unreachable: no parameters");
  }

  /** Several tensors' Gram contributions; the default adds them one at a time, in order. */
  protected void accumulateGramImpl(LayerContext ctx, int[] tensors, DeviceMatrix acc) {
    for (int t : tensors) {
      accumulateGramImpl(ctx, t, acc);
    }
  }

  protected void accumulateCrossTermsImpl(LayerContext ctx, int tensor, DeviceMatrix acc) {
    throw new IllegalStateException("unreachable: no parameters");
  }

  protected double[][] applyFactorImpl(
      LayerContext ctx, double[] factorOut, int tensor, double[][] w) {
    throw new IllegalStateException("unreachable: no parameters");
  }

  /** Frees device copies of parameters. */
  @Override
  public void close() {}
}
