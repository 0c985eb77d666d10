package org.vivit4j.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.Scaling;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.reference.ReferenceComputation;
import org.vivit4j.testing.TestBackends;

/**
 * The Monte-Carlo GGN (MATH.md §2) is an unbiased, seeded, reproducible estimate of the exact one:
 * over many seeds the mean of {@code G̃ = V Vᵀ} (formed from {@code V w} with unit vectors {@code
 * w}) approaches the reference GGN entry by entry within a standard-error bound, per loss; the Gram
 * trace {@code tr Ĝ = tr G̃} likewise.
 */
class MonteCarloGgnTest {
  /** Seeds averaged over. */
  private static final int SEEDS = 400;

  /**
   * Standard errors allowed: for a correct estimator the bound fails with probability about 6e-7
   * per entry (normal approximation of a mean of 400 draws); a wrong scaling (say a missing 1/√M)
   * or biased sampling misses by many standard errors.
   */
  private static final double Z = 5.0;

  private static RandomProblems.Instance problem(LossType type) {
    int c = type == LossType.CROSS_ENTROPY ? 3 : 2;
    return RandomProblems.mlp(
        41L + type.ordinal(),
        new int[] {3, 4, 3, c},
        new Activation[] {Activation.TANH, Activation.ELU},
        new RandomProblems.Extra[] {RandomProblems.Extra.LAYER_NORM, RandomProblems.Extra.NONE},
        new LossSpec(type, Reduction.MEAN),
        3,
        true);
  }

  /** {@code V} of every parameter (rows: columns of V), with M draws seeded by {@code seed}. */
  private static double[][] factor(RandomProblems.Instance p, int m, long seed, Backend backend) {
    var net = p.network();
    int n = p.batch().n();
    int[] all = IntStream.range(0, net.params().size()).toArray();
    int[] rows = IntStream.range(0, n).toArray();
    try (FactorEngine engine = new FactorEngine(net, p.loss(), backend, m, seed)) {
      ForwardPass fp = engine.forward(p.batch(), new Scaling(p.loss().reduction(), n, n));
      int size = n * engine.factorColumns();
      double[][] eye = new double[size][size];
      for (int i = 0; i < size; i++) {
        eye[i][i] = 1;
      }
      Scaling scaling = new Scaling(p.loss().reduction(), n, n, m);
      return engine
          .applyFactor(fp, p.batch(), scaling, rows, List.of(all), List.<double[][]>of(eye))
          .get(0);
    }
  }

