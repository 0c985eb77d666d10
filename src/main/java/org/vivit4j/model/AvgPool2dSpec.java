package org.vivit4j.model;

/**
 * AvgPool2d with PyTorch's defaults {@code count_include_pad = true}, {@code ceil_mode = false}:
 * {@code y[c, i, j] = (1 / (kh·kw)) Σ_{a, b} x[c, i·s_h − p_h + a, j·s_w − p_w + b]}, padded
 * positions counting as zeros.
 *
 * @param kernelSize {@code [kh, kw]}
 * @param stride {@code [s_h, s_w]} (PyTorch's default is the kernel size)
 * @param padding {@code [p_h, p_w]}, at most half the kernel size
 */
public record AvgPool2dSpec(int[] kernelSize, int[] stride, int[] padding) implements LayerSpec {
  @Override
  public String type() {
    return "avgpool2d";
  }

  @Override
  public int[] outputShape(int[] in, String where) {
    return PoolShapes.outputShape(in, kernelSize, stride, padding, new int[] {1, 1}, where);
  }
}
