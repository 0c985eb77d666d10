package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link GramStore#symmetrize}: each pair {@code (i, j)} becomes the mean of {@code Ĝ_ij} and
 * {@code Ĝ_ji} exactly, the diagonal stays, on sizes below, at and across its 64-row tiles and past
 * the size from which tile rows run in parallel; the largest entry and the scaled sum of squares
 * against plain loops, NaN included.
 */
class GramStoreTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 63, 64, 65, 131, 577})
  void symmetrizeTakesTheMeanOfEachPairExactly(int n) {
    SplittableRandom rnd = new SplittableRandom(n);
    double[] a = new double[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextDouble(-1, 1);
    }
    double[] before = a.clone();
    GramStore g = GramStore.dense(a, n);
    g.symmetrize();
    for (int i = 0; i < n; i++) {
      assertEquals(before[i * n + i], a[i * n + i], 0.0, "diagonal " + i);
      for (int j = 0; j < i; j++) {
        double m = 0.5 * (before[i * n + j] + before[j * n + i]);
        assertEquals(m, a[i * n + j], 0.0, "(" + i + ", " + j + ")");
        assertEquals(m, a[j * n + i], 0.0, "(" + j + ", " + i + ")");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 5, 130, 600})
  void theLargestEntryAndTheScaledSquaresMatchPlainLoops(int n) {
    SplittableRandom rnd = new SplittableRandom(7 + n);
    double[] a = new double[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextDouble(-3, 2) * Math.pow(10, rnd.nextInt(-3, 4));
    }
    GramStore g = GramStore.dense(a, n);
    double max = 0;
    double squares = 0;
    for (double v : a) {
      max = Math.max(max, Math.abs(v));
    }
    for (double v : a) {
      squares += (v / max) * (v / max);
    }
    assertEquals(max, g.maxAbs(), 0.0);
    // the two sums add the same terms in another order: within the one-loop sum's rounding bound,
    // (terms)·ε·sum (600² terms: 4e-11 relative; seen 5e-13)
    assertEquals(squares, g.scaledSquares(max), a.length * Math.ulp(1.0) * squares);
    a[a.length / 2] = Double.NaN;
    assertTrue(Double.isNaN(g.maxAbs()), "a NaN entry must show in the largest entry");
  }
}
