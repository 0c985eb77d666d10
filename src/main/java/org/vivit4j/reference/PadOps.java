package org.vivit4j.reference;

import java.util.Arrays;

/**
 * Constant padding of {@code [C, H, W]} tensors and its adjoint, the crop, for the reference's
 * {@code zeropad2d} / {@code constantpad2d}. Both are linear in their input, and each one's VJP is
 * the other, so they can be differentiated again.
 */
final class PadOps {
  private PadOps() {}

  /**
   * {@code r[c, top + h, left + w] = a[c, h, w]}, {@code value} elsewhere, shape {@code [C, H + top
   * + bottom, W + left + right]}. VJP: {@code ū} cropped back ({@link #crop}).
   */
  static Node pad2d(Node a, int left, int right, int top, int bottom, double value) {
    int[] s = a.shape();
    if (s.length != 3) {
      throw new IllegalArgumentException("pad2d needs [C, H, W], got " + Arrays.toString(s));
    }
    int oh = s[1] + top + bottom;
    int ow = s[2] + left + right;
    double[] r = new double[s[0] * oh * ow];
    Arrays.fill(r, value);
    for (int c = 0; c < s[0]; c++) {
      for (int h = 0; h < s[1]; h++) {
        for (int w = 0; w < s[2]; w++) {
          r[(c * oh + top + h) * ow + left + w] = a.data()[(c * s[1] + h) * s[2] + w];
        }
      }
    }
    return a.tape()
        .record(
            r,
            new int[] {s[0], oh, ow},
            new Node[] {a},
            u -> new Node[] {crop(u, left, top, s[1], s[2])});
  }

  /**
   * {@code r[c, h, w] = a[c, top + h, left + w]} for {@code h < height}, {@code w < width}. VJP:
   * {@code ū} padded with zeros back to {@code a}'s shape.
   */
  static Node crop(Node a, int left, int top, int height, int width) {
    int[] s = a.shape();
    double[] r = new double[s[0] * height * width];
    for (int c = 0; c < s[0]; c++) {
      for (int h = 0; h < height; h++) {
        for (int w = 0; w < width; w++) {
          r[(c * height + h) * width + w] = a.data()[(c * s[1] + top + h) * s[2] + left + w];
        }
      }
    }
    int right = s[2] - left - width;
    int bottom = s[1] - top - height;
    return a.tape()
        .record(
            r,
            new int[] {s[0], height, width},
            new Node[] {a},
            u -> new Node[] {pad2d(u, left, right, top, bottom, 0.0)});
  }
}
