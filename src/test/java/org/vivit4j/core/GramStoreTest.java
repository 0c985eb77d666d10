package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link GramStore#symmetrize}: each pair {@code (i, j)} becomes the mean of {@code Ĝ_ij} and
 * {@code Ĝ_ji} exactly, the diagonal stays, on sizes below, at and across its 64-row tiles.
 */
class GramStoreTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 63, 64, 65, 131})
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
}
