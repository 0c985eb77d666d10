package org.vivit4j.model;

/**
 * MaxPool2d with PyTorch semantics: {@code y[c, i, j] = max_{a, b} x[c, i·s_h − p_h + a·d_h, j·s_w
 * − p_w + b·d_w]} over the positions inside the input (padding never wins), ties going to the first
 * maximum in row-major window order {@code (a, b)}. Only {@code ceil_mode = false} and {@code
 * return_indices = false}; the reader rejects the rest.
 *
 * @param kernelSize {@code [kh, kw]}
 * @param stride {@code [s_h, s_w]} (PyTorch's default is the kernel size)
 * @param padding {@code [p_h, p_w]}, at most half the kernel size
 * @param dilation {@code [d_h, d_w]}
 */
public record MaxPool2dSpec(int[] kernelSize, int[] stride, int[] padding, int[] dilation)
    implements LayerSpec {
  @Override
  public String type() {
    return "maxpool2d";
  }

  @Override
  public int[] outputShape(int[] in, String where) {
    return PoolShapes.outputShape(in, kernelSize, stride, padding, dilation, where);
  }
}
