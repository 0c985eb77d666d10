package org.vivit4j.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.GgnComputation;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.FactorChunks;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.GramLayout;
import org.vivit4j.core.SampleForward;
import org.vivit4j.core.Scaling;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomConvNets;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * The chunked forward ({@link SampleForward#recomputed}, MATH.md §6.5): factor passes that run the
 * forward of their own samples only give the Gram, the cross terms and {@code V·w} of the plain
 * pass over one forward of the whole batch, on MLP, conv and residual graph nets, exact and
 * Monte-Carlo GGN (whose draws follow the batch index, not the row in a pass), sub-sampled rows in
 * any order, on every backend; the API uses it when chunks split the batch and every gradient
 * sample is a GGN sample.
 */
class ChunkedForwardTest {
  private static final int N = 7;
  private static final int[] GGN_ROWS = {6, 0, 3, 5, 1, 4, 2};
  private static final int[] GRAD_ROWS = {2, 5, 0, 4};

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String backend : TestBackends.names()) {
      for (String net : new String[] {"mlp", "conv", "graph"}) {
        for (int mc : new int[] {0, 2}) {
          out.add(Arguments.of(backend, net, mc));
        }
      }
    }
    return out.stream();
  }

  private static RandomProblems.Instance problem(String net) {
    LossSpec ce = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);
    if (net.equals("graph")) {
      // residual sums, concats and scales: factors summed where branches meet, per sub-batch
      return org.vivit4j.problems.RandomResidualNets.instance(9L, 3, ce, N, null);
    }
    if (net.equals("conv")) {
      RandomConvNets.Arch arch = RandomConvNets.drawArch(new SplittableRandom(4), 3);
      return RandomConvNets.instance(4L, arch, ce, N);
    }
    return RandomProblems.mlp(
        17L,
        new int[] {4, 5, 3},
        new Activation[] {Activation.TANH},
        new RandomProblems.Extra[] {RandomProblems.Extra.NONE},
        ce,
        N,
        true);
  }

  private static List<int[]> allTensorsOneGroup(RandomProblems.Instance p) {
    return List.of(IntStream.range(0, p.network().params().size()).toArray());
  }

  @ParameterizedTest(name = "{0} {1} M = {2}")
  @MethodSource("cases")
  void recomputedForwardGivesThePlainGramCrossTermsAndFactorProducts(
      String backend, String net, int mc) {
    RandomProblems.Instance p = problem(net);
    Backend b = TestBackends.get(backend);
    Scaling host = new Scaling(p.loss().reduction(), N, N);
    Scaling scaling = new Scaling(p.loss().reduction(), N, GGN_ROWS.length, mc);
    List<int[]> tensors = allTensorsOneGroup(p);
    double tol =
        b.precision() == org.vivit4j.backend.Precision.FLOAT32
            ? Tolerances.F32_RESULTS
            : Tolerances.F64_REORDERED_GRAM;
    for (int chunk : new int[] {1, 3}) {
      try (FactorEngine plainEngine = engine(p, b, mc);
          FactorEngine chunkEngine = engine(p, b, mc)) {
        ForwardPass fp = plainEngine.forward(p.batch(), host);
        FactorEngine.GroupGram plain =
            plainEngine.grams(fp, p.batch(), scaling, GGN_ROWS, GRAD_ROWS, tensors, true).get(0);
        SampleForward forward = SampleForward.recomputed(chunkEngine, p.batch(), host);
        FactorChunks.AssembledGram chunked =
            FactorChunks.assemble(
                    chunkEngine,
                    forward,
                    scaling,
                    GGN_ROWS,
                    GRAD_ROWS,
                    tensors,
                    true,
                    chunk,
                    GramLayout.DENSE)
                .get(0);
        String what = backend + " " + net + " M=" + mc + " chunk " + chunk;
        Compare.assertClose(what + " Gram", chunked.gram().toDense(), plain.gram(), tol);
        Compare.assertClose(what + " cross terms", chunked.cross(), plain.cross(), tol);

        double[][] w = new double[2][plain.size()];
        SplittableRandom rnd = new SplittableRandom(chunk);
        for (double[] row : w) {
          for (int i = 0; i < row.length; i++) {
            row[i] = rnd.nextDouble(-1, 1);
          }
        }
        double[][] plainVw =
            plainEngine
                .applyFactor(fp, p.batch(), scaling, GGN_ROWS, tensors, List.<double[][]>of(w))
                .get(0);
        double[][] chunkVw =
            FactorChunks.applyFactor(
                    chunkEngine, forward, scaling, GGN_ROWS, tensors, List.<double[][]>of(w), chunk)
                .get(0);
        Compare.assertClose(what + " V·w", Compare.flatten(chunkVw), Compare.flatten(plainVw), tol);
      }
    }
  }

  private static FactorEngine engine(RandomProblems.Instance p, Backend b, int mc) {
    return new FactorEngine(p.network(), p.loss(), b, mc, 11L, ConvGramPolicy.defaults());
  }

  @Test
  void theForwardIsRecomputedOnlyWhenTheGradientSamplesAreGgnSamples() {
    assertTrue(FactorChunks.canRecomputeForward(GGN_ROWS, GRAD_ROWS, true));
    assertTrue(FactorChunks.canRecomputeForward(new int[] {1, 3}, new int[] {0, 2}, false));
    assertFalse(FactorChunks.canRecomputeForward(new int[] {1, 3}, new int[] {0, 3}, true));
    RandomProblems.Instance p = problem("mlp");
    Backend b = TestBackends.get("cpu-float64");
    Scaling host = new Scaling(p.loss().reduction(), N, N);
    try (FactorEngine e = engine(p, b, 0)) {
      SampleForward forward = SampleForward.recomputed(e, p.batch(), host);
      assertThrows(
          IllegalArgumentException.class,
          () ->
              FactorChunks.assemble(
                  e,
                  forward,
                  new Scaling(p.loss().reduction(), N, 2, 0),
                  new int[] {1, 3},
                  new int[] {0},
                  allTensorsOneGroup(p),
                  true,
                  1,
                  GramLayout.DENSE));
    }
  }

  /**
   * Through the API: a chunked run says it recomputed the forward and reports the loss, per-sample
   * losses and gradient of the whole batch, as the plain run does; with gradient samples outside
   * the GGN samples it keeps the whole batch's forward and says nothing of it.
   */
  @Test
  void aChunkedRunRecomputesTheForwardAndReportsTheBatchQuantities() {
    RandomProblems.Instance p = problem("conv");
    Backend b = TestBackends.get("cpu-float64");
    List<ParamGroup> groups =
        List.of(
            new ParamGroup(
                "all",
                IntStream.range(0, p.network().params().size()).toArray(),
                Criterion.topK(3)));
    ComputationResult plain = run(new DirectionalDerivativesComputation(), p, groups, b);
    ComputationResult chunked =
        run(new DirectionalDerivativesComputation().withFactorChunk(2), p, groups, b);
    assertTrue(
        chunked.runInfo().notes().stream().anyMatch(n -> n.startsWith("forward values recomputed")),
        chunked.runInfo().notes().toString());
    assertEquals(
        plain.batch().loss(), chunked.batch().loss(), 1e-14 * Math.abs(plain.batch().loss()));
    Compare.assertClose(
        "per-sample losses",
        chunked.batch().perSampleLosses(),
        plain.batch().perSampleLosses(),
        Tolerances.F64_REORDERED_GRAM);
    Compare.assertClose(
        "gradient", chunked.batch().grad(), plain.batch().grad(), Tolerances.F64_REORDERED_GRAM);
    Compare.assertClose(
        "gammas",
        Compare.flatten(chunked.group("all").gammas()),
        Compare.flatten(plain.group("all").gammas()),
        Tolerances.F64_DIRECTIONAL);

    GgnComputation outside =
        new DirectionalDerivativesComputation(
                ComputationOptions.defaults()
                    .withSubsampling(new int[] {0, 1, 2, 3, 4, 5}, new int[] {0, 2, 3, 5, 6}))
            .withFactorChunk(2);
    ComputationResult kept = run(outside, p, groups, b);
    assertFalse(
        kept.runInfo().notes().stream().anyMatch(n -> n.startsWith("forward values recomputed")),
        kept.runInfo().notes().toString());
    assertTrue(
        kept.runInfo().notes().stream().anyMatch(n -> n.startsWith("factor pass in 3 chunks")),
        kept.runInfo().notes().toString());
  }

  /**
   * An overflow in a pass over some samples names the sample by its batch index: sample 5's MSE
   * target is 1e200, so its loss term {@code (f − y)²} overflows in the chunk {5, 6}.
   */
  @Test
  void anOverflowInAChunkNamesTheBatchSample() {
    RandomProblems.Instance p =
        RandomProblems.mlp(
            17L,
            new int[] {4, 5, 3},
            new Activation[] {Activation.TANH},
            new RandomProblems.Extra[] {RandomProblems.Extra.NONE},
            new LossSpec(LossType.MSE, Reduction.MEAN),
            N,
            true);
    double[] y = p.batch().yReal().clone();
    y[5 * 3] = 1e200;
    Batch bad = new Batch(N, p.batch().x(), y, null);
    RandomProblems.Instance q = new RandomProblems.Instance(p.network(), p.loss(), bad);
    List<ParamGroup> groups =
        List.of(new ParamGroup("all", IntStream.range(0, 4).toArray(), Criterion.topK(2)));
    for (int chunk : new int[] {2, N}) {
      InvalidInputException e =
          assertThrows(
              InvalidInputException.class,
              () ->
                  run(
                      new DirectionalDerivativesComputation().withFactorChunk(chunk),
                      q,
                      groups,
                      TestBackends.get("cpu-float64")));
      assertTrue(e.getMessage().contains("at sample 5"), chunk + ": " + e.getMessage());
    }
  }

  /**
   * The memory estimate of a chunked run (eigenvalues only: no kept factors, no cross terms) counts
   * the forward values of a chunk pair's samples, not the whole batch's (besides the batch's
   * inputs, which stay): for an MLP of 40 samples in chunks of 5, the resident bytes fall by {@code
   * 8·[(N − 2b)(2v − d) − N·d]}, {@code v} the values per sample (input and every layer output),
   * {@code d} the input size.
   */
  @Test
  void theEstimateCountsTheForwardOfAChunkPair() {
    int n = 40;
    int b = 5;
    RandomProblems.Instance p = problem("mlp");
    var net = p.network();
    List<ParamGroup> groups =
        List.of(new ParamGroup("all", IntStream.range(0, 4).toArray(), Criterion.topK(2)));
    long plain =
        new org.vivit4j.api.EigvalshComputation()
            .withFactorChunk(n)
            .memoryEstimate(net, n, groups, true)
            .residentBytes();
    long chunked =
        new org.vivit4j.api.EigvalshComputation()
            .withFactorChunk(b)
            .memoryEstimate(net, n, groups, true)
            .residentBytes();
    long v = net.inputSize();
    for (int i = 0; i < net.layers().size(); i++) {
      v += net.sizeAfter(i);
    }
    long d = net.inputSize();
    assertEquals(8 * ((n - 2L * b) * (2 * v - d) - n * d), plain - chunked);

    // with both sub-samplings the estimate follows the rows: gradient samples among the GGN
    // samples recompute the forward, one outside keeps the whole batch's
    int[] ggn = IntStream.range(0, 30).toArray();
    long within = subsampledResident(net, n, groups, ggn, new int[] {1, 7, 29}, b);
    long outside = subsampledResident(net, n, groups, ggn, new int[] {1, 7, 35}, b);
    // and only the run with a gradient sample outside computes (and holds) cross terms: γ of
    // samples within comes from their Gram rows
    long cross = 8L * 3 * ggn.length * net.outputSize();
    assertEquals(8 * ((n - 2L * b) * (2 * v - d) - n * d) + cross, outside - within);
  }

  private static long subsampledResident(
      org.vivit4j.model.NetworkSpec net,
      int n,
      List<ParamGroup> groups,
      int[] ggn,
      int[] grad,
      int b) {
    return new DirectionalDerivativesComputation(
            ComputationOptions.defaults().withSubsampling(grad, ggn))
        .withFactorChunk(b)
        .memoryEstimate(net, n, groups, true)
        .residentBytes();
  }

  private static ComputationResult run(
      GgnComputation c, RandomProblems.Instance p, List<ParamGroup> groups, Backend b) {
    return c.run(p.network(), p.loss(), p.batch(), groups, b);
  }
}
