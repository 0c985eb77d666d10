package org.vivit4j.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A symmetric {@code n × n} matrix stored as its lower triangle, row by row ({@code n(n+1)/2}
 * entries), in row blocks each small enough for one Java array, in float64 or float32. So a Gram
 * matrix of any size that fits in memory can be held: the dense {@code double[n·n]} stops at {@code
 * n = 46 340}; this one at {@code n(n+1)/2} entries over the heap, in blocks of at most {@code
 * blockLimit} entries.
 *
 * <p>Row {@code i} holds {@code A[i][0..i]}; its first entry is at packed index {@code i(i+1)/2}
 * (computed in {@code long}). A block holds whole rows, so a row never straddles two arrays.
 */
public final class PackedSymmetricMatrix {
  /** The most entries one block holds by default (a little under a Java array's limit). */
  public static final long DEFAULT_BLOCK_LIMIT = Integer.MAX_VALUE - 16L;

  private final int n;
  private final boolean single;
  private final int[] firstRow; // block b holds rows firstRow[b] .. firstRow[b+1]-1
  private final double[][] doubles;
  private final float[][] floats;

  /**
   * A zero matrix.
   *
   * @param single store float32 (for a float32 run) instead of float64
   * @param blockLimit the most entries per block (tests force a small one); must hold the largest
   *     row, {@code n} entries
   */
  public PackedSymmetricMatrix(int n, boolean single, long blockLimit) {
    if (n < 1) {
      throw new IllegalArgumentException("size must be >= 1, got " + n);
    }
    if (blockLimit < n || blockLimit > DEFAULT_BLOCK_LIMIT) {
      throw new IllegalArgumentException(
          "a block of " + blockLimit + " entries cannot hold a row of " + n);
    }
    this.n = n;
    this.single = single;
    List<Integer> starts = new ArrayList<>();
    int row = 0;
    while (row < n) {
      starts.add(row);
      long entries = 0;
      while (row < n && entries + row + 1 <= blockLimit) {
        entries += row + 1;
        row++;
      }
    }
    starts.add(n);
    firstRow = starts.stream().mapToInt(Integer::intValue).toArray();
    int blocks = firstRow.length - 1;
    doubles = single ? null : new double[blocks][];
    floats = single ? new float[blocks][] : null;
    for (int b = 0; b < blocks; b++) {
      int size = (int) (offset(firstRow[b + 1]) - offset(firstRow[b]));
      if (single) {
        floats[b] = new float[size];
      } else {
        doubles[b] = new double[size];
      }
    }
  }

  /** A float64 matrix in blocks of the default limit. */
  public PackedSymmetricMatrix(int n) {
    this(n, false, Math.max(n, DEFAULT_BLOCK_LIMIT));
  }

  /** Bytes the entries take: {@code n(n+1)/2 · (4 or 8)}. */
  public static long bytes(long n, boolean single) {
    return n * (n + 1) / 2 * (single ? 4 : 8);
  }

  /** Packed index of row {@code i}'s first entry. */
  private static long offset(long i) {
    return i * (i + 1) / 2;
  }

  public int size() {
    return n;
  }

  public boolean isSingle() {
    return single;
  }

  /** Number of arrays the entries are spread over. */
  public int blocks() {
    return firstRow.length - 1;
  }

