package org.vivit4j.train;

import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.LayerContext;

/**
 * BatchNorm1d/2d in training mode, for the training step only: each channel is normalised with the
 * statistics of the batch itself, which couples the samples. For channel {@code c} over its {@code
 * m = N·T} entries (samples {@code s}, positions {@code t}; input row-major {@code [C, T]} per
 * sample),
 *
 * <pre>
 *   μ_c = (1/m) Σ_{s,t} a[s, c, t],   v_c = (1/m) Σ_{s,t} (a[s, c, t] − μ_c)²   (biased),
 *   r_c = 1/√(v_c + ε),  x̂ = (a − μ_c)·r_c,  z = γ_c x̂ + β_c.
 * </pre>
 *
 * The backward pass is the exact one of these batch statistics: with {@code g = γ_c δ} for the
 * incoming {@code δ} (the per-sample rows {@code N·∂L/∂z} of {@code ForwardPass}, linear in the
 * loss, so the same formula holds for them),
 *
 * <pre>
 *   ∂/∂a[s, c, t] = r_c · (g[s, c, t] − mean_{s,t}(g) − x̂[s, c, t]·mean_{s,t}(g x̂)),
 * </pre>
 *
 * and the parameter gradients are {@code ∇γ_c = (1/N) Σ δ x̂}, {@code ∇β_c = (1/N) Σ δ}. The GGN
 * factor is not propagated through this layer (curvature is measured in evaluation mode, with
 * {@link org.vivit4j.layers.BatchNormLayer}). After a forward pass, {@link #batchMean} and {@link
 * #batchVarianceUnbiased} give the statistics that update the running ones.
 */
public final class BatchNormTrainingLayer extends Layer {
  private final int channels;
  private final int positions;
  private final double[] weight;
  private final double[] bias;
  private final double eps;
  private double[] lastInput;
  private double[] xhat;
  private double[] mean;
  private double[] variance;
  private double[] inverseStd;
  private long count;

  /**
   * @param size the per-sample input size {@code C·T}
   */
  public BatchNormTrainingLayer(BatchNormSpec spec, int size) {
    super(size, size);
    this.channels = spec.numFeatures();
    if (channels < 1 || size % channels != 0) {
      throw new IllegalArgumentException(
          "batchnorm of " + channels + " channels does not divide the input of " + size);
    }
    this.positions = size / channels;
    this.weight = spec.weight();
    this.bias = spec.bias();
    this.eps = spec.eps();
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

  /** The batch statistics and {@code x̂} of {@code in} (remembered for the backward pass). */
  private void statistics(double[] in, int n) {
    if (lastInput == in) {
      return;
    }
    count = (long) n * positions;
    if (count < 2) {
      // PyTorch: "Expected more than 1 value per channel when training"
      throw new IllegalArgumentException(
          "batchnorm in training mode needs more than 1 value per channel, got " + count);
    }
    mean = new double[channels];
    variance = new double[channels];
    inverseStd = new double[channels];
    for (int i = 0; i < in.length; i++) {
      mean[(i % inSize) / positions] += in[i];
    }
    for (int c = 0; c < channels; c++) {
      mean[c] /= count;
    }
    for (int i = 0; i < in.length; i++) {
      double d = in[i] - mean[(i % inSize) / positions];
      variance[(i % inSize) / positions] += d * d;
    }
    for (int c = 0; c < channels; c++) {
      variance[c] /= count;
      inverseStd[c] = 1 / Math.sqrt(variance[c] + eps);
    }
    xhat = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      xhat[i] = (in[i] - mean[c]) * inverseStd[c];
    }
    lastInput = in;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    statistics(in, n);
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      out[i] = gamma(c) * xhat[i] + (bias == null ? 0 : bias[c]);
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    statistics(in, n);
    double[] meanG = new double[channels];
    double[] meanGx = new double[channels];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      double g = gamma(c) * deltaOut[i];
      meanG[c] += g;
      meanGx[c] += g * xhat[i];
    }
    for (int c = 0; c < channels; c++) {
      meanG[c] /= count;
      meanGx[c] /= count;
    }
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      double g = gamma(c) * deltaOut[i];
      out[i] = inverseStd[c] * (g - meanG[c] - xhat[i] * meanGx[c]);
    }
    return out;
  }

  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    if (weight == null) {
      return new double[0][];
    }
    statistics(in, n);
    double[] gw = new double[channels];
    double[] gb = new double[channels];
    for (int i = 0; i < in.length; i++) {
      int c = (i % inSize) / positions;
      gw[c] += deltaOut[i] * xhat[i] / n;
      gb[c] += deltaOut[i] / n;
    }
    return new double[][] {gw, gb};
  }

  /** Batch statistics couple the samples: the GGN factor is measured in evaluation mode only. */
  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    throw new UnsupportedOperationException(
        "training-mode batchnorm is for the training step; curvature is measured in eval mode");
  }

  /** {@code μ_c} of the last forward pass. */
  public double[] batchMean() {
    return mean.clone();
  }

  /** {@code v_c·m/(m − 1)}: the unbiased variance of the last forward pass, as PyTorch keeps. */
  public double[] batchVarianceUnbiased() {
    double[] out = new double[channels];
    for (int c = 0; c < channels; c++) {
      out[c] = variance[c] * count / (count - 1);
    }
    return out;
  }
}
