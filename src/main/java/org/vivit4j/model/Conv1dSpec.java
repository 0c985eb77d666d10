package org.vivit4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * PyTorch's {@code nn.Conv1d(in_channels, out_channels, kernel_size, stride, padding, dilation,
 * groups=1, bias)} on {@code [C, L]} samples (cross-correlation, zero padding): {@code z[o, j] =
 * b[o] + Σ_{c, a} W[o, c, a] · x[c, j·s − p + a·d]}, output {@code [O, ⌊(L + 2p − d(k − 1) − 1)/s⌋
 * + 1]}. It is the Conv2d of a {@code [C, 1, L]} view with kernel {@code [1, k]}, stride {@code [1,
 * s]}, padding {@code [0, p]} and dilation {@code [1, d]} ({@link #as2d}), whose weight {@code [O,
 * C, 1, k]} has the same values in the same order.
 *
 * @param weight {@code [O, C, k]} row-major
 * @param bias {@code [O]} or {@code null}
 */
public record Conv1dSpec(
    int inChannels,
    int outChannels,
    int kernelSize,
    int stride,
    int padding,
    int dilation,
    double[] weight,
    double[] bias)
    implements LayerSpec {

  @Override
  public String type() {
    return "conv1d";
  }

  /** The Conv2d over the {@code [C, 1, L]} view, sharing the weight and bias arrays. */
  public Conv2dSpec as2d() {
    return new Conv2dSpec(
        inChannels,
        outChannels,
        new int[] {1, kernelSize},
        new int[] {1, stride},
        new int[] {0, padding},
        new int[] {1, dilation},
        weight,
        bias);
  }

  /** {@code [C, L] → [O, L_out]}. */
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
        new LayerParam("weight", new int[] {outChannels, inChannels, kernelSize}, weight);
    return bias == null
        ? List.of(w)
        : List.of(w, new LayerParam("bias", new int[] {outChannels}, bias));
  }

  /**
   * Channels, kernel size, stride and dilation ≥ 1, padding ≥ 0, a weight of {@code O·C·k} and a
   * bias of {@code O} values.
   */
  @Override
  public void checkHyperParameters(String where) {
    positive(inChannels, where + ".in_channels");
    positive(outChannels, where + ".out_channels");
    positive(kernelSize, where + ".kernel_size");
    positive(stride, where + ".stride");
    positive(dilation, where + ".dilation");
    if (padding < 0) {
      throw new InvalidInputException(where + ".padding", "is " + padding + "; must be >= 0");
    }
    long numel = ArraySizes.product(outChannels, inChannels, kernelSize);
    if (weight == null || weight.length != numel) {
      throw new InvalidInputException(
          where + ".weight",
          "must hold out_channels·in_channels·kernel_size = " + numel + " values");
    }
    if (bias != null && bias.length != outChannels) {
      throw new InvalidInputException(
          where + ".bias",
          "has " + bias.length + " values; expected out_channels = " + outChannels);
    }
  }

  static void positive(int value, String field) {
    if (value < 1) {
      throw new InvalidInputException(field, "is " + value + "; must be >= 1");
    }
  }
}
