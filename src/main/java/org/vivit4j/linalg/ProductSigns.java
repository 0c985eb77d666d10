package org.vivit4j.linalg;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Offers the entries of K products {@code P_k = U_kᵀ A} ({@code U_k [s × R]}, {@code A [s × C]},
 * {@code P_k [R × C]} row-major) to {@link CanonicalSigns}, computing only the rows that can still
 * decide a sign.
 *
 * <p>By Cauchy–Schwarz, {@code |P_k[r, c]| ≤ ‖U_k[:, r]‖·‖A[:, c]‖ ≤ ‖U_k[:, r]‖·max_c ‖A[:, c]‖}.
 * Rows are taken in decreasing order of that bound, in tiles; once a row's bound is below what
 * {@link CanonicalSigns#mayReach} accepts, no later row can reach the vector's largest magnitude
 * either, and the rest are skipped: they would be offered and dropped. The bound is widened by
 * {@link #roundingFactor} so that it also covers the computed entries, whatever order the BLAS sums
 * in. The signs are the same as from offering every entry.
 *
 * <p>Why: a Linear layer's {@code V_W w_k = U_kᵀ A} has {@code O·I} entries per vector (3.2 M for
 * fmnist_2c2d's fc1), but its largest entries sit in the few output rows with large {@code U_k}
 * columns; on fmnist_2c2d at N = 128 all but one of the top-10 vectors needed one or two rows of
 * 1024, the leading one about two thirds.
 */
public final class ProductSigns {
  private ProductSigns() {}

  /** Rows of the first tile of each vector: after it, the running maximum is usually final. */
  static final int FIRST_TILE_ROWS = 4;

  /**
   * Offers {@code P_k = U_kᵀ A} for every k as the entries {@code offset + r·C + c} of vector k.
   *
   * @param u {@code u[k]} is {@code U_k [s × R]} row-major
   * @param a {@code A [s × C]} row-major
   * @param tileEntries most entries of one tile of product rows (at least one row)
   * @return the product rows computed, over all K vectors (at most {@code K·R})
   */
  public static long offerTransAProducts(
      double[][] u,
      double[] a,
      int s,
      int rows,
      int cols,
      CanonicalSigns signs,
      long offset,
      int tileEntries) {
    if (signs.vectors() != u.length) {
      throw new IllegalArgumentException(signs.vectors() + " signs for " + u.length + " vectors");
    }
    for (double[] uk : u) {
      if (uk.length < (long) s * rows) {
        throw new IllegalArgumentException("U_k holds " + uk.length + " < " + s + " × " + rows);
      }
    }
    if (a.length < (long) s * cols) {
      throw new IllegalArgumentException("A holds " + a.length + " < " + s + " × " + cols);
    }
    if (rows == 0 || cols == 0) {
      return 0;
    }
    double widen = roundingFactor(s);
    double columnBound = maxColumnNorm(a, s, cols) * widen;
    int maxTile = Math.max(1, Math.min(rows, tileEntries / cols));
    double[] t = new double[s * maxTile];
    double[] tile = new double[maxTile * cols];
    long computed = 0;
    for (int k = 0; k < u.length; k++) {
      double[] norm = columnNorms(u[k], s, rows);
      int[] order = byDecreasing(norm);
      int tileRows = Math.min(FIRST_TILE_ROWS, maxTile);
      for (int pos = 0; pos < rows; ) {
        int r = Math.min(tileRows, rows - pos);
        // the rows are sorted, so those that can reach form a prefix of the tile
        while (r > 0 && !signs.mayReach(k, bound(norm[order[pos + r - 1]], columnBound))) {
          r--;
        }
        if (r == 0) {
          break; // every later row's bound is smaller still
        }
        for (int m = 0; m < s; m++) {
          int from = m * rows;
          for (int j = 0; j < r; j++) {
            t[m * r + j] = u[k][from + order[pos + j]];
          }
        }
        HostProducts.mulTransA(1, t, a, 0, tile, r, s, cols);
        for (int j = 0; j < r; j++) {
          signs.offer(k, tile, j * cols, cols, offset + (long) order[pos + j] * cols);
        }
        pos += r;
        computed += r;
        tileRows = Math.min(maxTile, 2 * tileRows);
      }
    }
    return computed;
  }

  /**
   * {@code 1 + 4(s + 4)·2⁻⁵³}: a computed dot product of length s differs from the exact one by at
   * most {@code γ_s Σ|u||a| ≤ γ_s ‖u‖‖a‖} ({@code γ_s ≈ s·2⁻⁵³}, any summation order), and the
   * computed norms, their product and this factor each err by at most {@code (s/2 + 2)·2⁻⁵³}
   * relative; together below {@code (2s + 6)·2⁻⁵³}, so twice that is a safe margin.
   */
  static double roundingFactor(int s) {
    return 1 + 4.0 * (s + 4) * Math.ulp(1.0) / 2;
  }

  /**
   * A row's bound, or +∞ where the rounding argument does not hold: products near the underflow
   * threshold lose relative precision, and a NaN norm comes from an infinite entry; such rows are
   * always computed. (Skipping past such a tiny row when a larger one cannot reach is still right:
   * its entries are below that larger row's bound.)
   */
  private static double bound(double rowNorm, double columnBound) {
    if (rowNorm == 0) {
      return 0; // a zero row's entries are 0 (or NaN against an infinite entry, never offered)
    }
    double b = rowNorm * columnBound;
    return b >= SMALLEST_BOUND ? b : Double.POSITIVE_INFINITY;
  }

  /** Far above the subnormal range, far below any entry that decides a sign in practice. */
  private static final double SMALLEST_BOUND = 0x1p-900;

  /** {@code max_c ‖A[:, c]‖} over the columns of {@code A [s × C]}; NaN (an infinite entry): ∞. */
  static double maxColumnNorm(double[] a, int s, int cols) {
    double max = 0;
    for (double v : columnNorms(a, s, cols)) {
      if (Double.isNaN(v)) {
        return Double.POSITIVE_INFINITY;
      }
      if (v > max) {
        max = v;
      }
    }
    return max;
  }

  /**
   * {@code ‖M[:, c]‖} for every column of {@code M [s × C]} row-major, scaled by the column's
   * largest magnitude so that tiny entries do not underflow when squared.
   */
  static double[] columnNorms(double[] m, int s, int cols) {
    double[] scale = new double[cols];
    for (int i = 0; i < s; i++) {
      int from = i * cols;
      for (int c = 0; c < cols; c++) {
        double v = Math.abs(m[from + c]);
        if (v > scale[c]) {
          scale[c] = v;
        }
      }
    }
    double[] sq = new double[cols];
    for (int i = 0; i < s; i++) {
      int from = i * cols;
      for (int c = 0; c < cols; c++) {
        if (scale[c] > 0) {
          double v = m[from + c] / scale[c];
          sq[c] += v * v;
        }
      }
    }
    for (int c = 0; c < cols; c++) {
      sq[c] = scale[c] * Math.sqrt(sq[c]);
    }
    return sq;
  }

  /** Indices of {@code v} by decreasing value, NaN first (such rows are always computed). */
  private static int[] byDecreasing(double[] v) {
    Integer[] idx = IntStream.range(0, v.length).boxed().toArray(Integer[]::new);
    Arrays.sort(idx, (x, y) -> Double.compare(nanHigh(v[y]), nanHigh(v[x])));
    return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
  }

  private static double nanHigh(double x) {
    return Double.isNaN(x) ? Double.POSITIVE_INFINITY : x;
  }
}
