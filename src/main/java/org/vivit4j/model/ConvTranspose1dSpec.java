package org.vivit4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride, padding,
 * output_padding, groups=1, bias, dilation)} on {@code [C_in, L]} samples: {@code z[o, i·s − p +
 * a·d] += W[c, o, a] · x[c, i]} over every input position and tap whose target lies in the output,
 * plus {@code b[o]}; output {@code [C_out, (L − 1)·s − 2p + d(k − 1) + op + 1]}. It is the
 * ConvTranspose2d of a {@code [C_in, 1, L]} view with kernel {@code [1, k]}, stride {@code [1, s]},
 * padding {@code [0, p]}, output padding {@code [0, op]} and dilation {@code [1, d]} ({@link
 * #as2d}), whose weight {@code [C_in, C_out, 1, k]} has the same values in the same order; exact
 * while {@code op < stride} (PyTorch also accepts {@code stride ≤ op < dilation}, which vivit4j
 * does not compute).
 *
 * @param weight {@code [C_in, C_out, k]} row-major (PyTorch's layout)
 * @param bias {@code [C_out]} or {@code null}
 */
public record ConvTranspose1dSpec(
    int inChannels,
    int outChannels,
    int kernelSize,
    int stride,
    int padding,
    int outputPadding,
    int dilation,
    double[] weight,
    double[] bias)
    implements LayerSpec {

  @Override
  public String type() {
    return "convtranspose1d";
  }

  /** The ConvTranspose2d over the {@code [C_in, 1, L]} view, sharing the weight and bias arrays. */
  public ConvTranspose2dSpec as2d() {
    return new ConvTranspose2dSpec(
        inChannels,
        outChannels,
        new int[] {1, kernelSize},
        new int[] {1, stride},
        new int[] {0, padding},
        new int[] {0, outputPadding},
        new int[] {1, dilation},
        weight,
        bias);
  }

  /** {@code [C_in, L] → [C_out, L_out]}, sizes in {@code long}. */
  @Override
  public int[] outputShape(int[] in, String where) {
    if (in.length != 2 || in[0] != inChannels) {
      throw new InvalidInputException(
          where + ".in_channels",
          "is "
              + inChannels
              + " but the layer receives input of shape "
              + Arrays.toString(in)
              + " (expected [C, L])");
    }
    int[] out = as2d().outputShape(new int[] {in[0], 1, in[1]}, where);
    return new int[] {out[0], out[2]};
  }

  @Override
  public List<LayerParam> params() {
    LayerParam w =
        new LayerParam("weight", new int[] {inChannels, outChannels, kernelSize}, weight);
    return bias == null
        ? List.of(w)
        : List.of(w, new LayerParam("bias", new int[] {outChannels}, bias));
  }

  /**
   * Channels, kernel size, stride and dilation ≥ 1, padding ≥ 0, output padding in {@code [0,
   * stride)} (PyTorch's bound is {@code max(stride, dilation)}: between the two an {@link
   * UnsupportedFeatureException}), a weight of {@code C_in·C_out·k} and a bias of {@code C_out}
   * values.
   */
  @Override
  public void checkHyperParameters(String where) {
    Conv1dSpec.positive(inChannels, where + ".in_channels");
    Conv1dSpec.positive(outChannels, where + ".out_channels");
    Conv1dSpec.positive(kernelSize, where + ".kernel_size");
    Conv1dSpec.positive(stride, where + ".stride");
    Conv1dSpec.positive(dilation, where + ".dilation");
    if (padding < 0) {
      throw new InvalidInputException(where + ".padding", "is " + padding + "; must be >= 0");
    }
    int bound = Math.max(stride, dilation);
    if (outputPadding < 0 || outputPadding >= bound) {
      throw new InvalidInputException(
          where + ".output_padding",
          "is "
              + outputPadding
              + "; must lie in [0, max(stride, dilation)) = [0, "
              + bound
              + ") (PyTorch's rule)");
    }
    if (outputPadding >= stride) {
      throw new UnsupportedFeatureException(
          where + ".output_padding",
          "convtranspose1d with output_padding "
              + outputPadding
              + " >= stride "
              + stride
              + " (PyTorch allows it below the dilation)");
    }
    long numel = ArraySizes.product(inChannels, outChannels, kernelSize);
    if (weight == null || weight.length != numel) {
      throw new InvalidInputException(
          where + ".weight",
          "must hold in_channels·out_channels·kernel_size = " + numel + " values");
    }
    if (bias != null && bias.length != outChannels) {
      throw new InvalidInputException(
          where + ".bias",
          "has " + bias.length + " values; expected out_channels = " + outChannels);
    }
  }
}
