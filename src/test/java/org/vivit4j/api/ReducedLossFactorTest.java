package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.GramLayout;
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
 * The rank-reduced cross-entropy factor ({@code C − 1} columns per sample, {@link
 * RunSizing#usesReducedFactor}) changes no result: a run with it (Lanczos, the top of the spectrum)
 * gives the dense run's numbers with the full factor, and the whole spectrum's size and indices;
 * runs whose results could see the dropped zero eigenvalues keep the full factor.
 */
class ReducedLossFactorTest {
  private static final LossSpec CE = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);
  private static final String NOTE = "loss factor:";

  private static RandomProblems.Instance mlp() {
    return RandomProblems.mlp(
        3, new int[] {6, 7, 5}, new Activation[] {Activation.TANH}, CE, 9, true);
  }

  private static RandomProblems.Instance conv() {
    RandomConvNets.Arch arch = RandomConvNets.drawArch(new SplittableRandom(8), 4);
    return RandomConvNets.instance(23, arch, CE, 7);
  }

  private static List<ParamGroup> groups(RandomProblems.Instance p, Criterion c) {
    int tensors = p.network().params().size();
    return List.of(
        new ParamGroup("all", IntStream.range(0, tensors).toArray(), c),
        new ParamGroup("last", new int[] {tensors - 2, tensors - 1}, c));
  }

  private static ComputationResult run(
      RandomProblems.Instance p, List<ParamGroup> groups, EigenSolver solver, long arrayLimit) {
    Backend b = TestBackends.get("cpu-float64");
    GgnComputation c =
        new OutputsComputation(
                ComputationOptions.defaults().withEigenSolver(solver),
                EnumSet.allOf(GgnOutput.class),
                Damping.constant(0.1))
            .withArrayLimit(arrayLimit);
    return c.run(p.network(), p.loss(), p.batch(), groups, b);
  }

  private static boolean noted(ComputationResult r) {
    return r.runInfo().notes().stream().anyMatch(s -> s.startsWith(NOTE));
  }

  /**
   * "mlp-packed": a Gram past a forced 300-entry array limit (36 reduced rows, 666 packed entries)
   * assembled from chunk pairs, as {@link PackedGramTest} does with the full factor.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mlp", "conv", "mlp-packed"})
  void theReducedFactorGivesTheFullFactorsResults(String net) {
    RandomProblems.Instance p = net.equals("conv") ? conv() : mlp();
    List<ParamGroup> groups = groups(p, Criterion.topK(4));
    boolean packed = net.equals("mlp-packed");
    ComputationResult reduced =
        run(p, groups, EigenSolver.LANCZOS, packed ? 300 : GramLayout.ARRAY_LIMIT);
    ComputationResult full = run(p, groups, EigenSolver.DENSE, GramLayout.ARRAY_LIMIT);
    assertTrue(noted(reduced), "the reduced run says so: " + reduced.runInfo().notes());
    if (packed) {
      List<String> notes = reduced.runInfo().notes();
      assertTrue(
          notes.stream().anyMatch(s -> s.contains("packed lower triangle (float64), 36 rows in 3")),
          notes.toString());
      assertTrue(notes.stream().anyMatch(s -> s.startsWith("factor pass in ")), notes.toString());
    }
    assertFalse(noted(full), "a dense run keeps the full factor");
    int c = p.network().outputSize();
    int n = p.batch().n();
    for (ParamGroup g : groups) {
      GroupResult r = reduced.group(g);
      GroupResult f = full.group(g);
      String what = net + " " + g.name();
      // the whole spectrum counts the N dropped zeros: the same size and indices
      assertEquals(n * c, r.spectrum().size(), what + " gram_size");
      assertEquals(f.spectrum().size(), r.spectrum().size(), what + " gram_size");
      assertEquals(n * c - r.gramEvals().length, r.gramEvalsOffset(), what + " offset");
      assertArrayEquals(f.selectedIndices(), r.selectedIndices(), what + " selected");
      double[] top =
          java.util.Arrays.copyOfRange(
              f.gramEvals(), f.gramEvals().length - r.gramEvals().length, f.gramEvals().length);
      Compare.assertClose(what + " gram_evals", r.gramEvals(), top, Tolerances.F64_EVALS);
      Compare.assertClose(what + " evals", r.evals(), f.evals(), Tolerances.F64_EVALS);
      assertEquals(f.ggnTrace(), r.ggnTrace(), Tolerances.F64_EVALS * f.ggnTrace(), what);
      assertEquals(
          f.ggnFrobeniusNorm(),
          r.ggnFrobeniusNorm(),
          Tolerances.F64_EVALS * f.ggnFrobeniusNorm(),
          what);
      Compare.assertDirectional(
          what,
          f.evals(),
          f.gramEvals()[f.gramEvals().length - f.evals().length - 1],
          r.gammas(),
          f.gammas(),
          r.lambdas(),
          f.lambdas(),
          Tolerances.F64_LANCZOS_CLUSTER_GAP,
          Tolerances.F64_DIRECTIONAL);
      // the damped Newton step is a sum over eigenspaces: no sign or cluster ambiguity
      Compare.assertClose(
          what + " newton_step", r.newtonStep(), f.newtonStep(), Tolerances.F64_DIRECTIONAL);
      int compared = 0;
      for (int k = 0; k < f.evals().length; k++) {
        if (isolated(f.gramEvals(), f.gramEvals().length - f.evals().length + k)) {
          // canonical signs on both sides: the vectors themselves agree
          Compare.assertClose(
              what + " evec " + k, r.evecs()[k], f.evecs()[k], Tolerances.F64_DIRECTIONAL);
          compared++;
        }
      }
      assertTrue(compared > 0, what + ": no isolated eigenvalue to compare eigenvectors by");
    }
  }

  /** Whether {@code evals[i]} is apart from its neighbours by the Lanczos cluster gap. */
  private static boolean isolated(double[] evalsAsc, int i) {
    double gap = Tolerances.F64_LANCZOS_CLUSTER_GAP * evalsAsc[evalsAsc.length - 1];
    boolean below = i == 0 || evalsAsc[i] - evalsAsc[i - 1] > gap;
    boolean above = i == evalsAsc.length - 1 || evalsAsc[i + 1] - evalsAsc[i] > gap;
    return below && above;
  }

  /**
   * Where a result could see the zeros the reduced Gram drops, or the loss has no rank to spare,
   * the run keeps the full factor: the dense eigensolver (the whole spectrum), any threshold (its
   * search could exhaust the reduced spectrum and return no eigenvalue at or below it, though the
   * dropped zeros are), top-k past {@code N·(C − 1)}, the Monte-Carlo GGN, MSE.
   */
  @Test
  void runsThatCouldSeeTheDroppedZerosKeepTheFullFactor() {
    RandomProblems.Instance p = mlp();
    int n = p.batch().n();
    int c = p.network().outputSize();
    List<GgnComputation> keepFull = new ArrayList<>();
    List<List<ParamGroup>> groups = new ArrayList<>();
    ComputationOptions lanczos = ComputationOptions.defaults().withEigenSolver(EigenSolver.LANCZOS);
    keepFull.add(new EigvalshComputation(ComputationOptions.defaults()));
    groups.add(groups(p, Criterion.topK(3)));
    keepFull.add(new EigvalshComputation(lanczos.withMonteCarlo(2, 5)));
    groups.add(groups(p, Criterion.topK(3)));
    for (int i = 0; i < keepFull.size(); i++) {
      ComputationResult r =
          keepFull.get(i).run(p.network(), p.loss(), p.batch(), groups.get(i), cpu());
      assertFalse(noted(r), "case " + i + ": " + r.runInfo().notes());
    }
    // a threshold of 0 or above keeps the full factor too; k = N·(C − 1) is the largest k reduced
    for (double t : new double[] {0, 1e-3}) {
      ComputationResult r =
          new EigvalshComputation(lanczos)
              .run(p.network(), p.loss(), p.batch(), groups(p, Criterion.threshold(t)), cpu());
      assertFalse(noted(r), "threshold " + t + ": " + r.runInfo().notes());
    }
    // (criteria that select zeros are refused by the run, whatever the factor: asked directly)
    GgnComputation e0 = new EigvalshComputation(lanczos);
    assertFalse(e0.usesReducedFactor(p.loss(), p.network(), n, groups(p, Criterion.threshold(-1))));
    assertTrue(
        e0.usesReducedFactor(p.loss(), p.network(), n, groups(p, Criterion.topK(n * (c - 1)))));
    assertFalse(
        e0.usesReducedFactor(p.loss(), p.network(), n, groups(p, Criterion.topK(n * (c - 1) + 1))));
    RandomProblems.Instance mse =
        RandomProblems.mlp(
            3,
            new int[] {6, 7, 5},
            new Activation[] {Activation.TANH},
            new LossSpec(LossType.MSE, Reduction.MEAN),
            9,
            true);
    GgnComputation e = new EigvalshComputation(lanczos);
    ComputationResult r =
        e.run(mse.network(), mse.loss(), mse.batch(), groups(mse, Criterion.topK(3)), cpu());
    assertFalse(noted(r), "MSE's Hessian has full rank");
  }

  private static Backend cpu() {
    return TestBackends.get("cpu-float64");
  }
}
