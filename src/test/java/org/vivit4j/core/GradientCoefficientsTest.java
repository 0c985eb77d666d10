package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.vivit4j.loss.Loss;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;

/** When γ may come from the Gram rows, and the coefficients' scaling and positions. */
class GradientCoefficientsTest {
  private static final Loss CE = Loss.of(new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN));

  private static GradientCoefficients.Choice choose(
      double[] outputs, int[] classes, int[] grad, int[] ggn, boolean float32) {
    int n = classes.length;
    Batch batch = new Batch(n, new double[n], null, classes);
    return GradientCoefficients.choose(
        new HessianFactor(CE, 0, 0),
        new Scaling(Reduction.MEAN, n, ggn.length),
        batch,
        outputs,
        outputs.length / n,
        grad,
        ggn,
        float32);
  }

  /**
   * A badly classified sample whose true class has probability e^-92 ≈ 1e-40: its factor column
   * (√p_y ≈ 1e-20) carries almost all of its gradient, and a float32 Gram of it would underflow;
   * float64 holds it.
   */
  @Test
  void aColumnTooSmallForAFloat32GramThatCarriesTheGradientFallsBack() {
    double[] f = {0, -92, 1};
    GradientCoefficients.Choice f32 = choose(f, new int[] {1}, new int[] {0}, new int[] {0}, true);
    assertNull(f32.coefficients());
    // the column's largest entry: √p_1 (1 − p_1) with p_1 = e^-92 / (1 + e^-92 + e)
    double p1 = Math.exp(-92) / (1 + Math.exp(-92) + Math.exp(1));
    String column = String.valueOf(Math.sqrt(p1) * (1 - p1));
    assertEquals(
        "sample 0: factor column 1 (" + column + ") is too small for the Gram", f32.reason());
    assertNotNull(choose(f, new int[] {1}, new int[] {0}, new int[] {0}, false).coefficients());
    // the same tiny column carries nothing when the sample is well classified: float32 serves
    assertNotNull(choose(f, new int[] {2}, new int[] {0}, new int[] {0}, true).coefficients());
  }

  /**
   * Coefficients are {@code (N·R / factorScale)·a} (with a GGN of 2 of 3 samples, mean: {@code 1 /
   * √(1/2)}) and each gradient sample points at its block among the GGN samples.
   */
  @Test
  void coefficientsAreScaledAndPointAtTheGramRowsOfTheirSample() {
    double[] f = {0.5, -1, 2, 0, 0.3, -0.2, 1, 1, 1};
    int[] classes = {0, 2, 1};
    GradientCoefficients.Choice c =
        choose(f, classes, new int[] {2, 0}, new int[] {0, 1, 2}, false);
    assertArrayEquals(new int[] {2, 0}, c.coefficients().positions());
    GradientCoefficients.Choice sub = choose(f, classes, new int[] {2}, new int[] {2, 0}, false);
    assertArrayEquals(new int[] {0}, sub.coefficients().positions());
    double[] a =
        CE.gradientCoefficients(new double[] {1, 1, 1}, new Loss.Target(null, 0, 1), false);
    double[] expected = new double[3];
    for (int k = 0; k < 3; k++) {
      expected[k] = a[k] / Math.sqrt(1.0 / 2);
    }
    assertArrayEquals(expected, sub.coefficients().values(), 1e-15);
  }
}
