package org.vivit4j.core;

import java.util.stream.IntStream;
import org.vivit4j.linalg.HostProducts;
import org.vivit4j.linalg.LanczosTopK;
import org.vivit4j.linalg.PackedSymmetricMatrix;
import org.vivit4j.model.NumericalOverflowException;

/**
 * A group's Gram matrix {@code Ĝ [G × G]} as the host math reads it ({@link GramSpace}): either one
 * dense row-major {@code double[G·G]} (the factor pass's own result, up to {@code G = 46 340}) or
 * its lower triangle in blocks ({@link PackedSymmetricMatrix}, float32 for a float32 run), which
 * holds a Gram of any size that fits in memory. Every size is computed in {@code long}.
 */
public final class GramStore {
  private final int size;
  private final double[] dense;
  private final PackedSymmetricMatrix packed;
  private final long arrayLimit;

  private GramStore(int size, double[] dense, PackedSymmetricMatrix packed, long arrayLimit) {
    this.size = size;
    this.dense = dense;
    this.packed = packed;
    this.arrayLimit = arrayLimit;
  }

  /** The dense row-major {@code gram [size × size]} (not copied). */
  public static GramStore dense(double[] gram, int size) {
    if (gram.length != (long) size * size) {
      throw new IllegalArgumentException(
          "expected a " + size + "×" + size + " Gram, got " + gram.length + " entries");
    }
    return new GramStore(size, gram, null, GramLayout.ARRAY_LIMIT);
  }

  /**
   * The packed lower triangle {@code gram} (not copied), whose dense copy may have at most {@code
   * arrayLimit} entries ({@link GramLayout#arrayLimit}).
   */
  public static GramStore packed(PackedSymmetricMatrix gram, long arrayLimit) {
    return new GramStore(gram.size(), null, gram, arrayLimit);
  }

  /**
   * Makes a dense Gram exactly symmetric in place, {@code Ĝ ← (Ĝ + Ĝᵀ)/2}; a packed one is by
   * construction. A float32 contraction rounds {@code Ĝ_ij} and {@code Ĝ_ji} apart by about 1e-7 of
   * the entries, and Lanczos multiplies by the matrix as it is, so that asymmetry put a floor under
   * its residuals (fmnist's MLP at N = 128 in float32 stopped at 7e-10 against the 1e-12 asked
   * for).
   */
  public void symmetrize() {
    if (dense == null) {
      return;
    }
    // in tiles, so that the column-order reads of the upper triangle stay in cache (a plain
    // row-by-row pass strides the whole matrix for every row: about 7 ms at G = 1280); tile rows
    // in parallel: tile row i0 writes rows i0…i1 left of the diagonal and columns i0…i1 above it,
    // which no other tile row touches
    int tiles = (size + TILE - 1) / TILE;
    IntStream rows = IntStream.range(0, tiles);
    (size >= PARALLEL_MIN_ROWS ? rows.parallel() : rows).forEach(t -> symmetrizeTileRow(t * TILE));
  }

  /** Tile edge of {@link #symmetrize}. */
  private static final int TILE = 64;

  /** Gram rows from which the whole-matrix passes split their rows over the cores. */
  private static final int PARALLEL_MIN_ROWS = 512;

  private void symmetrizeTileRow(int i0) {
    int i1 = Math.min(size, i0 + TILE);
    for (int j0 = 0; j0 <= i0; j0 += TILE) {
      for (int i = i0; i < i1; i++) {
        int j1 = Math.min(i, j0 + TILE);
        for (int j = j0; j < j1; j++) {
          double m = 0.5 * (dense[i * size + j] + dense[j * size + i]);
          dense[i * size + j] = m;
          dense[j * size + i] = m;
        }
      }
    }
  }

  /** Whether the dense eigensolver can have the Gram as one array ({@link #toDense}). */
  public boolean denseFits() {
    return packed == null || new GramLayout(true, false, arrayLimit).denseFits(size);
  }

  /** {@code G}, the rows. */
  public int size() {
    return size;
  }

  /** Whether the entries are packed ({@link PackedSymmetricMatrix}). */
  public boolean isPacked() {
    return packed != null;
  }

