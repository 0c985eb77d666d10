package org.vivit4j.model;

/**
 * PyTorch's {@code nn.MaxPool1d(kernel_size, stride, padding, dilation)} and {@code
 * nn.AvgPool1d(kernel_size, stride, padding)} on {@code [C, L]} samples: the 2-d pools of a {@code
 * [C, 1, L]} view with kernel {@code [1, k]}, stride {@code [1, s]}, padding {@code [0, p]} and
 * dilation {@code [1, d]} ({@link #as2d}), so their semantics (ties, padding, {@code
 * count_include_pad = true}) are those of {@link MaxPool2dSpec} and {@link AvgPool2dSpec}. Output
 * {@code [C, ⌊(L + 2p − d(k − 1) − 1)/s⌋ + 1]}.
 *
 * @param max {@code true} for {@code maxpool1d}, {@code false} for {@code avgpool1d}
 * @param kernel k
 * @param stride s (PyTorch's default: k)
 * @param padding p, at most half the kernel
 * @param dilation d (1 for avgpool1d)
 */
public record Pool1dSpec(boolean max, int kernel, int stride, int padding, int dilation)
    implements LayerSpec {

  @Override
  public String type() {
    return max ? "maxpool1d" : "avgpool1d";
  }

  /** The 2-d pool over the {@code [C, 1, L]} view. */
  public LayerSpec as2d() {
    int[] k = {1, kernel};
    int[] s = {1, stride};
    int[] p = {0, padding};
    return max ? new MaxPool2dSpec(k, s, p, new int[] {1, dilation}) : new AvgPool2dSpec(k, s, p);
  }

  /** {@code [C, L] → [C, L_out]}. */
  @Override
  public int[] outputShape(int[] in, String where) {
    if (in.length != 2) {
      throw new InvalidInputException(
          where, type() + " needs a [C, L] input but receives " + java.util.Arrays.toString(in));
    }
    int[] out = as2d().outputShape(new int[] {in[0], 1, in[1]}, where);
    return new int[] {out[0], out[2]};
  }

  /** Kernel, stride, dilation ≥ 1, padding in {@code [0, k/2]}. */
  @Override
  public void checkHyperParameters(String where) {
    if (kernel < 1 || stride < 1 || dilation < 1) {
      throw new InvalidInputException(
          where,
          "kernel_size, stride and dilation must be >= 1, got "
              + kernel
              + ", "
              + stride
              + ", "
              + dilation);
    }
    if (padding < 0 || 2 * padding > kernel) {
      throw new InvalidInputException(
          where + ".padding", "is " + padding + "; must lie in [0, kernel_size / 2]");
    }
  }
}
