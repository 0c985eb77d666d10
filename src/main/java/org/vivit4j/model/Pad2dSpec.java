package org.vivit4j.model;

/**
 * PyTorch's {@code nn.ZeroPad2d(padding)} and {@code nn.ConstantPad2d(padding, value)} on a {@code
 * [C, H, W]} sample: {@code left}, {@code right} columns and {@code top}, {@code bottom} rows of
 * {@code value} (0 for zeropad2d) around each channel, giving {@code [C, H + top + bottom, W + left
 * + right]}; the input values keep their place, so the Jacobian is a selection (the padded entries
 * do not depend on the input).
 *
 * @param padding {@code [left, right, top, bottom]} (PyTorch's order), each {@code ≥ 0}
 * @param value the padding value
 * @param constant {@code true} for {@code constantpad2d}, {@code false} for {@code zeropad2d} (then
 *     {@code value} is 0)
 */
public record Pad2dSpec(int[] padding, double value, boolean constant) implements LayerSpec {

  /** zeropad2d with {@code [left, right, top, bottom]}. */
  public static Pad2dSpec zeros(int left, int right, int top, int bottom) {
    return new Pad2dSpec(new int[] {left, right, top, bottom}, 0.0, false);
  }

  @Override
  public String type() {
    return constant ? "constantpad2d" : "zeropad2d";
  }

  public int left() {
    return padding[0];
  }

  public int right() {
    return padding[1];
  }

  public int top() {
    return padding[2];
  }

  public int bottom() {
    return padding[3];
  }

  @Override
  public int[] outputShape(int[] in, String where) {
    if (in.length != 3) {
      throw new InvalidInputException(
          where, type() + " needs a [C, H, W] input but receives " + java.util.Arrays.toString(in));
    }
    long h = (long) in[1] + top() + bottom();
    long w = (long) in[2] + left() + right();
    ArraySizes.checked(ArraySizes.times(in[0], ArraySizes.times(h, w)), where, "the padded output");
    return new int[] {in[0], (int) h, (int) w};
  }

  /** Four paddings, each {@code ≥ 0} (PyTorch crops for negative ones), a finite value. */
  @Override
  public void checkHyperParameters(String where) {
    if (padding == null || padding.length != 4) {
      throw new InvalidInputException(where + ".padding", "must hold left, right, top, bottom");
    }
    for (int i = 0; i < 4; i++) {
      if (padding[i] < 0) {
        throw new UnsupportedFeatureException(
            where + ".padding[" + i + "]", "negative padding (cropping, " + padding[i] + ")");
      }
    }
    if (!Double.isFinite(value)) {
      throw new InvalidInputException(where + ".value", "is " + value + "; must be finite");
    }
  }
}