  /**
   * How the Gram is held, for a run's notes: {@code "dense, G rows"} or {@code "packed lower
   * triangle (float32), G rows in B arrays"}.
   */
  public String describe() {
    if (packed == null) {
      return "dense, " + size + " rows";
    }
    return "packed lower triangle ("
        + (packed.isSingle() ? "float32" : "float64")
        + "), "
        + size
        + " rows in "
        + packed.blocks()
        + (packed.blocks() == 1 ? " array" : " arrays");
  }

  /** {@code Ĝ_ij}. */
  public double get(int i, int j) {
    return packed != null ? packed.get(i, j) : dense[i * size + j];
  }

  /** {@code tr Ĝ}. */
  public double trace() {
    if (packed != null) {
      return packed.trace();
    }
    double t = 0;
    for (int i = 0; i < size; i++) {
      t += dense[i * size + i];
    }
    return t;
  }

  /** {@code max |Ĝ_ij|}. */
  public double maxAbs() {
    if (packed != null) {
      return packed.maxAbs();
    }
    // NaN propagates through Math.max as in one loop
    double[] rowMax =
        perRow(
            i -> {
              double max = 0;
              for (int j = i * size; j < (i + 1) * size; j++) {
                max = Math.max(max, Math.abs(dense[j]));
              }
              return max;
            });
    double max = 0;
    for (double m : rowMax) {
      max = Math.max(max, m);
    }
    return max;
  }

  /** {@code Σ_ij (Ĝ_ij / scale)²} over the whole matrix (both triangles). */
  public double scaledSquares(double scale) {
    if (packed != null) {
      return packed.scaledSquares(scale);
    }
    // the rows' sums added in row order: the same result on any core count
    double[] rowSums =
        perRow(
            i -> {
              double s = 0;
              for (int j = i * size; j < (i + 1) * size; j++) {
                double t = dense[j] / scale;
                s += t * t;
              }
              return s;
            });
    double s = 0;
    for (double r : rowSums) {
      s += r;
    }
    return s;
  }

  /**
   * {@code f(i)} of every row {@code i} of a dense Gram, each in its own slot; rows in parallel
   * from {@link #PARALLEL_MIN_ROWS} on.
   */
  private double[] perRow(java.util.function.IntToDoubleFunction f) {
    double[] out = new double[size];
    IntStream rows = IntStream.range(0, size);
    (size >= PARALLEL_MIN_ROWS ? rows.parallel() : rows).forEach(i -> out[i] = f.applyAsDouble(i));
    return out;
  }

  /** {@code y = x·Ĝ} for {@code count} row vectors {@code x, y [count × G]}. */
  public void multiply(double[] x, double[] y, int count) {
    if (packed != null) {
      packed.multiply(x, y, count);
    } else {
      HostProducts.mul(1, x, dense, 0, y, count, size, size);
    }
  }

  /** A Lanczos solver on {@code Ĝ}. */
  public LanczosTopK lanczos(LanczosTopK.Options options) {
    return packed != null ? packed.lanczos(options) : LanczosTopK.dense(dense, size, options);
  }

  /**
   * The dense row-major matrix for the dense eigensolver: the array itself, or a copy of the packed
   * one.
   *
   * @throws ArithmeticException when {@code G²} does not fit one Java array
   */
  public double[] toDense() {
    if (!denseFits()) {
      throw new ArithmeticException(
          "a dense " + size + "×" + size + " Gram has more entries than one array holds");
    }
    return packed != null ? packed.toDense() : dense;
  }

  /**
   * An infinite or NaN entry is an overflow of the backend's dtype ({@link
   * NumericalOverflowException}, naming the row and column).
   */
  public void checkFinite(String field, String dtype, String what) {
    if (packed == null) {
      NumericalOverflowException.checkFinite(dense, size, "row", field, dtype, what);
      return;
    }
    long at = packed.firstNonFinite();
    if (at >= 0) {
      int i = (int) ((Math.sqrt(8.0 * at + 1) - 1) / 2);
      while ((long) i * (i + 1) / 2 > at) {
        i--;
      }
      while ((long) (i + 1) * (i + 2) / 2 <= at) {
        i++;
      }
      int j = (int) (at - (long) i * (i + 1) / 2);
      throw new NumericalOverflowException(
          field, dtype, what, packed.get(i, j), "row " + i + ", column " + j);
    }
  }
}
