package org.vivit4j.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vivit4j.testing.Tolerances;

/**
 * The packed, blocked Gram storage against a dense matrix: entries, products and Lanczos pairs,
 * with a small forced block limit so that rows spread over many arrays (as a Gram larger than one
 * Java array does), in float64 and float32.
 */
class PackedSymmetricMatrixTest {
  static double[] randomSymmetric(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double v = r.nextDouble(-1, 1);
        a[i * n + j] = v;
        a[j * n + i] = v;
      }
    }
    return a;
  }

  static PackedSymmetricMatrix packed(double[] a, int n, boolean single, long limit) {
    PackedSymmetricMatrix p = new PackedSymmetricMatrix(n, single, limit);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        p.set(i, j, a[i * n + j]);
      }
    }
    return p;
  }

  @Test
  void blocksHoldWholeRowsAndEntriesReadBackFromEitherTriangle() {
    int n = 53;
    double[] a = randomSymmetric(n, 1);
    PackedSymmetricMatrix p = packed(a, n, false, 60); // rows of up to 53 entries: ~1 row per block
    assertTrue(p.blocks() > 20, "spread over many arrays: " + p.blocks());
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(a[i * n + j], p.get(i, j), "(" + i + ", " + j + ")");
      }
    }
    assertArrayEquals(a, p.toDense());
    double trace = 0;
    for (int i = 0; i < n; i++) {
      trace += a[i * n + i];
    }
    assertEquals(trace, p.trace(), 1e-14 * n);
    assertThrows(IllegalArgumentException.class, () -> new PackedSymmetricMatrix(n, false, n - 1));
    assertThrows(IndexOutOfBoundsException.class, () -> p.get(n, 0));
  }

  @Test
  void productsEqualTheDenseOnesInBothPrecisions() {
    int n = 41;
    int count = 3;
    double[] a = randomSymmetric(n, 2);
    double[] x = randomSymmetric(count * n, 3); // any numbers
    x = java.util.Arrays.copyOf(x, count * n);
    double[] expected = new double[count * n];
    for (int v = 0; v < count; v++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int i = 0; i < n; i++) {
          s += x[v * n + i] * a[i * n + j];
        }
        expected[v * n + j] = s;
      }
    }
    for (long limit : new long[] {n, 97, 1000}) {
      double[] y = new double[count * n];
      packed(a, n, false, limit).multiply(x, y, count);
      for (int k = 0; k < y.length; k++) {
        assertEquals(
            expected[k], y[k], n * Tolerances.PACKED_F64_PER_TERM, "float64, limit " + limit);
      }
      double[] y32 = new double[count * n];
      packed(a, n, true, limit).multiply(x, y32, count);
      for (int k = 0; k < y32.length; k++) {
        assertEquals(
            expected[k], y32[k], n * Tolerances.PACKED_F32_PER_TERM, "float32, limit " + limit);
      }
    }
  }

  @Test
  void lanczosOnPackedStorageFindsTheDenseTopEigenpairs() {
    int n = 120;
    SplittableRandom r = new SplittableRandom(4);
    // a Gram-like positive semi-definite matrix V Vᵀ of rank 30
    double[] v = new double[n * 30];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextGaussian();
    }
    double[] g = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int c = 0; c < 30; c++) {
          s += v[i * 30 + c] * v[j * 30 + c];
        }
        g[i * n + j] = s;
      }
    }
    LanczosTopK.Result dense = LanczosTopK.dense(g, n, LanczosTopK.Options.defaults()).top(5);
    LanczosTopK.Result packed =
        packed(g, n, false, 500).lanczos(LanczosTopK.Options.defaults()).top(5);
    for (int k = 0; k < 5; k++) {
      assertEquals(dense.values()[k], packed.values()[k], Tolerances.F64_EVALS * dense.values()[4]);
    }
    assertTrue(packed.maxResidual() < Tolerances.F64_EVALS, "residual " + packed.maxResidual());
  }

  @Test
  void sizesBeyondOneArrayAreCountedInLong() {
    assertEquals(66_000L * 66_001 / 2 * 4, PackedSymmetricMatrix.bytes(66_000, true));
    assertTrue(66_000L * 66_001 / 2 > Integer.MAX_VALUE, "such a Gram needs several arrays");
  }
}
