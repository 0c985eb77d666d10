package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vivit4j.reference.ReferenceTestSupport.dot;
import static org.vivit4j.reference.ReferenceTestSupport.relErr;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;

/**
 * The public API: the identities between the directional derivatives and the eigenpairs,
 * sub-sampling, parameter groups and input validation.
 */
class ReferenceComputationTest {
  private static final LossSpec CE_MEAN = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);

  private static NetworkSpec smallNet(long seed) {
    return ReferenceTestSupport.mlp(new Random(seed), Activation.TANH, true, 4, 3, 3);
  }

  @ParameterizedTest
  @EnumSource(Reduction.class)
  void directionalDerivativesSatisfyTheIdentities(Reduction red) {
    for (LossType type : LossType.values()) {
      Random rng = new Random(11 + type.ordinal() + 7L * red.ordinal());
      NetworkSpec net = ReferenceTestSupport.mlp(rng, Activation.SIGMOID, true, 3, 4, 3);
      LossSpec loss = new LossSpec(type, red);
      int n = 5;
      Batch batch = ReferenceTestSupport.batch(rng, net, loss, n);
      List<int[]> groups = List.of(new int[] {0, 1, 2, 3}, new int[] {2, 0}, new int[] {3});
      ReferenceResult r = ReferenceComputation.compute(net, loss, batch, null, null, groups);
      for (int j = 0; j < groups.size(); j++) {
        ReferenceGroup g = r.groups().get(j);
        int[] cols = columns(net, groups.get(j));
        int k = Math.min(4, g.nonzeroEvals(1e-10).length);
        ReferenceGroup.Directional d = g.topK(k);
        double[][] ggn = g.ggn();
        double max = d.evals()[k - 1];
        for (int i = 0; i < k; i++) {
          double[] e = d.evecs()[i];
          assertEquals(1.0, dot(e, e), 1e-13, "unit eigenvector");
          double[] ge = new double[e.length];
          for (int a = 0; a < e.length; a++) {
            ge[a] = dot(ggn[a], e);
          }
          for (int a = 0; a < e.length; a++) {
            assertEquals(d.evals()[i] * e[a], ge[a], 1e-12 * max, "G e = λ e");
          }
          double meanLambda = 0.0;
          double meanGamma = 0.0;
          for (int m = 0; m < n; m++) {
            meanLambda += d.lambdas()[m][i] / n;
            meanGamma += d.gammas()[m][i] / n;
          }
          assertEquals(d.evals()[i], meanLambda, 1e-12 * max, "mean_m λ_mk = λ_k");
          double gradDotE = 0.0;
          for (int a = 0; a < cols.length; a++) {
            gradDotE += r.grad()[cols[a]] * e[a];
          }
          assertEquals(gradDotE, meanGamma, 1e-12 * ReferenceTestSupport.maxAbs(r.grad()), "γ̄");
        }
      }
    }
  }

  @Test
  void groupGgnIsTheBlockOfTheFullGgnInTheGroupsOrder() {
    NetworkSpec net = smallNet(3);
    Batch batch = ReferenceTestSupport.batch(new Random(4), net, CE_MEAN, 4);
    List<int[]> groups = List.of(new int[] {0, 1, 2, 3}, new int[] {3, 0});
    ReferenceResult r = ReferenceComputation.compute(net, CE_MEAN, batch, null, null, groups);
    double[][] full = r.groups().get(0).ggn();
    double[][] block = r.groups().get(1).ggn();
    int[] cols = columns(net, groups.get(1));
    assertEquals(cols.length, r.groups().get(1).dim());
    double scale = ReferenceTestSupport.maxAbs(ReferenceTestSupport.flat(full));
    for (int a = 0; a < cols.length; a++) {
      for (int b = 0; b < cols.length; b++) {
        assertEquals(full[cols[a]][cols[b]], block[a][b], 1e-14 * scale);
      }
    }
    double trace = 0.0;
    for (int a = 0; a < full.length; a++) {
      trace += full[a][a];
    }
    double evalSum = Arrays.stream(r.groups().get(0).evalsAscending()).sum();
    assertEquals(trace, evalSum, 1e-12 * trace, "Σ eigenvalues = trace");
    assertTrue(
        r.groups().get(0).nonzeroEvals(1e-10).length <= 4 * (net.outputSize() - 1),
        "CE GGN rank is at most N (C − 1)");
  }

  @Test
  void subsampledGgnIsTheGgnOfTheSubBatchAndRowsFollowTheGivenOrder() {
    NetworkSpec net = smallNet(5);
    int n = 6;
    Batch batch = ReferenceTestSupport.batch(new Random(6), net, CE_MEAN, n);
    int[] ggnIdx = {4, 1, 3};
    int[] gradIdx = {5, 0, 3, 2};
    List<int[]> all = ReferenceTestSupport.allParams(net);
    ReferenceResult sub = ReferenceComputation.compute(net, CE_MEAN, batch, gradIdx, ggnIdx, all);
    ReferenceResult full = ReferenceComputation.compute(net, CE_MEAN, batch, null, ggnIdx, all);

    // With mean reduction G_n does not depend on N: the subset's GGN is that of a sub-batch.
    int d = net.inputSize();
    double[] x = new double[ggnIdx.length * d];
    int[] y = new int[ggnIdx.length];
    for (int m = 0; m < ggnIdx.length; m++) {
      System.arraycopy(batch.x(), ggnIdx[m] * d, x, m * d, d);
      y[m] = batch.yClass()[ggnIdx[m]];
    }
    ReferenceResult subBatch =
        ReferenceComputation.compute(
            net, CE_MEAN, new Batch(ggnIdx.length, x, null, y), null, null, all);
    assertTrue(relErr(sub.groups().get(0).ggn(), subBatch.groups().get(0).ggn()) < 1e-14);

    ReferenceGroup.Directional ds = sub.groups().get(0).topK(3);
    ReferenceGroup.Directional df = full.groups().get(0).topK(3);
    ReferenceGroup.Directional db = subBatch.groups().get(0).topK(3);
    assertEquals(gradIdx.length, ds.gammas().length);
    assertEquals(ggnIdx.length, ds.lambdas().length);
    for (int r = 0; r < gradIdx.length; r++) {
      assertArrayEquals(df.gammas()[gradIdx[r]], ds.gammas()[r], 1e-15, "γ row " + r);
    }
    for (int m = 0; m < ggnIdx.length; m++) {
      assertArrayEquals(db.lambdas()[m], ds.lambdas()[m], 1e-12, "λ row " + m);
    }
    // Per-sample losses and gradients always cover the whole batch.
    assertEquals(n, sub.perSampleLosses().length);
    assertEquals(n, sub.perSampleGrads().length);
  }

  @Test
  void sumReductionScalesPerSampleQuantitiesByN() {
    NetworkSpec net = smallNet(8);
    int n = 3;
    LossSpec sum = new LossSpec(LossType.MSE, Reduction.SUM);
    LossSpec mean = new LossSpec(LossType.MSE, Reduction.MEAN);
    Batch batch = ReferenceTestSupport.batch(new Random(9), net, sum, n);
    List<int[]> all = ReferenceTestSupport.allParams(net);
    ReferenceResult rs = ReferenceComputation.compute(net, sum, batch, null, null, all);
    ReferenceResult rm = ReferenceComputation.compute(net, mean, batch, null, null, all);
    int c = net.outputSize();
    // MSE: ℓ_sum = C ℓ_mean per sample; L_n(sum) = N ℓ_sum, L_n(mean) = ℓ_mean.
    for (int s = 0; s < n; s++) {
      assertEquals(n * c * rm.perSampleLosses()[s], rs.perSampleLosses()[s], 1e-12);
    }
    assertEquals(n * c * rm.loss(), rs.loss(), 1e-12 * rs.loss());
    assertTrue(
        relErr(
                rs.groups().get(0).evalsAscending(),
                Arrays.stream(rm.groups().get(0).evalsAscending()).map(v -> n * c * v).toArray())
            < 1e-12);
  }

  @Test
  void canonicalSignTakesTheFirstOfTiedLargestEntries() {
    assertArrayEquals(
        new double[] {-0.6, 0.8}, ReferenceGroup.canonicalSign(new double[] {0.6, -0.8}), 0.0);
    assertArrayEquals(
        new double[] {0.5, -0.5, 0.1},
        ReferenceGroup.canonicalSign(new double[] {-0.5, 0.5, -0.1}),
        0.0);
    // Within 1e-12 relative counts as a tie: the first index decides although it is smaller.
    double big = 0.5 * (1 + 1e-13);
    assertArrayEquals(
        new double[] {0.5, -big}, ReferenceGroup.canonicalSign(new double[] {-0.5, big}), 0.0);
    double clear = 0.5 * (1 + 1e-9);
    assertArrayEquals(
        new double[] {-0.5, clear}, ReferenceGroup.canonicalSign(new double[] {-0.5, clear}), 0.0);
  }

  @Test
  void conv2dGoldenStyleNetworkWithoutBiasAndDeepStack() {
    // Conv without bias, flatten, and a group that skips a tensor: finite and consistent.
    Random rng = new Random(21);
    NetworkSpec net =
        ReferenceTestSupport.convNet(
            rng,
            Activation.TANH,
            1,
            4,
            5,
            2,
            new int[] {2, 3},
            new int[] {2, 1},
            new int[] {1, 0},
            new int[] {1, 2},
            false,
            2);
    LossSpec loss = new LossSpec(LossType.CROSS_ENTROPY, Reduction.SUM);
    Batch batch = ReferenceTestSupport.batch(rng, net, loss, 3);
    ReferenceResult r =
        ReferenceComputation.compute(net, loss, batch, null, null, List.of(new int[] {1, 0}));
    ReferenceGroup g = r.groups().get(0);
    assertEquals(net.numParams(), g.dim());
    // Two classes: each sample's loss Hessian has rank 1, so the GGN rank is at most N.
    assertTrue(g.nonzeroEvals(1e-10).length <= 3);
    ReferenceGroup.Directional d = g.topK(2);
    assertTrue(d.evals()[0] > 0 && d.evals()[1] >= d.evals()[0]);
  }

  @Test
  void extremeLogitsGiveFiniteResults() {
    NetworkSpec net =
        new NetworkSpec(
            List.of(
                new org.vivit4j.layers.LinearLayer.LinearSpec(
                    2, 3, new double[] {400, -300, 10, 500, -700, 2}, new double[] {0, 1, 2})),
            new int[] {2});
    Batch batch = new Batch(2, new double[] {1, 2, -3, 1}, null, new int[] {0, 2});
    ReferenceResult r =
        ReferenceComputation.compute(
            net, CE_MEAN, batch, null, null, ReferenceTestSupport.allParams(net));
    assertTrue(Double.isFinite(r.loss()) && r.loss() > 100);
    for (double v : r.groups().get(0).evalsAscending()) {
      assertTrue(Double.isFinite(v));
    }
  }

  @Test
  void rejectsInvalidInput() {
    NetworkSpec net = smallNet(10);
    Batch batch = ReferenceTestSupport.batch(new Random(11), net, CE_MEAN, 3);
    List<int[]> all = ReferenceTestSupport.allParams(net);
    Class<IllegalArgumentException> iae = IllegalArgumentException.class;
    assertThrows(
        iae, () -> ReferenceComputation.compute(net, CE_MEAN, batch, new int[] {0, 0}, null, all));
    assertThrows(
        iae, () -> ReferenceComputation.compute(net, CE_MEAN, batch, null, new int[] {3}, all));
    assertThrows(
        iae, () -> ReferenceComputation.compute(net, CE_MEAN, batch, null, new int[0], all));
    assertThrows(
        iae, () -> ReferenceComputation.compute(net, CE_MEAN, batch, null, null, List.of()));
    assertThrows(
        iae,
        () ->
            ReferenceComputation.compute(net, CE_MEAN, batch, null, null, List.of(new int[] {4})));
    assertThrows(
        iae,
        () ->
            ReferenceComputation.compute(
                net, CE_MEAN, batch, null, null, List.of(new int[] {1, 1})));
    assertThrows(
        iae,
        () ->
            ReferenceComputation.compute(
                net, CE_MEAN, new Batch(3, batch.x(), null, new int[] {0, 3, 1}), null, null, all));
    assertThrows(
        iae,
        () ->
            ReferenceComputation.compute(
                net, new LossSpec(LossType.MSE, Reduction.MEAN), batch, null, null, all));
    assertThrows(
        iae,
        () ->
            ReferenceComputation.compute(
                net, CE_MEAN, new Batch(3, new double[5], null, batch.yClass()), null, null, all));
    double[] nan = batch.x().clone();
    nan[0] = Double.NaN;
    assertThrows(
        iae,
        () ->
            ReferenceComputation.compute(
                net, CE_MEAN, new Batch(3, nan, null, batch.yClass()), null, null, all));
    NetworkSpec partialFlatten =
        new NetworkSpec(
            List.of(
                new FlattenSpec(2, -1),
                new ActivationSpec(Activation.RELU),
                ReferenceTestSupport.linear(new Random(12), 8, 1, true)),
            new int[] {2, 2, 2});
    assertThrows(
        iae,
        () ->
            ReferenceComputation.compute(
                partialFlatten,
                new LossSpec(LossType.MSE, Reduction.MEAN),
                new Batch(1, new double[8], new double[1], null),
                null,
                null,
                List.of(new int[] {0})));
    ReferenceGroup g =
        ReferenceComputation.compute(net, CE_MEAN, batch, null, null, all).groups().get(0);
    assertThrows(iae, () -> g.topK(0));
    assertThrows(iae, () -> g.topK(g.dim() + 1));
  }

  private static int[] columns(NetworkSpec net, int[] tensors) {
    return Arrays.stream(tensors)
        .flatMap(
            t -> {
              var p = net.params().get(t);
              return java.util.stream.IntStream.range(p.offset(), p.offset() + p.numel());
            })
        .toArray();
  }
}
