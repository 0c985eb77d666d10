package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.Backend;
import org.vivit4j.model.Activation;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.TestBackends;

/**
 * The damped Newton computation through the API: a user-supplied damping function sees the
 * documented arguments, the step is {@code −Σ_k γ̄_k/(λ̄_k + δ_k) e_k} along the eigenvectors that
 * {@link EighComputation} returns, and bad dampings are errors naming {@code computation.damping}.
 */
class DampedNewtonComputationTest {
  private static final Backend CPU = TestBackends.get("cpu-float64");

  private static RandomProblems.Instance problem() {
    return RandomProblems.mlp(
        5,
        new int[] {3, 4, 2},
        new Activation[] {Activation.LEAKY_RELU},
        new LossSpec(LossType.BCE_WITH_LOGITS, Reduction.MEAN),
        4,
        true);
  }

  private static ParamGroup all(RandomProblems.Instance p, int k) {
    return new ParamGroup(
        "all", IntStream.range(0, p.network().params().size()).toArray(), Criterion.topK(k));
  }

  private static GroupResult run(GgnComputation c, RandomProblems.Instance p, ParamGroup g) {
    return c.run(p.network(), p.loss(), p.batch(), List.of(g), CPU).group(g);
  }

  @Test
  void aUserDampingFunctionSeesTheDirectionsAndShapesTheStep() {
    RandomProblems.Instance p = problem();
    ParamGroup g = all(p, 3);
    double[][][] seen = new double[4][][];
    Damping rule =
        (evals, evecs, gammas, lambdas) -> {
          seen[0] = new double[][] {evals.clone()};
          seen[1] = evecs;
          seen[2] = gammas;
          seen[3] = lambdas;
          double[] d = new double[evals.length];
          for (int k = 0; k < d.length; k++) {
            d[k] = 0.5 * evals[k] + 0.01 * k;
          }
          return d;
        };
    GroupResult newton = run(new DirectionalDampedNewtonComputation(rule), p, g);
    GroupResult eigh = run(new EighComputation(), p, g);
    GroupResult dd = run(new DirectionalDerivativesComputation(), p, g);
    int k = 3;
    assertArrayEquals(eigh.evals(), seen[0][0], 0.0);
    assertEquals(k, seen[1].length);
    assertEquals(eigh.dim(), seen[1][0].length);
    assertEquals(p.batch().n(), seen[2].length, "γ rows: all gradient samples");
    assertEquals(p.batch().n(), seen[3].length, "λ rows: all GGN samples");
    assertNull(newton.evecs(), "the Newton computation returns the step, not the eigenvectors");
    double[] expected = new double[eigh.dim()];
    for (int i = 0; i < k; i++) {
      double gbar = 0;
      double lbar = 0;
      for (double[] row : dd.gammas()) {
        gbar += row[i] / dd.gammas().length;
      }
      for (double[] row : dd.lambdas()) {
        lbar += row[i] / dd.lambdas().length;
      }
      double coef = -gbar / (lbar + 0.5 * eigh.evals()[i] + 0.01 * i);
      assertEquals(0.5 * eigh.evals()[i] + 0.01 * i, newton.dampings()[i], 0.0);
      for (int j = 0; j < expected.length; j++) {
        expected[j] += coef * eigh.evecs()[i][j];
      }
    }
    assertArrayEquals(expected, newton.newtonStep(), 1e-12 * max(expected));
    assertArrayEquals(dd.gammaSnr(), newton.gammaSnr(), 0.0);
    assertArrayEquals(dd.lambdaSnr(), newton.lambdaSnr(), 0.0);
    assertEquals(dd.ggnTrace(), newton.ggnTrace(), 0.0);
  }

