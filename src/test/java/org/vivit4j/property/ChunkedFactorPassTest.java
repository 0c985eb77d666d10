package org.vivit4j.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.EighComputation;
import org.vivit4j.api.GgnComputation;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.FactorChunks;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.PassProgress;
import org.vivit4j.core.Scaling;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.ReferenceCheck;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * The sample-chunked factor pass ({@link FactorChunks}, MATH.md §6.5) against the reference and the
 * plain pass, on conv and MLP networks and every backend: chunks of one sample, an awkward size
 * (the last chunk shorter) and one at least N (the plain pass, bit for bit).
 */
class ChunkedFactorPassTest {
  /** GGN samples of the problems: 3 chunks of 3, 3 and 1 with the awkward chunk size. */
  private static final int N = 7;

  private static final int AWKWARD = 3;

  /** A setting's problem with {@link #N} samples (the random settings draw N ≤ 6). */
  private static ProblemSetting withN(ProblemSetting s) {
    return new ProblemSetting(
        s.id() + "-n" + N,
        s.seed(),
        s.widths(),
        s.activations(),
        s.extras(),
        s.loss(),
        s.reduction(),
        N,
        s.bias(),
        s.grouping(),
        s.criterion(),
        s.subsampling(),
        s.conv(),
        s.embedding(),
        s.graph());
  }

