package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.Backend;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomConvNets;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * One computation asking for several outputs gives, bit for bit, what the separate computations
 * give (the same Gram, eigensolve and {@code V·w} products), from one backward pass of the factor
 * and one eigensolve per group; the separate ones, run as before (the factor backpropagated again
 * for every {@code V·w}), need two (eigenvectors, directional derivatives) or three (Newton)
 * passes.
 */
class OutputsComputationTest {
  private static final Damping DAMPING = Damping.constant(0.1);

  private static final Set<GgnOutput> EVERYTHING = EnumSet.allOf(GgnOutput.class);

  /** A soft budget of one entry: Conv2d weight Grams in blocks of one sample, never V_W whole. */
  private static final ConvGramPolicy ONE_SAMPLE_BLOCKS =
      new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, 1);

  /** A case: a network and batch, its groups, the options. */
  record Case(
      String id, RandomProblems.Instance problem, List<int[]> groups, ComputationOptions o) {
    @Override
    public String toString() {
      return id;
    }

    List<ParamGroup> paramGroups(int k) {
      List<ParamGroup> out = new ArrayList<>();
      for (int j = 0; j < groups.size(); j++) {
        out.add(new ParamGroup("g" + j, groups.get(j), Criterion.topK(k)));
      }
      return out;
    }
  }

  /** An MLP with a LayerNorm, two groups, both sample subsets. */
  static Case mlp() {
    RandomProblems.Instance p =
        RandomProblems.mlp(
            7,
            new int[] {5, 6, 4, 3},
            new Activation[] {Activation.TANH, Activation.RELU},
            new RandomProblems.Extra[] {RandomProblems.Extra.LAYER_NORM, RandomProblems.Extra.NONE},
            new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
            6,
            true);
    int tensors = p.network().params().size();
    return new Case(
        "mlp-layernorm-subsampled",
        p,
        List.of(new int[] {0, 1}, IntStream.range(2, tensors).toArray()),
        ComputationOptions.defaults().withSubsampling(new int[] {4, 0, 2}, new int[] {1, 3, 5, 0}));
  }

  /** A random Conv2d network (convolution, pooling, Linear), its conv and Linear tensors apart. */
  static Case conv(boolean monteCarlo) {
    RandomConvNets.Arch arch = RandomConvNets.drawArch(new SplittableRandom(5), 3);
    RandomProblems.Instance p =
        RandomConvNets.instance(17, arch, new LossSpec(LossType.MSE, Reduction.SUM), 5);
    int tensors = p.network().params().size();
    ComputationOptions o = ComputationOptions.defaults();
    return new Case(
        "conv-" + arch + (monteCarlo ? "-mc2" : ""),
        p,
        List.of(IntStream.range(0, tensors - 2).toArray(), new int[] {tensors - 2, tensors - 1}),
        monteCarlo ? o.withMonteCarlo(2, 9) : o);
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String backend : TestBackends.names()) {
      for (Case c : List.of(mlp(), conv(false), conv(true))) {
        out.add(Arguments.of(backend, c));
      }
    }
    return out.stream();
  }

  private static ComputationResult run(
      GgnComputation c, Case cs, List<ParamGroup> groups, Backend b) {
    RandomProblems.Instance p = cs.problem();
    return c.run(p.network(), p.loss(), p.batch(), groups, b);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void everyOutputFromOnePassEqualsTheSeparateComputationsBitForBit(String backend, Case cs) {
    Backend b = TestBackends.get(backend);
    List<ParamGroup> groups = cs.paramGroups(3);
    // V_W in one-sample blocks, so that no Conv2d V_W of all samples is kept and V·w sums in the
    // same order in both (aConvWeightsVIsKeptForItsVwWhenItFits covers the kept V_W)
    var all =
        new OutputsComputation(cs.o(), EVERYTHING, DAMPING)
            .withFactorReuse(FactorReuse.KEEP)
            .withConvGramPolicy(ONE_SAMPLE_BLOCKS);
    ComputationResult one = run(all, cs, groups, b);
    var eigh =
        new EighComputation(cs.o())
            .withFactorReuse(FactorReuse.RERUN)
            .withConvGramPolicy(ONE_SAMPLE_BLOCKS);
    ComputationResult e = run(eigh, cs, groups, b);
    var dd =
        new DirectionalDerivativesComputation(cs.o())
            .withFactorReuse(FactorReuse.RERUN)
            .withConvGramPolicy(ONE_SAMPLE_BLOCKS);
    ComputationResult d = run(dd, cs, groups, b);
    var newton =
        new DirectionalDampedNewtonComputation(cs.o(), DAMPING)
            .withFactorReuse(FactorReuse.RERUN)
            .withConvGramPolicy(ONE_SAMPLE_BLOCKS);
    ComputationResult s = run(newton, cs, groups, b);

    int g = groups.size();
    assertEquals(new PassCounts(1, g, true), all.lastPassCounts());
    assertEquals(new PassCounts(2, g, false), eigh.lastPassCounts());
    assertEquals(new PassCounts(2, g, false), dd.lastPassCounts());
    assertEquals(new PassCounts(3, g, false), newton.lastPassCounts());
    for (ParamGroup group : groups) {
      GroupResult r = one.group(group);
      assertSameSpectrum(e.group(group), r);
      assertSameSpectrum(d.group(group), r);
      assertSameSpectrum(s.group(group), r);
      assertRowsEqual(e.group(group).evecs(), r.evecs(), "evecs");
      assertRowsEqual(d.group(group).gammas(), r.gammas(), "gammas");
      assertRowsEqual(d.group(group).lambdas(), r.lambdas(), "lambdas");
      assertArrayEquals(d.group(group).gammaSnr(), r.gammaSnr(), 0.0, "gamma_snr");
      assertArrayEquals(d.group(group).lambdaSnr(), r.lambdaSnr(), 0.0, "lambda_snr");
      assertArrayEquals(s.group(group).dampings(), r.dampings(), 0.0, "dampings");
      assertArrayEquals(s.group(group).newtonStep(), r.newtonStep(), 0.0, "newton_step");
    }
    assertArrayEquals(e.batch().grad(), one.batch().grad(), 0.0);
  }

  /**
   * γ without eigenvectors reads their signs tile by tile: its estimate holds no parameter-space
   * directions, while γ with the eigenvectors holds K·D doubles per group; a chunked pass (whose
   * chunks sum their products) stores them for γ alone too.
   */
  @Test
  void gammaAloneStoresNoParameterSpaceDirections() {
    Case cs = conv(false);
    RandomProblems.Instance p = cs.problem();
    List<ParamGroup> groups = cs.paramGroups(3);
    long dims = 0;
    for (ParamGroup g : groups) {
      for (int t : g.params()) {
        dims += p.network().params().get(t).numel();
      }
    }
    String part = "parameter-space directions";
    var gammas = new OutputsComputation(cs.o(), EnumSet.of(GgnOutput.GAMMAS));
    assertEquals(0, partBytes(gammas.memoryEstimate(p.network(), 5, groups, true), part));
    var both = new OutputsComputation(cs.o(), EnumSet.of(GgnOutput.EIGENVECTORS, GgnOutput.GAMMAS));
    assertEquals(8 * 3 * dims, partBytes(both.memoryEstimate(p.network(), 5, groups, true), part));
    var chunked = new OutputsComputation(cs.o(), EnumSet.of(GgnOutput.GAMMAS)).withFactorChunk(2);
    assertEquals(
        8 * 3 * dims, partBytes(chunked.memoryEstimate(p.network(), 5, groups, true), part));
  }

  /** The bytes of an estimate's parts named {@code what}. */
  private static long partBytes(org.vivit4j.core.MemoryEstimate estimate, String what) {
    return estimate.parts().stream()
        .filter(part -> part.what().equals(what))
        .mapToLong(part -> part.bytes())
        .sum();
  }

  /** The Gram spectrum, selection, trace and norm: the same Gram and the same eigensolve. */
  private static void assertSameSpectrum(GroupResult expected, GroupResult actual) {
    assertArrayEquals(expected.gramEvals(), actual.gramEvals(), 0.0, "gram_evals");
    assertArrayEquals(expected.selectedIndices(), actual.selectedIndices(), "selected_indices");
    assertArrayEquals(expected.evals(), actual.evals(), 0.0, "evals");
    assertEquals(expected.ggnTrace(), actual.ggnTrace(), 0.0, "trace");
    assertEquals(expected.ggnFrobeniusNorm(), actual.ggnFrobeniusNorm(), 0.0, "norm");
    assertEquals(expected.warnings(), actual.warnings());
  }

  private static void assertRowsEqual(double[][] expected, double[][] actual, String what) {
    assertNotNull(expected, what);
    assertNotNull(actual, what);
    assertEquals(expected.length, actual.length, what + " rows");
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], actual[i], 0.0, what + " row " + i);
    }
  }

  /**
   * A result holds exactly what was asked for (and the spectrum), and each set costs one factor
   * pass: λ alone needs no {@code V·w}, γ needs one for the eigenvectors' signs.
   */
  @Test
  void eachSetReturnsExactlyItsOutputsFromOnePass() {
    Backend b = TestBackends.get("cpu-float64");
    Case cs = mlp();
    List<ParamGroup> groups = cs.paramGroups(2);
    record Expect(Set<GgnOutput> asked, boolean evecs, boolean gammas, boolean lambdas) {}
    for (Expect x :
        List.of(
            new Expect(EnumSet.of(GgnOutput.EIGENVALUES), false, false, false),
            new Expect(EnumSet.of(GgnOutput.LAMBDAS), false, false, true),
            new Expect(EnumSet.of(GgnOutput.GAMMAS), false, true, false),
            new Expect(EnumSet.of(GgnOutput.EIGENVECTORS, GgnOutput.LAMBDAS), true, false, true),
            new Expect(EnumSet.of(GgnOutput.NEWTON_STEP), false, false, false))) {
      boolean newton = x.asked().contains(GgnOutput.NEWTON_STEP);
      var c = new OutputsComputation(cs.o(), x.asked(), newton ? DAMPING : null);
      ComputationResult r = run(c, cs, groups, b);
      String id = x.asked().toString();
      assertTrue(c.outputs().contains(GgnOutput.EIGENVALUES), id);
      boolean appliesFactor = x.evecs() || x.gammas() || newton;
      assertEquals(new PassCounts(1, groups.size(), appliesFactor), c.lastPassCounts(), id);
      for (GroupResult g : r.groups()) {
        assertEquals(2, g.evals().length, id);
        assertEquals(x.evecs(), g.evecs() != null, id + " evecs");
        assertEquals(x.gammas(), g.gammas() != null, id + " gammas");
        assertEquals(x.gammas(), g.gammaSnr() != null, id + " gamma_snr");
        assertEquals(x.lambdas(), g.lambdas() != null, id + " lambdas");
        assertEquals(x.lambdas(), g.lambdaSnr() != null, id + " lambda_snr");
        assertEquals(newton, g.newtonStep() != null, id + " newton_step");
        assertEquals(newton, g.dampings() != null, id + " dampings");
      }
    }
  }

  /**
   * {@link FactorReuse#AUTO} keeps the factors when the estimate with them fits the heap limit, and
   * otherwise backpropagates again, says so in the notes, and gives the same numbers.
   */
  @Test
  void autoRerunsThePassWhenKeptFactorsWouldNotFitAndSaysSo() {
    Backend b = TestBackends.get("cpu-float64");
    Case cs = conv(false);
    List<ParamGroup> groups = cs.paramGroups(3);
    RandomProblems.Instance p = cs.problem();
    Set<GgnOutput> asked = EnumSet.of(GgnOutput.EIGENVECTORS, GgnOutput.GAMMAS);
    long withKept =
        new OutputsComputation(cs.o(), asked)
            .withConvGramPolicy(ONE_SAMPLE_BLOCKS)
            .withFactorReuse(FactorReuse.KEEP)
            .memoryEstimate(p.network(), p.batch().n(), groups, true)
            .peakBytes();
    long without =
        new OutputsComputation(cs.o(), asked)
            .withConvGramPolicy(ONE_SAMPLE_BLOCKS)
            .withFactorReuse(FactorReuse.RERUN)
            .memoryEstimate(p.network(), p.batch().n(), groups, true)
            .peakBytes();
    assertTrue(withKept > without, "kept factors must cost memory: " + withKept + " " + without);
    // the kept factors: G·size_out doubles for every layer holding a tensor (G = C·N)
    long expected = 0;
    for (int layer : p.network().params().stream().mapToInt(t -> t.layer()).distinct().toArray()) {
      expected += 8L * 3 * p.batch().n() * p.network().sizeBefore(layer + 1);
    }
    assertEquals(
        expected,
        partBytes(
            new OutputsComputation(cs.o(), asked)
                .withConvGramPolicy(ONE_SAMPLE_BLOCKS)
                .withFactorReuse(FactorReuse.KEEP)
                .memoryEstimate(p.network(), p.batch().n(), groups, true),
            "kept factors for V·w"));

    // just below what keeping needs with its headroom
    long needed = (long) Math.ceil(withKept * RunSizing.KEEP_HEADROOM);
    var tight =
        new OutputsComputation(cs.o(), asked)
            .withConvGramPolicy(ONE_SAMPLE_BLOCKS)
            .assumingHeapLimit(needed - 1024);
    ComputationResult rerun = run(tight, cs, groups, b);
    assertEquals(new PassCounts(2, groups.size(), false), tight.lastPassCounts());
    assertTrue(
        rerun.runInfo().notes().stream().anyMatch(n -> n.contains("backpropagated again")),
        rerun.runInfo().notes().toString());
    // the note names the need it compared: a heap taken whole counts the estimate once
    String need =
        "would make the run need "
            + org.vivit4j.core.MemoryEstimate.gib(withKept)
            + ", too close to the heap a run plans for, ";
    assertTrue(
        rerun.runInfo().notes().stream().anyMatch(n -> n.contains(need)),
        rerun.runInfo().notes().toString());

    var roomy =
        new OutputsComputation(cs.o(), asked)
            .withConvGramPolicy(ONE_SAMPLE_BLOCKS)
            .assumingHeapLimit(needed + 1024);
    ComputationResult kept = run(roomy, cs, groups, b);
    assertEquals(new PassCounts(1, groups.size(), true), roomy.lastPassCounts());
    assertFalse(
        kept.runInfo().notes().stream().anyMatch(n -> n.contains("backpropagated again")),
        kept.runInfo().notes().toString());
    for (ParamGroup g : groups) {
      assertRowsEqual(rerun.group(g).evecs(), kept.group(g).evecs(), "evecs");
      assertRowsEqual(rerun.group(g).gammas(), kept.group(g).gammas(), "gammas");
    }
  }

  /**
   * With room for it, a run that keeps its factors keeps each Conv2d weight's {@code V_W} formed
   * whole for the Gram and computes that weight's {@code V·w} as one product with it: the same
   * numbers as a second pass to round-off, said in the notes, counted by the estimate ({@link
   * #withoutRoomForVwTheFactorsAloneAreKept} covers the heap without room for it).
   */
  @Test
  void aConvWeightsVIsKeptForItsVwWhenItFits() {
    Backend b = TestBackends.get("cpu-float64");
    Case cs = conv(false);
    List<ParamGroup> groups = cs.paramGroups(3);
    RandomProblems.Instance p = cs.problem();
    Set<GgnOutput> asked = EnumSet.of(GgnOutput.EIGENVECTORS, GgnOutput.GAMMAS);
    ConvGramPolicy roomy = new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, 1L << 24);
    var rerun =
        new OutputsComputation(cs.o(), asked)
            .withFactorReuse(FactorReuse.RERUN)
            .withConvGramPolicy(roomy);
    ComputationResult second = run(rerun, cs, groups, b);
    var estimate =
        new OutputsComputation(cs.o(), asked)
            .withConvGramPolicy(roomy)
            .memoryEstimate(p.network(), p.batch().n(), groups, true);
    long withV = partBytes(estimate, "kept Conv2d V_W for V·w");
    assertTrue(withV > 0, "the estimate counts the kept V_W");

    var keep = new OutputsComputation(cs.o(), asked).withConvGramPolicy(roomy);
    ComputationResult kept = run(keep, cs, groups, b);
    assertEquals(new PassCounts(1, groups.size(), true), keep.lastPassCounts());
    assertTrue(
        kept.runInfo().notes().stream().anyMatch(n -> n.contains("V_W formed whole")),
        kept.runInfo().notes().toString());
    for (ParamGroup g : groups) {
      assertArrayEquals(second.group(g).evals(), kept.group(g).evals(), 0.0, "the same Gram");
      assertVectorsClose(
          second.group(g).evecs(), kept.group(g).evecs(), Tolerances.F64_REORDERED_APPLY);
    }
  }

  /**
   * The float32 backends serve a Conv2d's {@code V·w} from the kept {@code V_W} and {@code V_b} too
   * (no host factor): the Gram and its eigenvectors are those of a second pass bit for bit, and the
   * parameter-space vectors agree to float32 round-off of the reordered sums.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"cpu-float32", "opencl-float32"})
  void float32BackendsServeConvVwFromTheKeptMatrices(String backend) {
    Backend b = TestBackends.get(backend);
    Case cs = conv(false);
    List<ParamGroup> groups = cs.paramGroups(3);
    Set<GgnOutput> asked = EnumSet.of(GgnOutput.EIGENVECTORS, GgnOutput.GAMMAS);
    ConvGramPolicy roomy = new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, 1L << 24);
    var keep = new OutputsComputation(cs.o(), asked).withConvGramPolicy(roomy);
    ComputationResult kept = run(keep, cs, groups, b);
    assertTrue(
        kept.runInfo().notes().stream().anyMatch(n -> n.contains("V_W formed whole")),
        kept.runInfo().notes().toString());
    var rerun =
        new OutputsComputation(cs.o(), asked)
            .withFactorReuse(FactorReuse.RERUN)
            .withConvGramPolicy(roomy);
    ComputationResult second = run(rerun, cs, groups, b);
    for (ParamGroup g : groups) {
      assertArrayEquals(second.group(g).evals(), kept.group(g).evals(), 0.0, "the same Gram");
      assertVectorsClose(second.group(g).evecs(), kept.group(g).evecs(), Tolerances.F32_RESULTS);
    }
  }

  /** Each row of {@code actual} within {@code tol} times its largest expected entry. */
  private static void assertVectorsClose(double[][] expected, double[][] actual, double tol) {
    assertEquals(expected.length, actual.length, "vectors");
    for (int k = 0; k < expected.length; k++) {
      double scale = 0;
      for (double v : expected[k]) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertArrayEquals(expected[k], actual[k], tol * scale, "vector " + k);
    }
  }

  /**
   * Room for the kept factors but not for {@code V_W} as well: the factors alone. On fmnist_2c2d,
   * whose conv2 {@code V_W} (51 200 weights a row) outweighs the host factors that {@code V_W} and
   * {@code V_b} replace (conv1's and conv2's, 25 088 and 12 544 a row), so that such a heap limit
   * exists; where {@code V_W} is the smaller (the random net above), a limit that fits the factors
   * fits it too.
   */
  @Test
  void withoutRoomForVwTheFactorsAloneAreKept() {
    Backend b = TestBackends.get("cpu-float64");
    var fm = org.vivit4j.problems.DeepObsProblems.fmnist2c2d(0, 2, 10, null).problem();
    Set<GgnOutput> asked = EnumSet.of(GgnOutput.EIGENVECTORS, GgnOutput.GAMMAS);
    ConvGramPolicy roomy = new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, 1L << 24);
    ComputationOptions o = ComputationOptions.defaults();
    int n = fm.batch().n();
    // sized for a stated heap, not this JVM's: in a small test heap (-Xmx1g) AUTO would keep
    // nothing and the two estimates below would be the same run
    long heap = 8L << 30;
    long withV =
        new OutputsComputation(o, asked)
            .withConvGramPolicy(roomy)
            .assumingHeapLimit(heap)
            .memoryEstimate(fm.network(), fm.loss(), n, fm.groups(), true, false)
            .peakBytes();
    long factorsOnly =
        new OutputsComputation(o, asked)
            .withConvGramPolicy(roomy)
            .assumingHeapLimit(heap)
            .keptFactorsOnlyEstimate(fm.network(), fm.loss(), n, fm.groups(), true)
            .peakBytes();
    assertTrue(factorsOnly < withV, factorsOnly + " vs " + withV);

    var roomyRun =
        new OutputsComputation(o, asked).withConvGramPolicy(roomy).assumingHeapLimit(heap);
    ComputationResult all = roomyRun.run(fm.network(), fm.loss(), fm.batch(), fm.groups(), b);
    assertTrue(
        all.runInfo().notes().stream().anyMatch(x -> x.contains("V_W formed whole")),
        all.runInfo().notes().toString());

    var tight =
        new OutputsComputation(o, asked)
            .withConvGramPolicy(roomy)
            .assumingHeapLimit((long) Math.ceil(factorsOnly * RunSizing.KEEP_HEADROOM));
    ComputationResult noV = tight.run(fm.network(), fm.loss(), fm.batch(), fm.groups(), b);
    assertEquals(new PassCounts(1, fm.groups().size(), true), tight.lastPassCounts());
    assertFalse(
        noV.runInfo().notes().stream().anyMatch(x -> x.contains("V_W formed whole")),
        noV.runInfo().notes().toString());
    for (int g = 0; g < fm.groups().size(); g++) {
      ParamGroup group = fm.groups().get(g);
      assertArrayEquals(all.group(group).evals(), noV.group(group).evals(), 0.0, "the same Gram");
    }
  }

  @Test
  void aNewtonStepNeedsADampingRuleAndNothingElseTakesOne() {
    ComputationOptions o = ComputationOptions.defaults();
    assertThrows(
        IllegalArgumentException.class,
        () -> new OutputsComputation(o, EnumSet.of(GgnOutput.NEWTON_STEP)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new OutputsComputation(o, EnumSet.of(GgnOutput.GAMMAS), DAMPING));
    assertThrows(IllegalStateException.class, () -> new EighComputation().lastPassCounts());
  }

  /** ViViT's computations are the fixed sets of outputs they always returned. */
  @Test
  void vivitsComputationsArePresetSets() {
    assertEquals(EnumSet.of(GgnOutput.EIGENVALUES), new EigvalshComputation().outputs());
    assertEquals(
        EnumSet.of(GgnOutput.EIGENVALUES, GgnOutput.EIGENVECTORS), new EighComputation().outputs());
    assertEquals(
        EnumSet.of(GgnOutput.EIGENVALUES, GgnOutput.GAMMAS, GgnOutput.LAMBDAS),
        new DirectionalDerivativesComputation().outputs());
    assertEquals(
        EnumSet.of(
            GgnOutput.EIGENVALUES, GgnOutput.GAMMAS, GgnOutput.LAMBDAS, GgnOutput.NEWTON_STEP),
        new DirectionalDampedNewtonComputation(DAMPING).outputs());
  }
}
