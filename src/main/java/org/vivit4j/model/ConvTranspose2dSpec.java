package org.vivit4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.ConvTranspose2d(in_channels, out_channels, kernel_size, stride, padding,
 * output_padding, groups=1, bias, dilation)} on {@code [C_in, H, W]} samples: {@code z[o, i·s_h −
 * p_h + a·d_h, j·s_w − p_w + b·d_w] += W[c, o, a, b] · x[c, i, j]} over every input position and
 * tap whose target lies in the output, plus {@code b[o]}; output {@code [C_out, H_out, W_out]} with
 * {@code H_out = (H − 1)·s_h − 2p_h + d_h(k_h − 1) + op_h + 1} (likewise for the width). It is the
 * adjoint in its input of the Conv2d from {@code [C_out, H_out, W_out]} to {@code [C_in, H, W]}
 * with the same weight, kernel, stride, padding and dilation, which is exact while {@code op <
 * stride}; PyTorch also accepts {@code stride ≤ op < dilation}, which vivit4j does not compute.
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
   * Channels, kernel sizes, strides and dilations ≥ 1, paddings ≥ 0, output paddings in {@code [0,
   * stride)} (PyTorch's bound is {@code max(stride, dilation)}: between the two an {@link
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
