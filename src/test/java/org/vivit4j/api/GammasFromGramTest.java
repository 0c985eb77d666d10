package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomConvNets;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * γ from each gradient sample's Gram rows ({@link org.vivit4j.core.GradientCoefficients}) against γ
 * from the gradient cross terms, in the same run setting: the same Gram and eigenvectors, so γ must
 * agree to the dtype's round-off for every loss, reduction, the full and the reduced cross-entropy
 * factor, conv nets, sub-sampled GGNs, both dtypes and both backends. Where the Gram rows cannot
 * serve (a gradient sample outside the GGN samples, the Monte-Carlo factor), the run computes cross
 * terms and says why.
 */
class GammasFromGramTest {
  private static final String FROM_CROSS = "γ: from gradient cross terms (";

  private static RandomProblems.Instance problem(String name) {
    LossSpec ce = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);
    Activation[] tanh = {Activation.TANH, Activation.RELU};
    int[] widths = {6, 7, 5, 4};
    return switch (name) {
      case "mse-mean" ->
          RandomProblems.mlp(3, widths, tanh, new LossSpec(LossType.MSE, Reduction.MEAN), 9, true);
      case "mse-sum" ->
          RandomProblems.mlp(4, widths, tanh, new LossSpec(LossType.MSE, Reduction.SUM), 8, true);
      case "bce-mean" ->
          RandomProblems.mlp(
              5, widths, tanh, new LossSpec(LossType.BCE_WITH_LOGITS, Reduction.MEAN), 7, true);
      case "ce-mean" -> RandomProblems.mlp(6, widths, tanh, ce, 9, true);
      case "ce-sum" ->
          RandomProblems.mlp(
              7, widths, tanh, new LossSpec(LossType.CROSS_ENTROPY, Reduction.SUM), 7, false);
      case "conv-ce" ->
          RandomConvNets.instance(23, RandomConvNets.drawArch(new SplittableRandom(8), 4), ce, 7);
      default -> throw new IllegalArgumentException(name);
    };
  }

  static Stream<Arguments> settings() {
    List<String> problems =
        List.of("mse-mean", "mse-sum", "bce-mean", "ce-mean", "ce-sum", "conv-ce");
    // dense: the full factor (the whole spectrum); lanczos: cross-entropy's reduced factor
    return problems.stream()
        .flatMap(
            p ->
                TestBackends.names().stream()
                    .flatMap(
                        b ->
                            Stream.of(EigenSolver.DENSE, EigenSolver.LANCZOS)
                                .flatMap(
                                    s ->
                                        Stream.of(false, true)
                                            .map(sub -> Arguments.of(p, b, s, sub)))));
  }

  private static List<ParamGroup> groups(RandomProblems.Instance p) {
    int tensors = p.network().params().size();
    Criterion top = Criterion.topK(3);
    return List.of(
        new ParamGroup("all", IntStream.range(0, tensors).toArray(), top),
        new ParamGroup("first", new int[] {0, 1}, top));
  }

  private static ComputationResult run(
      RandomProblems.Instance p,
      List<ParamGroup> groups,
      ComputationOptions options,
      Backend b,
      boolean fromGram) {
    return new OutputsComputation(options, EnumSet.allOf(GgnOutput.class), Damping.constant(0.1))
        .withGammasFromGram(fromGram)
        .run(p.network(), p.loss(), p.batch(), groups, b);
  }

  private static boolean noted(ComputationResult r, String prefix) {
    return r.runInfo().notes().stream().anyMatch(s -> s.startsWith(prefix));
  }

  /**
   * With {@code subsampled}: the GGN on samples {4, 1, 6, 2, 0} and γ for samples {2, 4, 0} (a
   * subset in another order), so each gradient sample finds its rows at another position.
   */
  @ParameterizedTest(name = "{0} on {1}, {2}, sub-sampled {3}")
  @MethodSource("settings")
  void gammasFromTheGramRowsAreTheCrossTermsGammas(
      String name, String backend, EigenSolver solver, boolean subsampled) {
    RandomProblems.Instance p = problem(name);
    Backend b = TestBackends.get(backend);
    ComputationOptions options = ComputationOptions.defaults().withEigenSolver(solver);
    if (subsampled) {
      options = options.withSubsampling(new int[] {2, 4, 0}, new int[] {4, 1, 6, 2, 0});
    }
    List<ParamGroup> groups = groups(p);
    ComputationResult gram = run(p, groups, options, b, true);
    ComputationResult cross = run(p, groups, options, b, false);
    assertFalse(noted(gram, FROM_CROSS), gram.runInfo().notes()::toString);
    assertTrue(noted(cross, FROM_CROSS + "asked for)"), cross.runInfo().notes()::toString);
    double tol =
        b.precision() == Precision.FLOAT32 ? Tolerances.F32_RESULTS : Tolerances.F64_DIRECTIONAL;
    for (ParamGroup g : groups) {
      GroupResult a = gram.group(g);
      GroupResult c = cross.group(g);
      String what = name + " " + backend + " " + solver + " " + g.name();
      // the same Gram and eigenpairs (up to the order of a conv layer's sums): only γ's path
      // differs, and with the same eigenvectors γ has no sign or cluster ambiguity
      Compare.assertClose(what + " evals", a.evals(), c.evals(), tol);
      Compare.assertClose(what + " γ", a.gammas(), c.gammas(), tol);
      Compare.assertClose(what + " λ", a.lambdas(), c.lambdas(), tol);
      Compare.assertClose(what + " newton_step", a.newtonStep(), c.newtonStep(), tol);
      assertEquals(options.subsamplingGrad() == null ? p.batch().n() : 3, a.gammas().length);
    }
  }

  /**
   * A gradient sample outside the GGN samples has no Gram rows, and Monte-Carlo factors need not
   * span the gradient: those runs compute cross terms and say why.
   */
  @Test
  void runsWithoutGramRowsForEveryGradientSampleComputeCrossTerms() {
    RandomProblems.Instance p = problem("ce-mean");
    Backend b = TestBackends.get("cpu-float64");
    ComputationOptions outside =
        ComputationOptions.defaults().withSubsampling(new int[] {2, 5}, new int[] {4, 1, 2});
    List<ParamGroup> groups = groups(p);
    ComputationResult r = run(p, groups, outside, b, true);
    assertTrue(
        noted(r, FROM_CROSS + "gradient sample 5 is not a GGN sample)"),
        r.runInfo().notes()::toString);
    ComputationResult mc =
        run(p, groups, ComputationOptions.defaults().withMonteCarlo(2, 9), b, true);
    assertTrue(
        noted(mc, FROM_CROSS + "a Monte-Carlo factor does not span the gradient)"),
        mc.runInfo().notes()::toString);
    assertNotNull(mc.group(groups.get(0)).gammas());
  }

  /**
   * BCE with an output whose logit is about 1000 for every sample: its factor column {@code √(hσ(1
   * − σ))} underflows to 0 while the gradient there, {@code h(σ − y)}, does not, so no sample's
   * gradient lies in its factor's span. The run computes cross terms, says so naming the first
   * sample, and its γ is the forced cross-term run's, bit for bit.
   */
  @Test
  void aFactorColumnThatLostTheGradientFallsBackToCrossTerms() {
    RandomProblems.Instance p = problem("bce-mean");
    java.util.List<org.vivit4j.model.LayerSpec> layers = p.network().layers();
    var last = (org.vivit4j.layers.LinearLayer.LinearSpec) layers.get(layers.size() - 1);
    last.bias()[0] = 1000;
    List<ParamGroup> groups = groups(p);
    Backend b = TestBackends.get("cpu-float64");
    ComputationResult r = run(p, groups, ComputationOptions.defaults(), b, true);
    assertTrue(
        noted(r, FROM_CROSS + "sample 0: the loss gives none)"), r.runInfo().notes()::toString);
    ComputationResult forced = run(p, groups, ComputationOptions.defaults(), b, false);
    for (ParamGroup g : groups) {
      Compare.assertClose(g.name() + " γ", r.group(g).gammas(), forced.group(g).gammas(), 0);
    }
  }
}
