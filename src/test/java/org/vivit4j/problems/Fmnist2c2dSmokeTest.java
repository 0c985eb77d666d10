package org.vivit4j.problems;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.EighComputation;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.Problem;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * The DeepOBS fmnist_2c2d network (3.27 M parameters, too large for the dense reference) at N = 3
 * with random data: the identities of MATH.md §5 on every backend, float32 against float64, and the
 * explicit Conv2d Gram in one-sample blocks against the default plan.
 */
class Fmnist2c2dSmokeTest {
  private static final Problem PROBLEM = DeepObsProblems.fmnist2c2d(5, 3, 4, null).problem();

  private static ComputationResult run(
      org.vivit4j.api.GgnComputation c, String backend, ConvGramPolicy policy) {
    c.withConvGramPolicy(policy);
    return c.run(
        PROBLEM.network(),
        PROBLEM.loss(),
        PROBLEM.batch(),
        PROBLEM.groups(),
        TestBackends.get(backend));
  }

  @Test
  void identitiesHoldAndBackendsAgree() {
    GroupResult ref = null;
    for (String backend : TestBackends.names()) {
      boolean f64 = backend.equals("cpu-float64");
      ComputationResult dd =
          run(
              new DirectionalDerivativesComputation(PROBLEM.options()),
              backend,
              ConvGramPolicy.defaults());
      GroupResult g = dd.groups().get(0);
      assertEquals(30, g.gramEvals().length, "Gram of C·N = 10·3");
      double tol = f64 ? 1e-10 : Tolerances.F32_RESULTS;
      // mean_n λ_nk = λ_k
      double[] meanLambda = new double[g.evals().length];
      for (double[] row : g.lambdas()) {
        for (int k = 0; k < row.length; k++) {
          meanLambda[k] += row[k] / g.lambdas().length;
        }
      }
      Compare.assertClose(backend + " mean λ_nk = λ_k", meanLambda, g.evals(), tol);
      if (backend.equals("cpu-float32")) {
        // float32 arithmetic is covered by OpenCL below; one eigenvector pass per precision
        Compare.assertClose(backend + " evals vs float64", g.evals(), ref.evals(), 1e-4);
        continue;
      }
      // mean_n γ_nk = ∇L·e_k, with e_k from EighComputation (same canonical signs)
      GroupResult eigh =
          run(new EighComputation(PROBLEM.options()), backend, ConvGramPolicy.defaults())
              .groups()
              .get(0);
      double[] grad = dd.batch().grad();
      double[] meanGamma = new double[g.evals().length];
      double[] directional = new double[g.evals().length];
      for (int k = 0; k < meanGamma.length; k++) {
        for (double[] row : g.gammas()) {
          meanGamma[k] += row[k] / g.gammas().length;
        }
        double norm = 0;
        for (int i = 0; i < grad.length; i++) {
          directional[k] += grad[i] * eigh.evecs()[k][i];
          norm += eigh.evecs()[k][i] * eigh.evecs()[k][i];
        }
        assertEquals(1.0, Math.sqrt(norm), f64 ? 1e-10 : 1e-4, backend + " ‖e_k‖");
      }
      Compare.assertClose(backend + " mean γ_nk = ∇L·e_k", meanGamma, directional, tol);
      if (f64) {
        ref = g;
      } else {
        Compare.assertClose(backend + " evals vs float64", g.evals(), ref.evals(), 1e-4);
        Compare.assertClose(backend + " λ vs float64", g.lambdas(), ref.lambdas(), 1e-3);
      }
      assertTrue(dd.runInfo().notes().stream().anyMatch(n -> n.contains("model[3] conv2d")));
    }
  }

  @Test
  void oneSampleBlocksGiveTheSameGram() {
    ConvGramPolicy blocks = new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, 1);
    ComputationResult a =
        run(
            new DirectionalDerivativesComputation(PROBLEM.options()),
            "cpu-float64",
            ConvGramPolicy.defaults());
    ComputationResult b =
        run(new DirectionalDerivativesComputation(PROBLEM.options()), "cpu-float64", blocks);
    Compare.assertClose(
        "Gram eigenvalues", b.groups().get(0).gramEvals(), a.groups().get(0).gramEvals(), 1e-12);
    Compare.assertClose("λ", b.groups().get(0).lambdas(), a.groups().get(0).lambdas(), 1e-10);
    List<String> convNotes =
        b.runInfo().notes().stream().filter(n -> n.contains("conv2d weight")).toList();
    assertEquals(2, convNotes.size(), b.runInfo().notes()::toString);
    assertTrue(convNotes.stream().allMatch(n -> n.contains("blocks of 1 ")), convNotes::toString);
    assertEquals(List.of(), b.warnings());
  }
}
