package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerParam;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

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
  /**
   * PyTorch's {@code nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding,
   * output_padding, groups=1, bias, dilation)} on {@code [C_in, H, W]} samples: {@code z[o, i·s_h −
   * p_h + a·d_h, j·s_w − p_w + b·d_w] += W[c, o, a, b] · x[c, i, j]} over every input position and
   * tap whose target lies in the output, plus {@code b[o]}; output {@code [C_out, H_out, W_out]}
   * with {@code H_out = (H − 1)·s_h − 2p_h + d_h(k_h − 1) + op_h + 1} (likewise for the width). It
   * is the adjoint in its input of the Conv2d from {@code [C_out, H_out, W_out]} to {@code [C_in,
   * H, W]} with the same weight, kernel, stride, padding and dilation, which is exact while {@code
   * op < stride}; PyTorch also accepts {@code stride ≤ op < dilation}, which vivit4j does not
   * compute.
   *
   * @param kernelSize {@code [k_h, k_w]}
   * @param outputPadding {@code [op_h, op_w]}: extra rows and columns at the bottom and right
   * @param weight {@code [C_in, C_out, k_h, k_w]} row-major (PyTorch's layout)
   * @param bias {@code [C_out]} or {@code null}
   */
  public record ConvTranspose2dSpec(
      int inChannels,
      int outChannels,
      int[] kernelSize,
      int[] stride,
      int[] padding,
      int[] outputPadding,
      int[] dilation,
      double[] weight,
      double[] bias)
      implements LayerSpec {

    @Override
    public String type() {
      return "convtranspose2d";
    }

    /** {@code [C_in, H, W] → [C_out, H_out, W_out]}, sizes in {@code long}. */
    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 3 || in[0] != inChannels) {
        throw new InvalidInputException(
            where + ".in_channels",
            "is "
                + inChannels
                + " but the layer receives input of shape "
                + Arrays.toString(in)
                + " (expected [C, H, W])");
      }
      // a spec built through the API has not been read by a problem reader: its window must hold
      // before the output size uses it (a zero stride gave a wrong shape, not an error)
      checkHyperParameters(where);
      long[] size = new long[2];
      for (int d = 0; d < 2; d++) {
        size[d] =
            (long) (in[d + 1] - 1) * stride[d]
                - 2L * padding[d]
                + (long) dilation[d] * (kernelSize[d] - 1)
                + outputPadding[d]
                + 1;
        if (size[d] < 1) {
          throw new InvalidInputException(
              where + ".padding",
              "is "
                  + Arrays.toString(padding)
                  + ", which leaves an output of size "
                  + size[d]
                  + " for the input "
                  + Arrays.toString(in));
        }
      }
      long perSample = ArraySizes.times(ArraySizes.times(outChannels, size[0]), size[1]);
      if (!ArraySizes.fits(perSample)) {
        throw new InvalidInputException(
            where + ".out_channels",
            "is "
                + outChannels
                + ", which makes the layer's output per sample ["
                + outChannels
                + ", "
                + size[0]
                + ", "
                + size[1]
                + "] = "
                + ArraySizes.count(perSample)
                + ArraySizes.tooLarge());
      }
      return new int[] {outChannels, (int) size[0], (int) size[1]};
    }

    @Override
    public List<LayerParam> params() {
      LayerParam w =
          new LayerParam(
              "weight", new int[] {inChannels, outChannels, kernelSize[0], kernelSize[1]}, weight);
      return bias == null
          ? List.of(w)
          : List.of(w, new LayerParam("bias", new int[] {outChannels}, bias));
    }

    /**
     * Channels, kernel sizes, strides and dilations ≥ 1, paddings ≥ 0, output paddings in {@code
     * [0, stride)} (PyTorch's bound is {@code max(stride, dilation)}: between the two an {@link
     * UnsupportedFeatureException}), a weight of {@code C_in·C_out·k_h·k_w} and a bias of {@code
     * C_out} values.
     */
    @Override
    public void checkHyperParameters(String where) {
      Conv1dSpec.positive(inChannels, where + ".in_channels");
      Conv1dSpec.positive(outChannels, where + ".out_channels");
      for (int[] p : new int[][] {kernelSize, stride, padding, outputPadding, dilation}) {
        if (p == null || p.length != 2) {
          throw new InvalidInputException(
              where,
              "kernel_size, stride, padding, output_padding and dilation must be [h, w] pairs");
        }
      }
      for (int d = 0; d < 2; d++) {
        Conv1dSpec.positive(kernelSize[d], where + ".kernel_size[" + d + "]");
        Conv1dSpec.positive(stride[d], where + ".stride[" + d + "]");
        Conv1dSpec.positive(dilation[d], where + ".dilation[" + d + "]");
        if (padding[d] < 0) {
          throw new InvalidInputException(
              where + ".padding[" + d + "]", "is " + padding[d] + "; must be >= 0");
        }
        String op = where + ".output_padding[" + d + "]";
        if (outputPadding[d] < 0 || outputPadding[d] >= Math.max(stride[d], dilation[d])) {
          throw new InvalidInputException(
              op,
              "is "
                  + outputPadding[d]
                  + "; must lie in [0, max(stride, dilation)) = [0, "
                  + Math.max(stride[d], dilation[d])
                  + ") (PyTorch's rule)");
        }
        if (outputPadding[d] >= stride[d]) {
          throw new UnsupportedFeatureException(
              op,
              "convtranspose2d with output_padding "
                  + outputPadding[d]
                  + " >= stride "
                  + stride[d]
                  + " (PyTorch allows it below the dilation)");
        }
      }
      long numel = ArraySizes.product(inChannels, outChannels, kernelSize[0], kernelSize[1]);
      if (weight == null || weight.length != numel) {
        throw new InvalidInputException(
            where + ".weight", "must hold in_channels·out_channels·kh·kw = " + numel + " values");
      }
      if (bias != null && bias.length != outChannels) {
        throw new InvalidInputException(
            where + ".bias",
            "has " + bias.length + " values; expected out_channels = " + outChannels);
      }
    }
  }

  /** The problem-file type of {@link ConvTranspose2dSpec}. */
  public static final LayerType<ConvTranspose2dSpec> TYPE = new ConvTranspose2dType();

  /**
   * {@code convtranspose2d} with PyTorch's {@code nn.ConvTranspose2d} keys and defaults: {@code
   * kernel_size} (required), {@code stride} (1), {@code padding} (0), {@code output_padding} (0),
   * {@code dilation} (1), each an int or an {@code [h, w]} pair; {@code groups} only 1, {@code
   * padding_mode} only {@code "zeros"}; weight {@code [in_channels][out_channels][kh][kw]}.
   */
  private static final class ConvTranspose2dType extends LayerType<ConvTranspose2dSpec> {
    ConvTranspose2dType() {
      super(ConvTranspose2dSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("convtranspose2d");
    }

    @Override
    public ConvTranspose2dSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(
          node,
          path,
          "a convtranspose2d layer",
          "type",
          "in_channels",
          "out_channels",
          "kernel_size",
          "stride",
          "padding",
          "output_padding",
          "dilation",
          "groups",
          "padding_mode",
          "weight",
          "bias");
      int cin = JsonFields.requiredInt(node, path, "in_channels");
      JsonFields.atLeast(cin, 1, at(path, "in_channels"));
      int cout = JsonFields.requiredInt(node, path, "out_channels");
      JsonFields.atLeast(cout, 1, at(path, "out_channels"));
      int[] kernel =
          JsonFields.pair(
              JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
      int[] stride = JsonFields.pairOr(node, path, "stride", 1, 1);
      int[] padding = JsonFields.pairOr(node, path, "padding", 0, 0);
      int[] outputPadding = JsonFields.pairOr(node, path, "output_padding", 0, 0);
      int[] dilation = JsonFields.pairOr(node, path, "dilation", 1, 1);
      TypeFields.refuseGroupsAndPaddingMode(node, path, "convtranspose2d");
      double[] weight =
          JsonArrays.readDoubles(
              JsonFields.required(node, path, "weight"),
              at(path, "weight"),
              new int[] {cin, cout, kernel[0], kernel[1]},
              "[in_channels, out_channels, kh, kw]");
      double[] bias = JsonArrays.optional(node, path, "bias", new int[] {cout}, "[out_channels]");
      ConvTranspose2dSpec spec =
          new ConvTranspose2dSpec(
              cin, cout, kernel, stride, padding, outputPadding, dilation, weight, bias);
      spec.checkHyperParameters(path);
      return spec;
    }

    @Override
    public void writeFields(JsonGenerator g, ConvTranspose2dSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("in_channels", spec.inChannels());
      g.writeNumberField("out_channels", spec.outChannels());
      JsonFields.writePair(g, "kernel_size", spec.kernelSize());
      JsonFields.writePair(g, "stride", spec.stride());
      JsonFields.writePair(g, "padding", spec.padding());
      JsonFields.writePair(g, "output_padding", spec.outputPadding());
      JsonFields.writePair(g, "dilation", spec.dilation());
      g.writeNumberField("groups", 1);
      g.writeFieldName("weight");
      int[] shape = {
        spec.inChannels(), spec.outChannels(), spec.kernelSize()[0], spec.kernelSize()[1]
      };
      arrays.write(g, spec.weight(), shape);
      TypeFields.writeBias(g, spec.bias(), arrays);
    }

    @Override
    public Layer create(
        ConvTranspose2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new ConvTranspose2dLayer(spec, net.shapeBefore(index), net.shapeAfter(index));
    }
  }

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
