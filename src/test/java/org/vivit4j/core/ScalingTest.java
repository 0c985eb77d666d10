package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.vivit4j.model.Reduction;

class ScalingTest {
  @Test
  void meanReductionWithoutSubsamplingIsViVitsSqrtR() {
    Scaling s = new Scaling(Reduction.MEAN, 8, 8);
    assertEquals(1.0 / 8, s.reductionFactor());
    assertEquals(1.0, s.perSampleFactor());
    assertEquals(Math.sqrt(1.0 / 8), s.factorScale(), 1e-16);
    assertEquals(8, s.lambdaFactor());
  }

  @Test
  void sumReductionMakesPerSampleLossNTimesTheTerm() {
    Scaling s = new Scaling(Reduction.SUM, 5, 5);
    assertEquals(1.0, s.reductionFactor());
    assertEquals(5.0, s.perSampleFactor());
    // V columns √(N·R/|S|) S_n = S_n: G = Σ_n J_nᵀ H J_n, the GGN of the sum.
    assertEquals(1.0, s.factorScale(), 1e-16);
  }

  @Test
  void subsampledGgnIsRescaledToEstimateTheBatchGgn() {
    Scaling mean = new Scaling(Reduction.MEAN, 8, 2);
    // G = (1/|S|) Σ_{n∈S} J_nᵀ H J_n: factor scale √(1/|S|).
    assertEquals(Math.sqrt(0.5), mean.factorScale(), 1e-16);
    assertEquals(2, mean.lambdaFactor());
    Scaling sum = new Scaling(Reduction.SUM, 8, 2);
    // G_n = N·J_nᵀ H J_n for reduction sum: factor scale √(N/|S|).
    assertEquals(Math.sqrt(4.0), sum.factorScale(), 1e-15);
  }

  @Test
  void rejectsImpossibleSampleCounts() {
    assertThrows(IllegalArgumentException.class, () -> new Scaling(Reduction.MEAN, 3, 4));
    assertThrows(IllegalArgumentException.class, () -> new Scaling(Reduction.MEAN, 3, 0));
  }

  @Test
  void monteCarloColumnsCarryOneOverSqrtM() {
    // G = (1/|S|) Σ_n N·R·J_nᵀ ((1/M) Σ_m s_m s_mᵀ) J_n: each column gets √(N·R/(|S|·M)).
    Scaling mean = new Scaling(Reduction.MEAN, 8, 2, 4);
    assertEquals(Math.sqrt(0.5 / 4), mean.factorScale(), 1e-16);
    assertEquals(2, mean.lambdaFactor());
    Scaling sum = new Scaling(Reduction.SUM, 6, 6, 3);
    assertEquals(Math.sqrt(1.0 / 3), sum.factorScale(), 1e-16);
    // M = 0 is the exact GGN, the three-argument constructor.
    assertEquals(
        new Scaling(Reduction.MEAN, 8, 2).factorScale(),
        new Scaling(Reduction.MEAN, 8, 2, 0).factorScale());
    assertThrows(IllegalArgumentException.class, () -> new Scaling(Reduction.MEAN, 3, 3, -1));
  }
}
