package org.vivit4j.onnx;

import java.util.Arrays;

/**
 * A constant tensor of an ONNX graph in row-major order: real values (ONNX float, double, float16
 * widened exactly to double) or integers (int64, int32, bool as 0/1). Exactly one of {@link
 * #reals()} and {@link #ints()} is non-null.
 *
 * @param shape dimensions (empty for a scalar)
 * @param elementType the ONNX element type it was stored as ({@code FLOAT}, {@code INT64}, ...)
 */
public record OnnxTensor(int[] shape, String elementType, double[] reals, long[] ints) {
  public OnnxTensor {
    shape = shape.clone();
    if ((reals == null) == (ints == null)) {
      throw new IllegalArgumentException("exactly one of reals and ints");
    }
    long n = size(shape);
    int have = reals != null ? reals.length : ints.length;
    if (n != have) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + have);
    }
  }

  /** An int64 tensor. */
  public static OnnxTensor ofInts(int[] shape, long... values) {
    return new OnnxTensor(shape, "INT64", null, values.clone());
  }

  /** A double tensor. */
  public static OnnxTensor ofReals(int[] shape, String elementType, double... values) {
    return new OnnxTensor(shape, elementType, values.clone(), null);
  }

  /** A one-dimensional int64 tensor. */
  public static OnnxTensor vector(long... values) {
    return ofInts(new int[] {values.length}, values);
  }

  /** Number of elements of a shape (1 for a scalar); exact in {@code long}. */
  public static long size(int[] shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public boolean isInteger() {
    return ints != null;
  }

  public int rank() {
    return shape.length;
  }

  public int length() {
    return isInteger() ? ints.length : reals.length;
  }

  /** Element {@code i} (row-major) as a double. */
  public double real(int i) {
    return isInteger() ? ints[i] : reals[i];
  }

  /**
   * Element {@code i} as a long; real elements must be whole numbers (a shape computed in float).
   */
  public long integer(int i) {
    if (isInteger()) {
      return ints[i];
    }
    double v = reals[i];
    if (v != Math.rint(v) || Math.abs(v) > 0x1p62) {
      throw new IllegalArgumentException(v + " is not a whole number");
    }
    return (long) v;
  }

  /** All elements as longs (see {@link #integer(int)}). */
  public long[] integers() {
    long[] out = new long[length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = integer(i);
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnnxTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(reals, t.reals)
        && Arrays.equals(ints, t.ints);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(isInteger() ? null : reals)
        ^ Arrays.hashCode(ints);
  }

  @Override
  public String toString() {
    String values =
        length() > 8
            ? length() + " values"
            : isInteger() ? Arrays.toString(ints) : Arrays.toString(reals);
    return elementType + Arrays.toString(shape) + " " + values;
  }
}
