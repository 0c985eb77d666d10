package org.vivit4j.layers;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.BatchNormSpec;

/**
 * BatchNorm1d/2d in evaluation mode (MATH.md §6): a per-channel affine map of each sample with the
 * running statistics μ, σ² as constants. For channel {@code c} of {@code C} and position {@code t}
 * of its {@code T} positions ({@code T = 1}, L or H·W; input row-major {@code [C, T]}),
 *
 * <pre>
 *   r_c = 1/√(σ²_c + ε),  x̂[c, t] = (a[c, t] − μ_c)·r_c,  z[c, t] = γ_c x̂[c, t] + β_c,
 * </pre>
 *
 * weight γ (tensor 0) and bias β (tensor 1) without {@code affine} neither ({@code γ ≡ 1, β ≡ 0}).
 * The Jacobian is diagonal, {@code ∂z/∂a = diag(γ_c r_c)}, so:
 *
 * <ul>
 *   <li>Factor: {@code B_in[i, (c, t)] = γ_c r_c · B_out[i, (c, t)]} ({@code
 *       accumulateHadamardExpanded} of {@code B_out} with the {@code [1 × C]} row {@code γ ⊙ r}
 *       expanded over rows and positions, into a new matrix).
 *   <li>Parameter factors: {@code P_γ[i, c] = Σ_t B_out[i, (c, t)] x̂_s[c, t]} ({@code B_out ⊙ x̂}
 *       expanded over the factor columns, then {@code sumGroups}), {@code P_β[i, c] = Σ_t B_out[i,
 *       (c, t)]} ({@code sumGroups}). Gram, cross terms and {@code V·w} follow generically.
 * </ul>
 *
 * No new device operation: existing backend ops express the per-channel scale and sums.
 */
public final class BatchNormLayer extends Layer {
  private final int channels;
  private final int positions;
  private final double[] weight;
  private final double[] bias;
  private final double[] mean;
  private final double[] inverseStd;
  private double[] xhatInput;
  private double[] xhat;

  /**
   * @param size the per-sample input size {@code C·T}
   */
  public BatchNormLayer(BatchNormSpec spec, int size) {
    super(size, size);
    this.channels = spec.numFeatures();
    if (channels < 1 || size % channels != 0) {
      throw new IllegalArgumentException(
          "batchnorm of " + channels + " channels does not divide the input of " + size);
    }
    this.positions = size / channels;
    this.weight = spec.weight();
    this.bias = spec.bias();
    this.mean = spec.runningMean().clone();
    this.inverseStd = new double[channels];
    for (int c = 0; c < channels; c++) {
      inverseStd[c] = spec.inverseStd(c);
    }
  }

  @Override
  public int numParamTensors() {
    return weight == null ? 0 : 2;
  }

  @Override
  public int paramSize(int tensor) {
    return channels;
  }

  private double gamma(int c) {
    return weight == null ? 1.0 : weight[c];
  }

  /** {@code x̂} of every sample of {@code in} (the last input is remembered). */
  private double[] xhat(double[] in) {
    if (xhatInput != in) {
      double[] out = new double[in.length];
      for (int i = 0; i < in.length; i++) {
        int c = (i % inSize) / positions;
        out[i] = (in[i] - mean[c]) * inverseStd[c];
      }
      xhat = out;
      xhatInput = in;
    }
    return xhat;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] x = xhat(in);
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      out[i] = gamma(c) * x[i] + (bias == null ? 0 : bias[c]);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      out[i] = deltaOut[i] * gamma(c) * inverseStd[c];
    }
    return out;
  }

  /** Means over the samples of {@code Σ_t δ x̂} (γ) and {@code Σ_t δ} (β). */
  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    if (weight == null) {
      return new double[0][];
    }
    double[] x = xhat(in);
    double[] gw = new double[channels];
    double[] gb = new double[channels];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      gw[c] += deltaOut[i] * x[i] / n;
      gb[c] += deltaOut[i] / n;
    }
    return new double[][] {gw, gb};
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    Backend backend = ctx.backend();
    DeviceMatrix b = ctx.factorOut();
    double[] scale = new double[channels];
    for (int c = 0; c < channels; c++) {
      scale[c] = gamma(c) * inverseStd[c];
    }
    DeviceMatrix out = backend.zeros(b.rows(), inSize);
    try (DeviceMatrix s = backend.upload(scale, 1, channels)) {
      backend.accumulateHadamardExpanded(out, b, s, b.rows(), positions);
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
    return out;
  }

  /** {@code P_γ} (tensor 0) or {@code P_β} (tensor 1), {@code [rows(b) × C]}. */
  @Override
  protected DeviceMatrix paramJacTImpl(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    Backend backend = ctx.backend();
    if (tensor == 1) {
      return backend.sumGroups(b, channels);
    }
    double[] x = xhat(ctx.input());
    double[] rows = new double[samples.length * inSize];
    for (int r = 0; r < samples.length; r++) {
      System.arraycopy(x, samples[r] * inSize, rows, r * inSize, inSize);
    }
    try (DeviceMatrix xs = backend.upload(rows, samples.length, inSize);
        DeviceMatrix bx = backend.zeros(b.rows(), inSize)) {
      backend.accumulateHadamardExpanded(bx, b, xs, block, 1);
      return backend.sumGroups(bx, channels);
    }
  }

  @Override
  public String toString() {
    return "BatchNorm(" + inSize + ", C=" + channels + (weight == null ? ", no affine" : "") + ")";
  }
}
