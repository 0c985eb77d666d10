package org.vivit4j.layers;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.ConvTranspose2dSpec;

/**
 * ConvTranspose2d with PyTorch semantics (groups = 1, {@code output_padding < stride}), as the
 * adjoint of a Conv2d: with {@code g} the Conv2d geometry from the output {@code [C_out, H_out,
 * W_out]} to the input {@code [C_in, H, W]} (same kernel, stride, padding, dilation; its output
 * grid is {@code H × W} exactly while {@code output_padding < stride}) and {@code W_mat [C_in ×
 * C_out·k_h·k_w]} PyTorch's weight {@code [C_in, C_out, k_h, k_w]} row-major (tensor 0; bias {@code
 * [C_out]}, tensor 1):
 *
 * <ul>
 *   <li>Forward: {@code z_n = convᵀ_g(x_n; W) + b}, the transposed convolution (Conv2d's input
 *       gradient) of the input.
 *   <li>Factor: {@code B_in[r] = conv_g(B_out[r]; W)}, the Conv2d of each factor row (on the host
 *       in float64: no backend operation computes a strided convolution's forward pass; it moves
 *       the factor down and up once).
 *   <li>Weight Jᵀ: row r is {@code V[r, (c, k)] = Σ_t x_s[c, t] · u_r[t, k]} with {@code u_r} the
 *       unfolded patches of {@code b_r} ({@code convUnfold} with {@code g}, {@code T = H·W}
 *       positions, {@code k} over {@code (o, a, b)}) and {@code s} the row's sample ({@code
 *       batchedMul} of the input rows, one per factor row, with the patches); bias: {@code Σ_{h,w}
 *       b_r[o, h, w]} ({@code sumGroups}). Gram, cross terms and {@code V·w} follow generically.
 * </ul>
 */
public final class ConvTranspose2dLayer extends Layer {
  private final ConvGeometry g;
  private final int cin;
  private final int cout;
  private final double[] weight;
  private final double[] bias;

  /**
   * @param inShape {@code [C_in, H, W]}
   * @param outShape {@code [C_out, H_out, W_out]}, the spec's output shape for {@code inShape}
   */
  public ConvTranspose2dLayer(ConvTranspose2dSpec spec, int[] inShape, int[] outShape) {
    this(
        ConvGeometry.of(
            outShape, spec.kernelSize(), spec.stride(), spec.padding(), spec.dilation()),
        inShape,
        spec);
  }

  private ConvTranspose2dLayer(ConvGeometry g, int[] inShape, ConvTranspose2dSpec spec) {
    super(inShape[0] * g.positions(), g.inputSize());
    if (g.outH() != inShape[1] || g.outW() != inShape[2] || spec.inChannels() != inShape[0]) {
      throw new IllegalArgumentException(
          "convtranspose2d: the adjoint Conv2d maps to "
              + g.outH()
              + "×"
              + g.outW()
              + ", not the input's "
              + inShape[1]
              + "×"
              + inShape[2]
              + " (output_padding must be below the stride)");
    }
    this.g = g;
    this.cin = spec.inChannels();
    this.cout = spec.outChannels();
    this.weight = spec.weight();
    this.bias = spec.bias();
  }

  @Override
  public int numParamTensors() {
    return bias == null ? 1 : 2;
  }

  @Override
  public int paramSize(int tensor) {
    return tensor == 0 ? cin * g.patchSize() : cout;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] z = ConvHost.inputGradient(in, weight, cin, g, n);
    if (bias != null) {
      int plane = g.height() * g.width();
      for (int s = 0; s < n; s++) {
        for (int o = 0; o < cout; o++) {
          int z0 = (s * cout + o) * plane;
          for (int p = 0; p < plane; p++) {
            z[z0 + p] += bias[o];
          }
        }
      }
    }
    return z;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return ConvHost.forward(deltaOut, weight, null, cin, g, n);
  }

  /**
   * {@code ∇W[c, k] = (1/n) Σ_{n,t} x[n, c, t] · u_n[t, k]} (Conv2d's weight gradient with the
   * roles of input and output exchanged), {@code ∇b[o] = (1/n) Σ_n Σ_{h,w} δ[n, o, h, w]}.
   */
  @Override
  protected double[][] paramGradientsImpl(double[] in, double[] deltaOut, int n) {
    double scale = 1.0 / n;
    double[] gw = ConvHost.paramGradients(deltaOut, in, cin, g, n, scale)[0];
    if (bias == null) {
      return new double[][] {gw};
    }
    double[] gb = new double[cout];
    int plane = g.height() * g.width();
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < cout; o++) {
        double sum = 0;
        int d0 = (s * cout + o) * plane;
        for (int p = 0; p < plane; p++) {
          sum += deltaOut[d0 + p];
        }
        gb[o] += scale * sum;
      }
    }
    return new double[][] {gw, gb};
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    Backend be = ctx.backend();
    DeviceMatrix b = ctx.factorOut();
    int rows = b.rows();
    return be.upload(ConvHost.forward(be.download(b), weight, null, cin, g, rows), rows, inSize);
  }

  @Override
  protected DeviceMatrix paramJacTImpl(
      LayerContext ctx, DeviceMatrix b, int[] samples, int block, int tensor) {
    Backend be = ctx.backend();
    if (tensor == 1) {
      return be.sumGroups(b, cout);
    }
    double[] x = ctx.input();
    double[] rowsIn = new double[samples.length * block * inSize];
    for (int r = 0; r < samples.length * block; r++) {
      System.arraycopy(x, samples[r / block] * inSize, rowsIn, r * inSize, inSize);
    }
    try (DeviceMatrix a = be.upload(rowsIn, samples.length * block, inSize);
        DeviceMatrix u = be.convUnfold(b, g)) {
      return be.batchedMul(a, u, 1, cin);
    }
  }

  @Override
  public String toString() {
    return "ConvTranspose2d("
        + cin
        + " → "
        + cout
        + ", "
        + g.kernelH()
        + "×"
        + g.kernelW()
        + (bias == null ? ", no bias)" : ")");
  }
}
