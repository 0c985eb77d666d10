package org.vivit4j.backend;

/**
 * A {@link CpuBackend} matrix: row-major {@code rows × cols} in a {@code double[]} (float64) or a
 * {@code float[]} (float32), exactly one of the two. A float32 backend holds every matrix as {@code
 * float[]}: its products run {@code sgemm} on the stored arrays and its element-wise loops read and
 * write floats, with no conversion per operation; values cross to float64 only at {@code upload}
 * and {@code download}.
 */
final class HostMatrix implements DeviceMatrix {
  final int rows;
  final int cols;

  /** The float64 storage, or null for a float32 matrix. */
  final double[] data;

  /** The float32 storage, or null for a float64 matrix. */
  final float[] data32;

  /** A float64 matrix over {@code data} (not copied). */
  HostMatrix(int rows, int cols, double[] data) {
    this(rows, cols, data, null);
  }

  /** A float32 matrix over {@code data32} (not copied). */
  HostMatrix(int rows, int cols, float[] data32) {
    this(rows, cols, null, data32);
  }

  private HostMatrix(int rows, int cols, double[] data, float[] data32) {
    if (rows < 0 || cols < 0) {
      throw new IllegalArgumentException("a " + rows + "×" + cols + " matrix");
    }
    int length = data != null ? data.length : data32.length;
    if ((long) rows * cols != length) {
      throw new IllegalArgumentException(
          "a " + rows + "×" + cols + " matrix over " + length + " entries");
    }
    this.rows = rows;
    this.cols = cols;
    this.data = data;
    this.data32 = data32;
  }

  /** A zero matrix in float32 ({@code f32}) or float64 storage. */
  static HostMatrix zeros(int rows, int cols, boolean f32) {
    int n = Math.multiplyExact(rows, cols);
    return f32
        ? new HostMatrix(rows, cols, new float[n])
        : new HostMatrix(rows, cols, new double[n]);
  }

  /** {@code values} stored in float32 (each rounded) when {@code f32}, else a float64 copy. */
  static HostMatrix of(int rows, int cols, double[] values, boolean f32) {
    return f32
        ? new HostMatrix(rows, cols, toFloat(values))
        : new HostMatrix(rows, cols, values.clone());
  }

  /** True when the storage is {@code float[]}. */
  boolean isFloat32() {
    return data32 != null;
  }

  /** The entries as a new float64 array (float32 entries are exact in float64). */
  double[] toDoubles() {
    return data != null ? data.clone() : toDouble(data32);
  }

  /** Entry {@code i} (row-major) as a double. */
  double get(int i) {
    return data != null ? data[i] : data32[i];
  }

  /**
   * Checks that {@code other} is stored in this matrix's precision (an operation never mixes them).
   */
  HostMatrix samePrecision(HostMatrix other, String op) {
    if (other != null && other.isFloat32() != isFloat32()) {
      throw new IllegalArgumentException(op + ": operands are stored in different precisions");
    }
    return other;
  }

  static float[] toFloat(double[] x) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }

  static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public void close() {
    // host memory is reclaimed by the garbage collector
  }
}