  private static double max(double[] a) {
    double m = 0;
    for (double v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Test
  void theStepIsANewtonStepOnTheSelectedSubspace() {
    // With every direction selected and no damping, G s = −P ḡ where P projects onto span(e_k):
    // check through the eigenvectors, G e_k = λ_k e_k, so eᵀ_k s = −γ̄_k/λ_k.
    RandomProblems.Instance p = problem();
    ParamGroup g = all(p, 2);
    GroupResult newton = run(new DirectionalDampedNewtonComputation(Damping.constant(0)), p, g);
    GroupResult eigh = run(new EighComputation(), p, g);
    GroupResult dd = run(new DirectionalDerivativesComputation(), p, g);
    for (int k = 0; k < 2; k++) {
      double proj = 0;
      for (int j = 0; j < eigh.dim(); j++) {
        proj += eigh.evecs()[k][j] * newton.newtonStep()[j];
      }
      double gbar = 0;
      for (double[] row : dd.gammas()) {
        gbar += row[k] / dd.gammas().length;
      }
      assertEquals(-gbar / eigh.evals()[k], proj, 1e-12 * Math.abs(gbar / eigh.evals()[k]));
    }
  }

  @Test
  void badDampingsAreErrorsNamingTheField() {
    RandomProblems.Instance p = problem();
    ParamGroup g = all(p, 2);
    Damping[] bad = {
      (e, v, gm, l) -> new double[] {1.0},
      (e, v, gm, l) -> new double[] {1.0, -1.0},
      (e, v, gm, l) -> new double[] {Double.NaN, 0},
      (e, v, gm, l) -> null,
    };
    for (Damping d : bad) {
      InvalidInputException e =
          assertThrows(
              InvalidInputException.class,
              () -> run(new DirectionalDampedNewtonComputation(d), p, g));
      assertEquals("computation.damping", e.field(), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Damping.constant(-1));
    assertThrows(IllegalArgumentException.class, () -> Damping.lambdaStandardError(Double.NaN));
    assertThrows(NullPointerException.class, () -> new DirectionalDampedNewtonComputation(null));
  }

  @Test
  void everyComputationReportsTheGgnTraceAndNorm() {
    RandomProblems.Instance p = problem();
    ParamGroup g = all(p, 2);
    GroupResult eigvalsh = run(new EigvalshComputation(), p, g);
    double sum = 0;
    for (double v : eigvalsh.gramEvals()) {
      sum += v;
    }
    assertEquals(sum, eigvalsh.ggnTrace(), 1e-12 * sum);
    assertNull(eigvalsh.gammaSnr(), "no γ, no SNR");
    assertTrue(eigvalsh.ggnFrobeniusNorm() > 0);
  }

  @Test
  void layerHyperParametersGivenThroughTheApiAreChecked() {
    RandomProblems.Instance p = problem();
    var layers = new java.util.ArrayList<>(p.network().layers());
    Object[][] bad = {
      {
        new org.vivit4j.layers.ActivationLayer.ActivationSpec(Activation.ELU, Double.NaN),
        "model[1].alpha"
      },
      {new org.vivit4j.layers.DropoutLayer.DropoutSpec(-0.1), "model[1].p"},
      {
        new org.vivit4j.layers.LayerNormLayer.LayerNormSpec(new int[] {4}, 0.0, null, null),
        "model[1].eps"
      },
      {
        new org.vivit4j.layers.LayerNormLayer.LayerNormSpec(
            new int[] {4}, 1e-5, new double[3], null),
        "model[1].weight"
      },
      {
        new org.vivit4j.layers.LayerNormLayer.LayerNormSpec(
            new int[] {4}, 1e-5, null, new double[4]),
        "model[1].bias"
      },
    };
    for (Object[] b : bad) {
      layers.set(1, (org.vivit4j.model.LayerSpec) b[0]);
      var net = new org.vivit4j.model.NetworkSpec(layers, new int[] {3});
      ParamGroup g = new ParamGroup("last", new int[] {net.params().size() - 1}, Criterion.topK(1));
      InvalidInputException e =
          assertThrows(
              InvalidInputException.class,
              () -> new EigvalshComputation().run(net, p.loss(), p.batch(), List.of(g), CPU));
      assertEquals(b[1], e.field(), e.getMessage());
    }
  }
}