  static Stream<Arguments> cases() {
    List<ProblemSetting> settings =
        List.of(
            withN(ProblemSetting.randomConv(3)),
            withN(ProblemSetting.randomConv(8)),
            withN(ProblemSetting.random(5)),
            withN(ProblemSetting.random(12)));
    List<Arguments> out = new ArrayList<>();
    for (String backend : TestBackends.names()) {
      for (ProblemSetting s : settings) {
        for (int chunk : new int[] {1, AWKWARD, N}) {
          out.add(Arguments.of(backend, s, chunk));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} chunk {2}")
  @MethodSource("cases")
  void chunkedPassAgreesWithTheReference(String backend, ProblemSetting s, int chunk) {
    ConvGramPolicy convGram = s.conv() == null ? ConvGramPolicy.defaults() : s.conv().policy();
    ComputationResult result =
        ReferenceCheck.check(
            s.id(),
            s.seed(),
            s.criterion(),
            allSamplesInTheGgn(ReferenceCheck.draw(s)),
            backend,
            0,
            0L,
            convGram,
            EigenSolver.AUTO,
            chunk);
    boolean chunked =
        result.runInfo().notes().stream().anyMatch(n -> n.startsWith("factor pass in "));
    assertEquals(
        chunk < N,
        chunked,
        "chunks of " + chunk + " of " + N + " GGN samples; notes " + result.runInfo().notes());
  }

  /**
   * The drawn problem with all {@link #N} samples in the GGN, so that chunks of 1 and {@link
   * #AWKWARD} split the pass (a drawn GGN subset can be too small for that): none sub-sampled, or,
   * where the setting sub-samples the GGN, all of them in an order that is not the batch's.
   */
  private static ReferenceCheck.Drawn allSamplesInTheGgn(ReferenceCheck.Drawn d) {
    int[] ggn = null;
    if (d.subsamplingGgn() != null) {
      ggn = new int[N];
      for (int i = 0; i < N; i++) {
        ggn[i] = (i + AWKWARD) % N;
      }
    }
    return new ReferenceCheck.Drawn(d.instance(), d.groupTensors(), d.subsamplingGrad(), ggn);
  }

  private static RandomProblems.Instance mlp() {
    return RandomProblems.mlp(
        17L,
        new int[] {4, 5, 3},
        new Activation[] {Activation.TANH},
        new RandomProblems.Extra[] {RandomProblems.Extra.NONE},
        new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
        N,
        true);
  }

  /**
   * The Gram and cross terms of the chunked pass equal the plain pass's entry by entry: every block
   * is placed where it belongs, the diagonal blocks once, on sub-sampled rows in any order, with
   * chunks of one sample, equal chunks and a shorter last chunk (each case splits into at least
   * three chunks, so none is the plain pass compared with itself).
   */
  @Test
  void chunkedGramAndCrossTermsEqualThePlainOnesEntryByEntry() {
    RandomProblems.Instance p = mlp();
    Backend b = TestBackends.get("cpu-float64");
    int n = p.batch().n();
    int[] sixRows = {6, 0, 3, 5, 1, 4};
    int[] fiveRows = {5, 2, 0, 6, 3};
    int[] gradRows = {2, 5, 0};
    List<int[]> tensors = List.of(new int[] {0, 1}, new int[] {3}, new int[] {2});
    record Case(int[] ggnRows, int chunk) {}
    // 6 chunks of 1, 3 chunks of 2, and 2 + 2 + 1
    for (Case c : List.of(new Case(sixRows, 1), new Case(sixRows, 2), new Case(fiveRows, 2))) {
      int[] ggnRows = c.ggnRows();
      int chunk = c.chunk();
      assertTrue(FactorChunks.splits(ggnRows.length, chunk), "the case must split the pass");
      Scaling scaling = new Scaling(p.loss().reduction(), n, ggnRows.length, 0);
      try (FactorEngine plainEngine = new FactorEngine(p.network(), p.loss(), b);
          FactorEngine chunkEngine = new FactorEngine(p.network(), p.loss(), b)) {
        ForwardPass fp = plainEngine.forward(p.batch(), new Scaling(p.loss().reduction(), n, n));
        List<FactorEngine.GroupGram> plain =
            plainEngine.grams(fp, p.batch(), scaling, ggnRows, gradRows, tensors, true);
        List<FactorEngine.GroupGram> chunked =
            FactorChunks.grams(
                chunkEngine, fp, p.batch(), scaling, ggnRows, gradRows, tensors, true, chunk);
        int k = FactorChunks.count(ggnRows.length, chunk);
        assertEquals(k * (k - 1) / 2, chunkEngine.factorPasses(), "Gram passes, chunk " + chunk);
        for (int g = 0; g < tensors.size(); g++) {
          String what = ggnRows.length + " rows, chunk " + chunk + " group " + g;
          assertEquals(plain.get(g).size(), chunked.get(g).size(), what);
          Compare.assertClose(
              what + " Gram",
              chunked.get(g).gram(),
              plain.get(g).gram(),
              Tolerances.F64_REORDERED_GRAM);
          Compare.assertClose(
              what + " cross terms",
              chunked.get(g).cross(),
              plain.get(g).cross(),
              Tolerances.F64_REORDERED_GRAM);
        }
      }
    }
  }

  /**
   * A chunk of at least half the GGN samples is the plain pass: the same numbers bit for bit and
   * the same passes; smaller chunks give the same results within the reordering tolerance, with
   * {@code K(K−1)/2} Gram passes and K passes per {@code V·w}, and say so in a note.
   */
  @Test
  void chunkCountsPassesAndNotes() {
    RandomProblems.Instance p = mlp();
    Backend b = TestBackends.get("cpu-float64");
    List<ParamGroup> groups =
        List.of(new ParamGroup("all", IntStream.range(0, 4).toArray(), Criterion.topK(3)));
    ComputationResult plain = run(new DirectionalDerivativesComputation(), p, groups, b);
    GgnComputation half = new DirectionalDerivativesComputation().withFactorChunk(4);
    ComputationResult halfResult = run(half, p, groups, b);
    GroupResult e = plain.group("all");
    GroupResult h = halfResult.group("all");
    assertArrayEquals(e.gramEvals(), h.gramEvals(), 0.0);
    assertArrayEquals(Compare.flatten(e.gammas()), Compare.flatten(h.gammas()), 0.0);
    assertArrayEquals(Compare.flatten(e.lambdas()), Compare.flatten(h.lambdas()), 0.0);
    assertFalse(halfResult.runInfo().notes().stream().anyMatch(n -> n.contains("chunks of")));

    GgnComputation chunked = new EighComputation().withFactorChunk(AWKWARD);
    ComputationResult c = run(chunked, p, groups, b);
    ComputationResult reference = run(new EighComputation(), p, groups, b);
    // 3 chunks: 3 Gram passes, 3 V·w passes
    assertEquals(6, chunked.lastPassCounts().factorPasses());
    assertFalse(chunked.lastPassCounts().factorsKept());
    assertTrue(
        c.runInfo().notes().stream()
            .anyMatch(n -> n.startsWith("factor pass in 3 chunks of 3 GGN samples")),
        c.runInfo().notes().toString());
    Compare.assertClose(
        "Gram eigenvalues",
        c.group("all").gramEvals(),
        reference.group("all").gramEvals(),
        Tolerances.F64_EVALS);
    Compare.assertClose(
        "eigenvectors",
        c.group("all").evecs(),
        reference.group("all").evecs(),
        Tolerances.F64_DIRECTIONAL);
  }

  /**
   * A chunked run tells its listener of each sequence of passes, before the first and after each (3
   * chunks: 3 Gram passes over pairs, then 3 passes for the one V·w); a plain run of the same
   * problem reports nothing.
   */
  @Test
  void aChunkedRunReportsItsPasses() {
    RandomProblems.Instance p = mlp();
    Backend b = TestBackends.get("cpu-float64");
    List<ParamGroup> groups =
        List.of(new ParamGroup("all", IntStream.range(0, 4).toArray(), Criterion.topK(3)));
    List<String> heard = new ArrayList<>();
    PassProgress listener = (what, done, total) -> heard.add(what + " " + done + "/" + total);
    run(new EighComputation().withFactorChunk(AWKWARD).reportPassesTo(listener), p, groups, b);
    List<String> expected = new ArrayList<>();
    for (String what : List.of(FactorChunks.GRAM_PASSES, FactorChunks.PRODUCT_PASSES)) {
      for (int done = 0; done <= 3; done++) {
        expected.add(what + " " + done + "/3");
      }
    }
    assertEquals(expected, heard);
    heard.clear();
    run(new EighComputation().reportPassesTo(listener), p, groups, b);
    assertEquals(List.of(), heard);
  }

  /**
   * Without a chunk size, a factor-memory budget below the plain pass's chunks it, to the largest
   * chunk whose estimate fits; the estimate of the chunked run is below the plain one's.
   */
  @Test
  void theBudgetChoosesTheChunk() {
    RandomProblems.Instance p = mlp();
    List<ParamGroup> groups =
        List.of(new ParamGroup("all", IntStream.range(0, 4).toArray(), Criterion.topK(2)));
    long plainPeak =
        new DirectionalDerivativesComputation()
            .memoryEstimate(p.network(), N, groups, true)
            .factorPassBytes();
    var budgeted = new DirectionalDerivativesComputation().withFactorMemory(plainPeak / 3);
    long chunkedPeak = budgeted.memoryEstimate(p.network(), N, groups, true).factorPassBytes();
    assertTrue(chunkedPeak <= plainPeak / 3, chunkedPeak + " > " + plainPeak / 3);
    ComputationResult r = run(budgeted, p, groups, TestBackends.get("cpu-float64"));
    assertTrue(
        r.runInfo().notes().stream().anyMatch(n -> n.startsWith("factor pass in ")),
        r.runInfo().notes().toString());
    assertTrue(budgeted.lastPassCounts().factorPasses() > 2);
  }

  /**
   * A budget that no chunk meets, on a network whose chunked run would need more than the plain one
   * (fmnist_2c2d at N = 32: its V·w phase, which chunks do not shrink, outweighs the factor, and
   * without kept factors each chunk backpropagates again): the plain pass is planned, not the
   * smallest chunks.
   */
  @Test
  void anUnmeetableBudgetKeepsThePlainPassWhenChunksWouldNeedMore() {
    int n = 32;
    var p = org.vivit4j.problems.DeepObsProblems.fmnist2c2d(1L, n, 10, null).problem();
    long plain =
        new DirectionalDerivativesComputation()
            .memoryEstimate(p.network(), n, p.groups(), true)
            .factorPassBytes();
    long oneSample =
        new DirectionalDerivativesComputation()
            .withFactorChunk(1)
            .memoryEstimate(p.network(), n, p.groups(), true)
            .factorPassBytes();
    assertTrue(oneSample >= plain, "chunks of one sample need " + oneSample + " < " + plain);
    long budgeted =
        new DirectionalDerivativesComputation()
            .withFactorMemory(1)
            .memoryEstimate(p.network(), n, p.groups(), true)
            .factorPassBytes();
    assertEquals(plain, budgeted);
  }

  @Test
  void badChunkAndBudgetAreRefused() {
    var c = new DirectionalDerivativesComputation();
    assertThrowsMessage(() -> c.withFactorChunk(0), "chunk");
    assertThrowsMessage(() -> c.withFactorMemory(0), "budget");
  }

  private static void assertThrowsMessage(Runnable r, String word) {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(word), e.getMessage());
  }

  private static ComputationResult run(
      GgnComputation c, RandomProblems.Instance p, List<ParamGroup> groups, Backend b) {
    assertEquals(Precision.FLOAT64, b.precision());
    return c.run(p.network(), p.loss(), p.batch(), groups, b);
  }
}
