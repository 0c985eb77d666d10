package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CriterionTest {
  private static final double[] EVALS = {-1e-17, 2e-9, 0.5, 0.5, 3};

  @Test
  void topKTakesTheLastK() {
    assertArrayEquals(new int[] {3, 4}, Criterion.topK(2).select(EVALS));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, Criterion.topK(5).select(EVALS));
  }

  @Test
  void thresholdKeepsStrictlyLargerEigenvalues() {
    assertArrayEquals(new int[] {2, 3, 4}, Criterion.threshold(1e-8).select(EVALS));
    assertArrayEquals(new int[] {4}, Criterion.threshold(0.5).select(EVALS));
    assertArrayEquals(new int[] {}, Criterion.threshold(10).select(EVALS));
  }

  @Test
  void rejectsImpossibleArguments() {
    assertThrows(IllegalArgumentException.class, () -> Criterion.topK(0));
    assertThrows(IllegalArgumentException.class, () -> Criterion.topK(6).select(EVALS));
    assertThrows(IllegalArgumentException.class, () -> Criterion.threshold(Double.NaN));
  }
}
