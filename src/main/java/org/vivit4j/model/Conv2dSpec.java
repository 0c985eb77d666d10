package org.vivit4j.model;

import java.util.Arrays;
import java.util.List;

/**
 * Conv2d with PyTorch semantics (cross-correlation, zero padding, groups = 1). Parsed and validated
 * so problem files round-trip; the computations reject it as not supported yet.
 *
 * @param weight {@code [O, C, kh, kw]} row-major
 * @param bias {@code [O]} or {@code null}
 */
public record Conv2dSpec(
    int inChannels,
    int outChannels,
    int[] kernelSize,
    int[] stride,
    int[] padding,
    int[] dilation,
    double[] weight,
    double[] bias)
    implements LayerSpec {
  @Override
  public String type() {
    return "conv2d";
  }

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
    return convOutputShape(in, where);
  }

  /**
   * {@code [O, H_out, W_out]} with {@code H_out = ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1}, in {@code
   * long}: an output too large for an array is refused here, naming this layer's padding when the
   * padding makes it so and its {@code out_channels} otherwise (the input already fits).
   */
  private int[] convOutputShape(int[] in, String where) {
    long[] size = new long[2];
    long[] unpadded = new long[2];
    for (int d = 0; d < 2; d++) {
      long eff = (long) dilation()[d] * (kernelSize()[d] - 1) + 1;
      long padded = in[d + 1] + 2L * padding()[d];
      if (padded < eff) {
        throw new InvalidInputException(
            where + ".kernel_size",
            "does not fit the padded input of shape " + Arrays.toString(in));
      }
      size[d] = (padded - eff) / stride()[d] + 1;
      unpadded[d] = Math.max(1, (in[d + 1] - eff) / stride()[d] + 1);
    }
    long perSample = ArraySizes.times(ArraySizes.times(outChannels(), size[0]), size[1]);
    if (!ArraySizes.fits(perSample)) {
      long withoutPadding =
          ArraySizes.times(ArraySizes.times(outChannels(), unpadded[0]), unpadded[1]);
      boolean padding = ArraySizes.fits(withoutPadding);
      throw new InvalidInputException(
          where + (padding ? ".padding" : ".out_channels"),
          "is "
              + (padding ? Arrays.toString(padding()) : Integer.toString(outChannels()))
              + ", which makes the layer's output per sample ["
              + outChannels()
              + ", "
              + size[0]
              + ", "
              + size[1]
              + "] = "
              + ArraySizes.count(perSample)
              + ArraySizes.tooLarge());
    }
    return new int[] {outChannels(), (int) size[0], (int) size[1]};
  }

  @Override
  public List<LayerParam> params() {
    LayerParam w =
        new LayerParam(
            "weight", new int[] {outChannels, inChannels, kernelSize[0], kernelSize[1]}, weight);
    return bias == null
        ? List.of(w)
        : List.of(w, new LayerParam("bias", new int[] {outChannels}, bias));
  }
}
