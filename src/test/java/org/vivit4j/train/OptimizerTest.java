package org.vivit4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class OptimizerTest {
  @Test
  void sgdWithMomentumAccumulatesVelocity() {
    Sgd sgd = new Sgd(0.1, 0.9);
    double[] theta = {1, -1};
    sgd.step(theta, new double[] {1, 2});
    assertArrayEquals(new double[] {0.9, -1.2}, theta, 1e-15);
    sgd.step(theta, new double[] {1, 2});
    // v = 0.9·g + g = 1.9 g
    assertArrayEquals(new double[] {0.9 - 0.19, -1.2 - 0.38}, theta, 1e-15);
  }

  @Test
  void adamsFirstStepIsTheLearningRateTimesTheSign() {
    Adam adam = new Adam(0.01);
    double[] theta = {0, 0, 0};
    adam.step(theta, new double[] {3, -0.5, 0});
    assertArrayEquals(new double[] {-0.01, 0.01, 0}, theta, 1e-9);
  }

  @Test
  void rejectsBadHyperParameters() {
    assertThrows(IllegalArgumentException.class, () -> new Sgd(0, 0.9));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Adam(-1));
  }
}
