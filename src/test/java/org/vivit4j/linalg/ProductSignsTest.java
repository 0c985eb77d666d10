package org.vivit4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vivit4j.core.GramSpace;

/**
 * {@link ProductSigns} gives the canonical signs of every {@code U_kᵀ A} formed whole, while it
 * skips rows: on random products whose row scales spread over decades (so that most rows are
 * skipped), and on products built so that the deciding entry meets its Cauchy–Schwarz bound
 * exactly, behind rows with larger bounds and smaller entries.
 */
class ProductSignsTest {

  /** {@code P = Uᵀ A} formed whole, in double loops: the reference the signs must match. */
  private static double[] product(double[] u, double[] a, int s, int rows, int cols) {
    double[] p = new double[rows * cols];
    for (int m = 0; m < s; m++) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          p[r * cols + c] += u[m * rows + r] * a[m * cols + c];
        }
      }
    }
    return p;
  }

  @Test
  void skewedRandomProductsKeepTheirSigns() {
    // (s, R, C, tile entries): tiles of one row, of a few rows, and one tile for everything
    int[][] shapes = {{3, 40, 7, 7}, {8, 200, 33, 5 * 33}, {32, 300, 50, 1 << 17}, {1, 9, 1, 2}};
    long computed = 0;
    long total = 0;
    int negative = 0;
    for (int[] shape : shapes) {
      int s = shape[0];
      int rows = shape[1];
      int cols = shape[2];
      for (int seed = 0; seed < 40; seed++) {
        SplittableRandom rnd = new SplittableRandom(1000L * rows + seed);
        int kk = 1 + rnd.nextInt(4);
        double[][] u = new double[kk][s * rows];
        for (double[] uk : u) {
          double[] scale = new double[rows];
          for (int r = 0; r < rows; r++) {
            scale[r] = Math.pow(10, rnd.nextDouble(-4, 1)); // rows over five decades
          }
          for (int m = 0; m < s; m++) {
            for (int r = 0; r < rows; r++) {
              uk[m * rows + r] = scale[r] * rnd.nextDouble(-1, 1);
            }
          }
        }
        double[] a = new double[s * cols];
        for (int i = 0; i < a.length; i++) {
          a[i] = rnd.nextDouble(-1, 1);
        }
        CanonicalSigns signs = new CanonicalSigns(kk);
        computed += ProductSigns.offerTransAProducts(u, a, s, rows, cols, signs, 0, shape[3]);
        total += (long) kk * rows;
        for (int k = 0; k < kk; k++) {
          double expected = GramSpace.canonicalSign(product(u[k], a, s, rows, cols));
          negative += expected < 0 ? 1 : 0;
          assertEquals(expected, signs.sign(k), "shape " + rows + "×" + cols + " seed " + seed);
        }
      }
    }
    assertTrue(negative > 0, "some sign must be negative, or the comparison shows nothing");
    assertTrue(computed < total / 2, computed + " of " + total + " rows computed: few skipped");
  }

  /**
   * {@code A}'s columns are unit vectors e₀, e₁, e₂ of R⁴. Rows 0–3 have the largest bounds and
   * entries of at most 0.5; row 6 has the entry −0.8·(1 − 10⁻¹³), exactly its bound, and row 7 the
   * entry +0.8 with a slightly larger norm, so it is computed first and sets the maximum to 0.8.
   * Row 6 ties it (within {@link CanonicalSigns#TIE}) and, as the first by index, decides: −1. A
   * test that needs the bound to reach the maximum itself skips row 6 and gives +1; a bound off by
   * a factor skips row 5 (the entry −0.7) when only it is there.
   */
  @Test
  void anEntryAtItsBoundIsStillOffered() {
    int s = 4;
    int rows = 8;
    int cols = 3;
    double[] a = new double[s * cols];
    for (int c = 0; c < cols; c++) {
      a[c * cols + c] = 1;
    }
    double[][] colsOfU = new double[rows][];
    colsOfU[0] = new double[] {0, 0, 0, 10};
    for (int r = 1; r < 4; r++) {
      colsOfU[r] = new double[] {0.5, 0.5, 0.5, 0};
    }
    colsOfU[4] = new double[] {0, 0.1, 0, 0};
    colsOfU[5] = new double[] {0, 0, -0.7, 0};
    colsOfU[6] = new double[] {-0.8 * (1 - 1e-13), 0, 0, 0};
    colsOfU[7] = new double[] {0.8, 0, 0, 1e-3};
    assertEquals(-1, signOf(colsOfU, a, s, cols), "row 6 ties row 7 and comes first");
    colsOfU[6] = new double[] {0, 0, 0, 0};
    colsOfU[7] = new double[] {0, 0, 0, 0};
    assertEquals(-1, signOf(colsOfU, a, s, cols), "row 5 (−0.7) beats rows 1–3 (0.5)");
  }

  private static double signOf(double[][] colsOfU, double[] a, int s, int cols) {
    int rows = colsOfU.length;
    double[] u = new double[s * rows];
    for (int r = 0; r < rows; r++) {
      for (int m = 0; m < s; m++) {
        u[m * rows + r] = colsOfU[r][m];
      }
    }
    CanonicalSigns signs = new CanonicalSigns(1);
    long computed =
        ProductSigns.offerTransAProducts(new double[][] {u}, a, s, rows, cols, signs, 0, cols);
    assertTrue(computed < rows, "the all-zero rows at least must be skipped, got " + computed);
    double expected = GramSpace.canonicalSign(product(u, a, s, rows, cols));
    assertEquals(expected, signs.sign(0), "against the whole product");
    return signs.sign(0);
  }

  @Test
  void tinyInfiniteAndNaNRowsAreHandled() {
    int s = 2;
    int rows = 6;
    int cols = 2;
    double[] a = {1, 0, 0, 1};
    // 2e-170 and −3e-170, whose squares underflow: unscaled norms would both be 0 and skip the
    // second; then ±∞ (a NaN norm) and NaN rows, which must not hide or replace the deciding row
    double[][] cases = {
      {2e-170, 0, 0, -3e-170, 0, 0, 0, 0, 0, 0, 0, 0},
      {0.5, 0.5, 0.4, 0.4, 0, 0, Double.NEGATIVE_INFINITY, 0, 0, 0, 0, 0},
      {0.5, 0.5, 0.4, 0.4, 0, 0, 0, -3, Double.NaN, 0, 0, 0},
    };
    double[] expected = {-1, -1, -1};
    for (int i = 0; i < cases.length; i++) {
      // U [s × R]: entry (m, r) at m·R + r; the cases list columns of U, so transpose
      double[] u = new double[s * rows];
      for (int r = 0; r < rows; r++) {
        for (int m = 0; m < s; m++) {
          u[m * rows + r] = cases[i][r * s + m];
        }
      }
      CanonicalSigns signs = new CanonicalSigns(1);
      ProductSigns.offerTransAProducts(new double[][] {u}, a, s, rows, cols, signs, 0, cols);
      assertEquals(expected[i], signs.sign(0), "case " + i);
    }
  }

  @Test
  void theRoundingFactorCoversTheRounding() {
    assertTrue(ProductSigns.roundingFactor(1) > 1);
    assertEquals(1 + 4.0 * 36 * 0x1p-53, ProductSigns.roundingFactor(32), 0);
  }
}
