package org.vivit4j.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.EighComputation;
import org.vivit4j.api.FactorReuse;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.PassCounts;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.DirectionStatistics;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;

class CurvatureTest {
  private static final LossSpec LOSS = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);

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

  /**
   * Regression (issue 11, item 7): the trace column summed the computed Gram eigenvalues, which
   * with Lanczos are only the top ones (the 20-16-10 MLP at N = 32: 2.31 instead of 6.48).
   * The trace must be the whole spectrum's sum, whichever eigensolver ran.
   */
  @Test
  void traceIsTheWholeSpectrumsSumWhenLanczosSolvesTheGram() {
    SplittableRandom rnd = new SplittableRandom(11);
    NetworkSpec net =
        RandomProblems.mlpNetwork(
            rnd, new int[] {20, 16, 10}, new Activation[] {Activation.RELU}, true);
    int n = 32;
    double[] x = new double[n * 20];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextInt(10);
    }
    Batch batch = new Batch(n, x, null, y);
    int[] all = {0, 1, 2, 3};
    CpuBackend backend = new CpuBackend(Precision.FLOAT64);

    ParamGroup dense = new ParamGroup("all", all, Criterion.topK(5));
    GroupResult whole =
        new EighComputation(new ComputationOptions(null, null, 0, 1e-4, 0L, EigenSolver.DENSE))
            .run(net, LOSS, batch, List.of(dense), backend)
            .group(dense);
    assertEquals(n * 10, whole.gramEvals().length, "dense gives the whole spectrum");
    double spectrumSum = 0;
    for (double v : whole.gramEvals()) {
      spectrumSum += v;
    }
    ParamGroup auto = new ParamGroup("all", all, Criterion.topK(5));
    GroupResult top =
        new EighComputation(ComputationOptions.defaults())
            .run(net, LOSS, batch, List.of(auto), backend)
            .group(auto);
    assertEquals("lanczos", top.spectrum().eigensolver(), "the Gram 320 > 160 goes to Lanczos");
    double topSum = 0;
    for (double v : top.gramEvals()) {
      topSum += v;
    }
    assertTrue(topSum < 0.9 * spectrumSum, "the case must tell the two sums apart: " + topSum);

    List<Curvature.GroupMeasurement> m =
        Curvature.measure(
                net,
                LOSS,
                batch,
                List.of(all),
                List.of("all"),
                5,
                8,
                1,
                0,
                1e-3,
                backend,
                theta -> 0.0)
            .groups();
    assertEquals(spectrumSum, m.get(0).trace(), 1e-10 * spectrumSum);
    assertEquals(whole.ggnTrace(), m.get(0).trace(), 1e-10 * spectrumSum);
  }

  /** The SNR columns are {@link DirectionStatistics#snr}'s, not a re-implementation's. */
  @Test
  void snrIsDirectionStatisticsSnr() {
    SplittableRandom rnd = new SplittableRandom(3);
    NetworkSpec net =
        RandomProblems.mlpNetwork(
            rnd, new int[] {6, 5, 3}, new Activation[] {Activation.TANH}, true);
    int n = 7;
    double[] x = new double[n * 6];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextInt(3);
    }
    Batch batch = new Batch(n, x, null, y);
    CpuBackend backend = new CpuBackend(Precision.FLOAT64);
    ParamGroup g = new ParamGroup("all", new int[] {0, 1, 2, 3}, Criterion.topK(3));
    var dd = new org.vivit4j.api.DirectionalDerivativesComputation(ComputationOptions.defaults());
    dd.run(net, LOSS, batch, List.of(g), backend);
    GroupResult r = dd.result(g);
    List<Curvature.Direction> dirs =
        Curvature.measure(
                net,
                LOSS,
                batch,
                List.of(new int[] {0, 1, 2, 3}),
                List.of("all"),
                3,
                0,
                0,
                0,
                1e-3,
                backend,
                theta -> 0.0)
            .groups()
            .get(0)
            .directions();
    double[] gamma = dirs.stream().mapToDouble(Curvature.Direction::snrGamma).toArray();
    double[] lambda = dirs.stream().mapToDouble(Curvature.Direction::snrLambda).toArray();
    assertArrayEquals(DirectionStatistics.snr(r.gammas()), gamma, 0.0);
    assertArrayEquals(DirectionStatistics.snr(r.lambdas()), lambda, 0.0);
  }

  /**
   * Issue 9: a measurement ran an {@code EighComputation} and a {@code
   * DirectionalDerivativesComputation} on the same batch (four backward passes, two eigensolves).
   * Now one computation gives both from one pass and one eigensolve per group, and every column is
   * what the two separate computations (rerunning the factor for {@code V·w}, as before) give, bit
   * for bit.
   */
  @Test
  void oneFactorPassGivesTheColumnsOfTheTwoSeparateComputations() {
    SplittableRandom rnd = new SplittableRandom(21);
    NetworkSpec net =
        RandomProblems.mlpNetwork(
            rnd, new int[] {8, 7, 5}, new Activation[] {Activation.RELU}, true);
    int n = 9;
    double[] x = new double[n * 8];
    int[] y = new int[n];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextInt(5);
    }
    Batch batch = new Batch(n, x, null, y);
    CpuBackend backend = new CpuBackend(Precision.FLOAT64);
    List<int[]> tensors = List.of(new int[] {0, 1}, new int[] {2, 3});
    double damping = 1e-2;
    Curvature.Measurement m =
        Curvature.measure(
            net,
            LOSS,
            batch,
            tensors,
            List.of("first", "last"),
            4,
            5,
            0,
            0,
            damping,
            backend,
            theta -> 0.0);
    assertEquals(new PassCounts(1, 2, true), m.exactPasses());

    List<ParamGroup> groups =
        List.of(
            new ParamGroup("first", tensors.get(0), Criterion.topK(4)),
            new ParamGroup("last", tensors.get(1), Criterion.topK(4)));
    var eigh =
        new EighComputation(ComputationOptions.defaults()).withFactorReuse(FactorReuse.RERUN);
    var dd =
        new DirectionalDerivativesComputation(ComputationOptions.defaults())
            .withFactorReuse(FactorReuse.RERUN);
    eigh.run(net, LOSS, batch, groups, backend);
    dd.run(net, LOSS, batch, groups, backend);
    assertEquals(4, eigh.lastPassCounts().factorPasses() + dd.lastPassCounts().factorPasses());
    for (int g = 0; g < groups.size(); g++) {
      GroupResult e = eigh.result(groups.get(g));
      GroupResult d = dd.result(groups.get(g));
      Curvature.GroupMeasurement gm = m.groups().get(g);
      double[] gammaBar = DirectionStatistics.means(d.gammas());
      double[] lambdaBar = DirectionStatistics.means(d.lambdas());
      double predicted = 0;
      for (int j = 0; j < e.evals().length; j++) {
        double c = -gammaBar[j] / (lambdaBar[j] + damping);
        predicted += gammaBar[j] * c + 0.5 * e.evals()[j] * c * c;
      }
      assertEquals(predicted, gm.newtonPredicted(), 0.0, "newton_predicted");
      assertEquals(e.ggnTrace(), gm.trace(), 0.0, "trace");
      double[] snrGamma = DirectionStatistics.snr(d.gammas());
      double[] snrLambda = DirectionStatistics.snr(d.lambdas());
      for (int j = 0; j < d.evals().length; j++) {
        Curvature.Direction dir = gm.directions().get(j);
        assertEquals(d.evals()[j], dir.eigenvalue(), 0.0);
        assertEquals(snrGamma[j], dir.snrGamma(), 0.0);
        assertEquals(snrLambda[j], dir.snrLambda(), 0.0);
      }
      int[] rows = {0, 1, 2, 3, 4};
      var sub =
          new EighComputation(ComputationOptions.defaults().withSubsampling(null, rows))
              .withFactorReuse(FactorReuse.RERUN);
      sub.run(net, LOSS, batch, groups, backend);
      assertEquals(
          Curvature.overlap(e.evecs(), sub.result(groups.get(g)).evecs()),
          gm.overlapSubsampled(),
          0.0);
    }
  }
}
