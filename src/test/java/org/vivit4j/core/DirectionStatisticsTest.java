package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vivit4j.linalg.SymmetricEigen;

/** Per-direction statistics, Gram-space trace and norm, and the Newton step's weights. */
class DirectionStatisticsTest {
  @Test
  void varianceZeroUpToRoundOffGivesInfiniteSnrInBothDtypes() {
    // equal in exact arithmetic, a few float64 ulps apart after rounding: SNR ~1e31 without the
    // rule
    double m = 0.3;
    double[][] x = {{m}, {Math.nextUp(m)}, {Math.nextDown(m)}, {Math.nextUp(Math.nextUp(m))}};
    assertTrue(0.3 * 0.3 / DirectionStatistics.variances(x)[0] > 1e29, "the case of the issue");
    assertEquals(
        Double.POSITIVE_INFINITY,
        DirectionStatistics.snr(x, DirectionStatistics.FLOAT64_EPSILON)[0]);
    assertEquals(
        Double.POSITIVE_INFINITY,
        DirectionStatistics.snr(x, DirectionStatistics.FLOAT32_EPSILON)[0]);
    // a relative spread of 1e-9 is resolved by float64 (SNR ~1e18) but is round-off in float32
    double[][] y = {{1 + 1e-9}, {1 - 1e-9}, {1 + 1e-9}, {1 - 1e-9}};
    double snr64 = DirectionStatistics.snr(y, DirectionStatistics.FLOAT64_EPSILON)[0];
    assertTrue(Double.isFinite(snr64) && snr64 > 1e17, "float64 resolves it: " + snr64);
    assertEquals(
        Double.POSITIVE_INFINITY,
        DirectionStatistics.snr(y, DirectionStatistics.FLOAT32_EPSILON)[0]);
    // a zero mean never triggers the rule: SNR 0 stays 0
    assertEquals(0.0, DirectionStatistics.snr(new double[][] {{1e-30}, {-1e-30}}, 1e-7)[0]);
  }

  @Test
  void unbiasedVarianceAndSnrOfKnownColumns() {
    // column 0: 1, 2, 3, 6 → mean 3, Σ(x − 3)² = 14, s² = 14/3, SNR = 9/(14/3) = 27/14
    // column 1: constant 2 → s² = 0, SNR = +∞; column 2: ±1 around 0 → SNR = 0
    double[][] x = {{1, 2, 1}, {2, 2, -1}, {3, 2, 1}, {6, 2, -1}};
    assertArrayEquals(new double[] {3, 2, 0}, DirectionStatistics.means(x), 1e-15);
    assertArrayEquals(new double[] {14.0 / 3, 0, 4.0 / 3}, DirectionStatistics.variances(x), 1e-15);
    double[] snr = DirectionStatistics.snr(x);
    assertEquals(27.0 / 14, snr[0], 1e-15);
    assertEquals(Double.POSITIVE_INFINITY, snr[1]);
    assertEquals(0.0, snr[2]);
    assertTrue(Double.isNaN(DirectionStatistics.snr(new double[][] {{0}, {0}})[0]), "0/0");
    assertNull(DirectionStatistics.snr(new double[][] {{1, 2}}), "one row has no variance");
    assertThrows(
        IllegalArgumentException.class, () -> DirectionStatistics.variances(new double[1][2]));
  }

  @Test
  void traceAndFrobeniusNormAreTheEigenvalueSumAndRootSumOfSquares() {
    double[] gram = {4, 1, 0.5, 1, 3, -0.2, 0.5, -0.2, 2};
    GramSpace gs = new GramSpace(gram, 3);
    double[] ev = SymmetricEigen.decompose(gram, 3).values();
    double sum = 0;
    double sq = 0;
    for (double v : ev) {
      sum += v;
      sq += v * v;
    }
    assertEquals(9.0, gs.trace(), 1e-15);
    assertEquals(sum, gs.trace(), 1e-13);
    assertEquals(Math.sqrt(sq), gs.frobeniusNorm(), 1e-13);
  }

  @Test
  void newtonWeightsCombineTheSignedEigenvectorWeights() {
    double[] c =
        NewtonStep.coefficients(new double[] {2, -1}, new double[] {1, 4}, new double[] {1, 0});
    assertArrayEquals(new double[] {-1, 0.25}, c, 0.0);
    double[][] w = {{1, 0, 0}, {0, 2, 0}};
    assertArrayEquals(
        new double[] {-1, -0.5, 0}, NewtonStep.weights(c, w, new double[] {1, -1}, 3), 0.0);
    assertArrayEquals(
        new double[4], NewtonStep.weights(new double[0], new double[0][], new double[0], 4));
  }
}
