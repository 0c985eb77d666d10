package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.reference.ReferenceComputation;
import org.vivit4j.reference.ReferenceResult;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * The identities of MATH.md §3 and §5 on the fast path: {@code mean_n λ_nk = λ_k}, {@code mean_n
 * γ_nk = ∇L·e_k}, eigenvectors orthonormal with {@code G e = λ e} for the dense GGN.
 */
class IdentitiesTest {
  static Stream<Arguments> problems() {
    return TestBackends.names().stream()
        .flatMap(
            b ->
                LongStream.range(0, 20)
                    .mapToObj(seed -> Arguments.of(ProblemSetting.random(1000 + seed), b)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("problems")
  void identitiesHold(ProblemSetting s, String backendName) {
    RandomProblems.Instance p = s.instance();
    Backend backend = TestBackends.get(backendName);
    boolean f64 = backend.precision() == Precision.FLOAT64;
    double tol = f64 ? Tolerances.F64_DIRECTIONAL : Tolerances.F32_RESULTS;
    int[] all = IntStream.range(0, p.network().params().size()).toArray();
    ReferenceResult ref =
        ReferenceComputation.compute(p.network(), p.loss(), p.batch(), null, null, List.of(all));
    double[] refEvals = ref.groups().get(0).evalsAscending();
    double max = refEvals[refEvals.length - 1];
    int eligible = (int) java.util.Arrays.stream(refEvals).filter(v -> v > 1e-3 * max).count();
    if (eligible == 0) {
      assertEquals(0.0, max, "a non-zero GGN must have an eligible direction");
      return;
    }
    ParamGroup group = new ParamGroup("all", all, Criterion.topK(Math.min(eligible, 4)));
    var dd = new DirectionalDerivativesComputation();
    ComputationResult r = dd.run(p.network(), p.loss(), p.batch(), List.of(group), backend);
    var eigh = new EighComputation();
    eigh.run(p.network(), p.loss(), p.batch(), List.of(group), backend);
    GroupResult g = dd.result(group);
    double[][] e = eigh.result(group).evecs();
    int k = g.evals().length;
    double[] meanLambda = new double[k];
    double[] meanGamma = new double[k];
    double[] gradDotE = new double[k];
    for (int j = 0; j < k; j++) {
      for (double[] row : g.lambdas()) {
        meanLambda[j] += row[j] / g.lambdas().length;
      }
      for (double[] row : g.gammas()) {
        meanGamma[j] += row[j] / g.gammas().length;
      }
      for (int i = 0; i < e[j].length; i++) {
        gradDotE[j] += r.batch().grad()[i] * e[j][i];
      }
    }
    Compare.assertClose("mean_n λ_nk = λ_k", meanLambda, g.evals(), tol);
    // γ is scaled by |∇L|; compare against the largest |γ| so a tiny ∇L·e_k is not amplified.
    double scale =
        Math.max(Compare.flatten(g.gammas()).length == 0 ? 0 : maxAbs(g.gammas()), 1e-300);
    for (int j = 0; j < k; j++) {
      assertEquals(gradDotE[j], meanGamma[j], tol * scale, "mean_n γ_nk = ∇L·e_k, k=" + j);
    }
    double[][] dense = ref.groups().get(0).ggn();
    for (int j = 0; j < k; j++) {
      for (int l = 0; l < k; l++) {
        double dot = 0;
        for (int i = 0; i < e[j].length; i++) {
          dot += e[j][i] * e[l][i];
        }
        assertEquals(j == l ? 1.0 : 0.0, dot, f64 ? 1e-9 : 1e-3, "orthonormality " + j + "," + l);
      }
      double res = 0;
      for (int i = 0; i < dense.length; i++) {
        double ge = 0;
        for (int m = 0; m < dense.length; m++) {
          ge += dense[i][m] * e[j][m];
        }
        res = Math.max(res, Math.abs(ge - g.evals()[j] * e[j][i]));
      }
      assertTrue(res <= tol * max * 10, "‖G e − λ e‖∞ = " + res + " for k=" + j);
    }
  }

  private static double maxAbs(double[][] a) {
    double m = 0;
    for (double[] row : a) {
      for (double v : row) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }

  @Test
  void askingForAGroupThatWasNotComputedIsAnError() {
    RandomProblems.Instance p = RandomProblems.seedArchitecture(1);
    ParamGroup computed = new ParamGroup("a", new int[] {0, 1}, Criterion.topK(2));
    ParamGroup other = new ParamGroup("b", new int[] {2, 3}, Criterion.topK(2));
    var dd = new DirectionalDerivativesComputation();
    assertThrows(IllegalStateException.class, () -> dd.result(computed), "before run()");
    dd.run(p.network(), p.loss(), p.batch(), List.of(computed), TestBackends.get("cpu-float64"));
    assertEquals(2, dd.result(computed).evals().length);
    var e1 = assertThrows(IllegalArgumentException.class, () -> dd.result(other));
    assertTrue(e1.getMessage().contains("not computed"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> dd.result("b"));
    assertTrue(e2.getMessage().contains("not computed"), e2.getMessage());
  }

  @Test
  void aUserCriterionSelectsAnyFunctionOfTheAscendingSpectrum() {
    RandomProblems.Instance p = RandomProblems.seedArchitecture(2);
    int[] all = IntStream.range(0, p.network().params().size()).toArray();
    // Keep the largest eigenvalues that together hold half of the trace, and the smallest > 0.
    Criterion halfTheTrace =
        evals -> {
          double trace = java.util.Arrays.stream(evals).filter(v -> v > 0).sum();
          java.util.List<Integer> keep = new java.util.ArrayList<>();
          double sum = 0;
          for (int i = evals.length - 1; i >= 0 && sum < trace / 2; i--) {
            keep.add(0, i);
            sum += evals[i];
          }
          return keep.stream().mapToInt(Integer::intValue).toArray();
        };
    ParamGroup group = new ParamGroup("half", all, halfTheTrace);
    var dd = new DirectionalDerivativesComputation();
    dd.run(p.network(), p.loss(), p.batch(), List.of(group), TestBackends.get("cpu-float64"));
    GroupResult g = dd.result(group);
    int[] expected = halfTheTrace.select(g.gramEvals());
    org.junit.jupiter.api.Assertions.assertArrayEquals(expected, g.selectedIndices());
    assertTrue(expected.length >= 1 && expected.length < g.gramEvals().length);
    assertEquals(expected.length, g.gammas()[0].length);
  }
}
