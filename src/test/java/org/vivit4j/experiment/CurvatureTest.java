package org.vivit4j.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CurvatureTest {
  @Test
  void snrIsTheSquaredMeanOverTheUnbiasedVariance() {
    // mean 2, unbiased variance ((−1)² + 0 + 1²)/2 = 1
    assertEquals(4.0, Curvature.snr(new double[] {1, 2, 3}), 1e-15);
    assertEquals(0.0, Curvature.snr(new double[] {-1, 1}), 1e-15);
    assertEquals(0.0, Curvature.snr(new double[] {5}), 0.0, "one sample has no variance estimate");
  }

  @Test
  void overlapIsOneForTheSameSpanAndZeroForOrthogonalSpans() {
    double s = Math.sqrt(0.5);
    double[][] a = {{1, 0, 0}, {0, 1, 0}};
    double[][] rotated = {{s, s, 0}, {s, -s, 0}};
    double[][] other = {{0, 0, 1}};
    assertEquals(1.0, Curvature.overlap(a, rotated), 1e-15);
    assertEquals(0.0, Curvature.overlap(a, other), 1e-15);
    assertEquals(
        0.5, Curvature.overlap(new double[][] {{1, 0, 0}}, new double[][] {{s, s, 0}}), 1e-15);
  }
}