  private int blockOf(int row) {
    int lo = 0;
    int hi = firstRow.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (firstRow[mid] <= row) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** {@code A[i][j]} (either triangle). */
  public double get(int i, int j) {
    if (j > i) {
      int t = i;
      i = j;
      j = t;
    }
    check(i, j);
    int b = blockOf(i);
    int k = (int) (offset(i) - offset(firstRow[b]) + j);
    return single ? floats[b][k] : doubles[b][k];
  }

  /** Sets {@code A[i][j] = A[j][i] = v}. */
  public void set(int i, int j, double v) {
    if (j > i) {
      int t = i;
      i = j;
      j = t;
    }
    check(i, j);
    int b = blockOf(i);
    int k = (int) (offset(i) - offset(firstRow[b]) + j);
    if (single) {
      floats[b][k] = (float) v;
    } else {
      doubles[b][k] = v;
    }
  }

  private void check(int i, int j) {
    if (j < 0 || i >= n) {
      throw new IndexOutOfBoundsException("(" + i + ", " + j + ") in a " + n + "×" + n + " matrix");
    }
  }

  /**
   * Adds {@code rows × cols} block {@code m} (row-major) at {@code (r0, c0)} of the lower triangle
   * ({@code c0 + cols − 1 ≤ r0}, i.e. the block lies on or below the diagonal's blocks), or the
   * lower half of a symmetric diagonal block when {@code r0 == c0}.
   */
  public void addBlock(int r0, int c0, double[] m, int rows, int cols) {
    for (int r = 0; r < rows; r++) {
      int i = r0 + r;
      for (int c = 0; c < cols; c++) {
        int j = c0 + c;
        if (j <= i) {
          set(i, j, get(i, j) + m[r * cols + c]);
        }
      }
    }
  }

  /**
   * Sets {@code A[i][j0 .. j0+len)} (and their mirror entries) to {@code src[srcOff ..
   * srcOff+len)}: one row segment of the lower triangle ({@code j0 + len − 1 ≤ i}) in one copy.
   */
  public void setRow(int i, int j0, double[] src, int srcOff, int len) {
    if (len == 0) {
      return;
    }
    if (j0 < 0 || i >= n || j0 + len - 1 > i) {
      throw new IndexOutOfBoundsException(
          "row " + i + ", columns " + j0 + ".." + (j0 + len - 1) + " of a lower triangle of " + n);
    }
    int b = blockOf(i);
    int k = (int) (offset(i) - offset(firstRow[b]) + j0);
    if (single) {
      float[] f = floats[b];
      for (int c = 0; c < len; c++) {
        f[k + c] = (float) src[srcOff + c];
      }
    } else {
      System.arraycopy(src, srcOff, doubles[b], k, len);
    }
  }

  /** {@code max |A_ij|}. */
  public double maxAbs() {
    double max = 0;
    for (int b = 0; b < blocks(); b++) {
      int len = single ? floats[b].length : doubles[b].length;
      for (int k = 0; k < len; k++) {
        max = Math.max(max, Math.abs(single ? floats[b][k] : doubles[b][k]));
      }
    }
    return max;
  }

  /** {@code Σ_ij (A_ij / scale)²} over both triangles (off-diagonal entries count twice). */
  public double scaledSquares(double scale) {
    double s = 0;
    for (int b = 0; b < blocks(); b++) {
      int k = 0;
      for (int i = firstRow[b]; i < firstRow[b + 1]; i++) {
        for (int j = 0; j <= i; j++, k++) {
          double t = (single ? floats[b][k] : doubles[b][k]) / scale;
          s += j == i ? t * t : 2 * t * t;
        }
      }
    }
    return s;
  }

  /** The packed index {@code i(i+1)/2 + j} of the first entry that is not finite, or −1. */
  public long firstNonFinite() {
    for (int b = 0; b < blocks(); b++) {
      int len = single ? floats[b].length : doubles[b].length;
      for (int k = 0; k < len; k++) {
        if (!Double.isFinite(single ? floats[b][k] : doubles[b][k])) {
          return offset(firstRow[b]) + k;
        }
      }
    }
    return -1;
  }

  /** {@code Σ_i A[i][i]}. */
  public double trace() {
    double t = 0;
    for (int i = 0; i < n; i++) {
      t += get(i, i);
    }
    return t;
  }

  /**
   * {@code y = x·A} for {@code count} row vectors ({@code x}, {@code y} are {@code [count × n]},
   * row-major): each vector on its own core, each pass reading the triangle once, accumulating in
   * double. The operator of {@link LanczosTopK}. A loop, not BLAS: {@code dspmv} (packed symmetric
   * matrix–vector) needs the whole triangle in one array, which is what this class avoids; the
   * product is memory-bound either way (two flops per entry read).
   */
  public void multiply(double[] x, double[] y, int count) {
    IntStream.range(0, count).parallel().forEach(v -> multiplyOne(x, y, v * n));
  }

  private void multiplyOne(double[] x, double[] y, int base) {
    java.util.Arrays.fill(y, base, base + n, 0.0);
    for (int b = 0; b < blocks(); b++) {
      int k = 0;
      for (int i = firstRow[b]; i < firstRow[b + 1]; i++) {
        double xi = x[base + i];
        double yi = 0;
        for (int j = 0; j < i; j++, k++) {
          double a = single ? floats[b][k] : doubles[b][k];
          yi += a * x[base + j];
          y[base + j] += a * xi;
        }
        double diag = single ? floats[b][k] : doubles[b][k];
        k++;
        y[base + i] += yi + diag * xi;
      }
    }
  }

  /** A Lanczos solver on this matrix. */
  public LanczosTopK lanczos(LanczosTopK.Options options) {
    return new LanczosTopK(this::multiply, n, options);
  }

  /**
   * The dense row-major copy ({@code n·n} entries).
   *
   * @throws ArithmeticException when {@code n·n} does not fit one Java array
   */
  public double[] toDense() {
    long entries = (long) n * n;
    if (entries > DEFAULT_BLOCK_LIMIT) {
      throw new ArithmeticException(
          "a dense "
              + n
              + "×"
              + n
              + " copy has "
              + entries
              + " entries, more than one array holds");
    }
    double[] d = new double[(int) entries];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double v = get(i, j);
        d[i * n + j] = v;
        d[j * n + i] = v;
      }
    }
    return d;
  }
}