  @ParameterizedTest
  @EnumSource(LossType.class)
  void meanOfMonteCarloGgnIsTheExactGgn(LossType type) {
    RandomProblems.Instance p = problem(type);
    int d = p.network().numParams();
    int[] all = IntStream.range(0, p.network().params().size()).toArray();
    double[][] exact =
        ReferenceComputation.compute(p.network(), p.loss(), p.batch(), null, null, List.of(all))
            .groups()
            .get(0)
            .ggn();
    Backend backend = TestBackends.get("cpu-float64");
    for (int m : new int[] {1, 3}) {
      double[][] sum = new double[d][d];
      double[][] sumSq = new double[d][d];
      double traceSum = 0;
      double traceSumSq = 0;
      for (int seed = 0; seed < SEEDS; seed++) {
        double[][] v = factor(p, m, seed, backend);
        double trace = 0;
        for (int i = 0; i < d; i++) {
          for (int j = 0; j < d; j++) {
            double g = 0;
            for (double[] col : v) {
              g += col[i] * col[j];
            }
            sum[i][j] += g;
            sumSq[i][j] += g * g;
            if (i == j) {
              trace += g;
            }
          }
        }
        traceSum += trace;
        traceSumSq += trace * trace;
      }
      double max =
          Arrays.stream(exact).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElse(0);
      double maxSe = 0;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double mean = sum[i][j] / SEEDS;
          double se = standardError(sum[i][j], sumSq[i][j]);
          maxSe = Math.max(maxSe, se);
          assertTrue(
              Math.abs(mean - exact[i][j]) <= Z * se + 1e-12 * max,
              type
                  + " M="
                  + m
                  + " G["
                  + i
                  + "]["
                  + j
                  + "]: Monte-Carlo mean "
                  + mean
                  + ", exact "
                  + exact[i][j]
                  + ", standard error "
                  + se);
        }
      }
      assertTrue(maxSe > 1e-6 * max, type + ": the Monte-Carlo GGN must actually vary");
      double exactTrace = IntStream.range(0, d).mapToDouble(i -> exact[i][i]).sum();
      double traceMean = traceSum / SEEDS;
      assertTrue(
          Math.abs(traceMean - exactTrace) <= Z * standardError(traceSum, traceSumSq),
          type + " M=" + m + ": trace mean " + traceMean + " vs exact " + exactTrace);
    }
  }

  private static double standardError(double sum, double sumSq) {
    double mean = sum / SEEDS;
    double var = (sumSq - SEEDS * mean * mean) / (SEEDS - 1);
    return Math.sqrt(Math.max(var, 0) / SEEDS);
  }

  private static ComputationResult run(RandomProblems.Instance p, ComputationOptions o) {
    ParamGroup g =
        new ParamGroup(
            "all", IntStream.range(0, p.network().params().size()).toArray(), Criterion.topK(2));
    return new DirectionalDerivativesComputation(o)
        .run(p.network(), p.loss(), p.batch(), List.of(g), TestBackends.get("cpu-float64"));
  }

  @Test
  void aSeedReproducesTheRunAndAnotherSeedChangesIt() {
    RandomProblems.Instance p = problem(LossType.CROSS_ENTROPY);
    ComputationOptions o = ComputationOptions.defaults().withMonteCarlo(3, 12345L);
    var a = run(p, o).groups().get(0);
    var b = run(p, o).groups().get(0);
    assertArrayEquals(a.gramEvals(), b.gramEvals(), 0.0);
    assertArrayEquals(a.gammas()[0], b.gammas()[0], 0.0);
    assertArrayEquals(a.lambdas()[1], b.lambdas()[1], 0.0);
    assertEquals(3 * 3, a.gramEvals().length, "C̃ = M columns per sample");
    var c = run(p, ComputationOptions.defaults().withMonteCarlo(3, 12346L)).groups().get(0);
    assertFalse(Arrays.equals(a.gramEvals(), c.gramEvals()), "another seed draws anew");
  }

  @Test
  void aSamplesDrawsDoNotDependOnTheOtherSamplesInTheSubsample() {
    // Gram of S = {2, 0} equals the (2, 0) blocks of the Gram of all N = 3 samples, times N/|S|
    // (the sub-sampling rescale of MATH.md §7): the draws of a sample depend on (seed, n) only.
    RandomProblems.Instance p = problem(LossType.BCE_WITH_LOGITS);
    int m = 2;
    int n = p.batch().n();
    int[] all = IntStream.range(0, p.network().params().size()).toArray();
    Backend backend = TestBackends.get("cpu-float64");
    try (FactorEngine engine = new FactorEngine(p.network(), p.loss(), backend, m, 99L)) {
      ForwardPass fp = engine.forward(p.batch(), new Scaling(Reduction.MEAN, n, n));
      double[] full =
          engine
              .grams(
                  fp,
                  p.batch(),
                  new Scaling(Reduction.MEAN, n, n, m),
                  new int[] {0, 1, 2},
                  new int[0],
                  List.of(all),
                  false)
              .get(0)
              .gram();
      int[] sub = {2, 0};
      double[] part =
          engine
              .grams(
                  fp,
                  p.batch(),
                  new Scaling(Reduction.MEAN, n, 2, m),
                  sub,
                  new int[0],
                  List.of(all),
                  false)
              .get(0)
              .gram();
      int size = 2 * m;
      for (int a = 0; a < size; a++) {
        for (int b = 0; b < size; b++) {
          int fa = sub[a / m] * m + a % m;
          int fb = sub[b / m] * m + b % m;
          assertEquals(full[fa * n * m + fb] * n / 2.0, part[a * size + b], 1e-14);
        }
      }
    }
  }
}
