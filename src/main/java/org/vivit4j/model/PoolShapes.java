package org.vivit4j.model;

import java.util.Arrays;

/**
 * Shape rules of the pooling layers, with PyTorch's checks: an input {@code [C, H, W]}, padding at
 * most half the kernel ({@code p ≤ ⌊k/2⌋}), and the output size per dimension {@code ⌊(H + 2p − d(k
 * − 1) − 1)/s⌋ + 1 ≥ 1} ({@code ceil_mode = false}). Max pooling also needs every window to reach
 * the input (PyTorch would return −∞ for a window of padding only).
 */
public final class PoolShapes {
  private PoolShapes() {}

  /**
   * The window of a convolution or pooling over 2-D inputs: {@code [h, w]} pairs, kernel, stride
   * and dilation at least 1, padding at least 0; errors name {@code where.<field>[d]}. Checked
   * before any output size is computed: a zero stride divided by zero there (an ONNX model's, found
   * by FuzzOnnxTest), and a layer built through the API has not been read by a problem reader.
   */
  public static void checkWindow(
      int[] kernel, int[] stride, int[] padding, int[] dilation, String where) {
    String[] names = {"kernel_size", "stride", "padding", "dilation"};
    int[][] values = {kernel, stride, padding, dilation};
    for (int f = 0; f < names.length; f++) {
      if (values[f] == null || values[f].length != 2) {
        throw new InvalidInputException(
            where + "." + names[f], "must be an [h, w] pair, got " + Arrays.toString(values[f]));
      }
      int min = names[f].equals("padding") ? 0 : 1;
      for (int d = 0; d < 2; d++) {
        if (values[f][d] < min) {
          throw new InvalidInputException(
              where + "." + names[f] + "[" + d + "]", "is " + values[f][d] + "; must be >= " + min);
        }
      }
    }
  }

  /** The output shape {@code [C, H_out, W_out]}; errors name {@code where.<field>}. */
  public static int[] outputShape(
      int[] in, int[] kernel, int[] stride, int[] padding, int[] dilation, String where) {
    checkWindow(kernel, stride, padding, dilation, where);
    if (in.length != 3) {
      throw new InvalidInputException(
          where + ".type",
          "a pooling layer needs input of shape [C, H, W], got " + Arrays.toString(in));
    }
    int[] out = {in[0], 0, 0};
    for (int d = 0; d < 2; d++) {
      if (padding[d] > kernel[d] / 2) {
        throw new InvalidInputException(
            where + ".padding",
            "is "
                + padding[d]
                + " but must be at most half the kernel size "
                + kernel[d]
                + " (PyTorch's rule)");
      }
      // long: kernel, dilation and padding are read as ints and their products may not fit one
      long span = (long) dilation[d] * (kernel[d] - 1) + 1;
      long padded = in[d + 1] + 2L * padding[d];
      if (padded < span) {
        throw new InvalidInputException(
            where + ".kernel_size",
            "does not fit the padded input of shape " + Arrays.toString(in));
      }
      // at most the padded input, and padding ≤ k/2 ≤ padded/2: fits an int
      out[d + 1] = (int) ((padded - span) / stride[d] + 1);
      for (int i = 0; i < out[d + 1]; i++) {
        if (!windowReachesInput(i, in[d + 1], kernel[d], stride[d], padding[d], dilation[d])) {
          throw new InvalidInputException(
              where + ".dilation",
              "leaves the window of output position "
                  + i
                  + " (dimension "
                  + (d == 0 ? "height" : "width")
                  + ") on padding only");
        }
      }
    }
    return out;
  }

  /**
   * Whether some tap {@code a ∈ [0, k)} of window {@code i} reads {@code pos = i·s − p + a·d ∈ [0,
   * size)}: the first tap at {@code pos ≥ 0} is the only candidate (taps ascend), found in closed
   * form so that a huge kernel costs nothing.
   */
  private static boolean windowReachesInput(int i, int size, int k, int s, int p, int d) {
    long start = (long) i * s - p;
    long first = start >= 0 ? 0 : (-start + d - 1) / d;
    return first < k && start + first * d < size;
  }
}
