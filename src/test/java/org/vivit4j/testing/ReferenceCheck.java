package org.vivit4j.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.HessianFactor;
import org.vivit4j.core.Scaling;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.loss.Loss;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.reference.ReferenceComputation;
import org.vivit4j.reference.ReferenceGroup;
import org.vivit4j.reference.ReferenceResult;

/**
 * Runs one {@link ProblemSetting} through the fast path on a backend and compares every output with
 * the autograd-style reference.
 */
public final class ReferenceCheck {
  private ReferenceCheck() {}

  /** The concrete computation drawn for a setting. */
  public record Drawn(
      RandomProblems.Instance instance,
      List<int[]> groupTensors,
      int[] subsamplingGrad,
      int[] subsamplingGgn) {}

  /** Draws groups and sub-sampling for {@code s} (seeded: the same on every backend). */
  public static Drawn draw(ProblemSetting s) {
    RandomProblems.Instance inst = s.instance();
    SplittableRandom rnd = new SplittableRandom(s.seed() ^ 0x5DEECE66DL);
    NetworkSpec net = inst.network();
    int tensors = net.params().size();
    List<int[]> groups = new ArrayList<>();
    switch (s.grouping()) {
      case ALL -> groups.add(IntStream.range(0, tensors).toArray());
      case PER_LAYER -> {
        for (int layer = 0; layer < net.layers().size(); layer++) {
          final int l = layer;
          int[] g =
              IntStream.range(0, tensors).filter(t -> net.params().get(t).layer() == l).toArray();
          if (g.length > 0) {
            groups.add(g);
          }
        }
        Collections.reverse(groups); // groups need not be listed in layer order
      }
      case RANDOM_SUBSETS -> {
        List<Integer> chosen = new ArrayList<>();
        for (int t = 0; t < tensors; t++) {
          if (rnd.nextInt(4) != 0) {
            chosen.add(t);
          }
        }
        if (chosen.isEmpty()) {
          chosen.add(rnd.nextInt(tensors));
        }
        Collections.shuffle(chosen, new java.util.Random(rnd.nextLong()));
        int numGroups = 1 + rnd.nextInt(Math.min(3, chosen.size()));
        for (int g = 0; g < numGroups; g++) {
          List<Integer> part = new ArrayList<>();
          for (int i = g; i < chosen.size(); i += numGroups) {
            part.add(chosen.get(i));
          }
          groups.add(part.stream().mapToInt(Integer::intValue).sorted().toArray());
        }
      }
    }
    int n = inst.batch().n();
    int[] grad = null;
    int[] ggn = null;
    if (s.subsampling() == ProblemSetting.Subsampling.GRAD
        || s.subsampling() == ProblemSetting.Subsampling.BOTH) {
      grad = subset(rnd, n);
    }
    if (s.subsampling() == ProblemSetting.Subsampling.GGN
        || s.subsampling() == ProblemSetting.Subsampling.BOTH) {
      ggn = subset(rnd, n);
    }
    return new Drawn(inst, groups, grad, ggn);
  }

  /** A non-empty subset of {@code 0..n-1} in random (unsorted) order. */
  private static int[] subset(SplittableRandom rnd, int n) {
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(i);
    }
    Collections.shuffle(all, new java.util.Random(rnd.nextLong()));
    int size = 1 + rnd.nextInt(n);
    return all.subList(0, size).stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * A criterion whose selection is well defined for {@code evalsAsc} (the reference spectrum): only
   * eigenvalues above {@code floor·max} are eligible, and a threshold lies between two eigenvalues
   * that differ by at least 50 %.
   */
  static Criterion criterionFor(
      ProblemSetting.CriterionKind kind, double[] evalsAsc, double floor, SplittableRandom rnd) {
    double max = evalsAsc[evalsAsc.length - 1];
    int eligible = 0;
    for (double v : evalsAsc) {
      if (v > floor * max) {
        eligible++;
      }
    }
    int top = evalsAsc.length - 1;
    if (eligible == 0) {
      // An all-zero GGN block (e.g. every ReLU inactive): nothing can be selected.
      return Criterion.threshold(0.0);
    }
    if (kind == ProblemSetting.CriterionKind.TOP_K) {
      return Criterion.topK(1 + rnd.nextInt(Math.min(eligible, 6)));
    }
    List<Double> thresholds = new ArrayList<>();
    for (int j = 0; j < eligible; j++) {
      double upper = evalsAsc[top - j];
      double lower = top - j - 1 >= 0 ? Math.max(evalsAsc[top - j - 1], 0) : 0;
      if (upper > 1.5 * lower) {
        thresholds.add(lower > floor * max ? Math.sqrt(upper * lower) : upper / 2);
      }
    }
    if (thresholds.isEmpty()) {
      // No 50 % gap among the eligible eigenvalues: a threshold would be ill-posed.
      return Criterion.topK(1 + rnd.nextInt(Math.min(eligible, 6)));
    }
    return Criterion.threshold(thresholds.get(rnd.nextInt(thresholds.size())));
  }

  /** Runs the setting on {@code backendName} and asserts agreement with the reference. */
  public static void check(ProblemSetting s, String backendName) {
    check(s, backendName, 0, 0L);
  }

  /**
   * The loss Hessians of a Monte-Carlo GGN, {@code H̃_n = N·R·(1/M) Σ_m s_m s_mᵀ} with the draws
   * {@code s_m} of {@link HessianFactor} (data for the reference, which then builds the GGN from
   * its own Jacobians), {@code [N][C][C]}.
   */
  public static double[][][] monteCarloHessians(RandomProblems.Instance inst, int m, long seed) {
    NetworkSpec net = inst.network();
    int n = inst.batch().n();
    int c = net.outputSize();
    Scaling full = new Scaling(inst.loss().reduction(), n, n);
    double[] f;
    try (FactorEngine engine =
        new FactorEngine(net, inst.loss(), TestBackends.get("cpu-float64"))) {
      f = engine.forward(inst.batch(), full).outputs();
    }
    HessianFactor factor = new HessianFactor(Loss.of(inst.loss()), m, seed);
    double[][][] h = new double[n][c][c];
    for (int s = 0; s < n; s++) {
      double[] fs = java.util.Arrays.copyOfRange(f, s * c, (s + 1) * c);
      double[] draws = factor.of(s, fs, ForwardPass.target(inst.batch(), s, c));
      for (int i = 0; i < c; i++) {
        for (int j = 0; j < c; j++) {
          double sum = 0;
          for (int k = 0; k < m; k++) {
            sum += draws[i * m + k] * draws[j * m + k];
          }
          h[s][i][j] = full.perSampleFactor() * sum / m;
        }
      }
    }
    return h;
  }

  /**
   * Runs the setting on {@code backendName} with {@code mcSamples} Monte-Carlo samples (0: the
   * exact GGN) and asserts agreement with the reference evaluated on the same draws.
   */
  public static void check(ProblemSetting s, String backendName, int mcSamples, long seed) {
    ConvGramPolicy convGram = s.conv() == null ? ConvGramPolicy.defaults() : s.conv().policy();
    check(
        s.id(),
        s.seed(),
        s.criterion(),
        draw(s),
        backendName,
        mcSamples,
        seed,
        convGram,
        EigenSolver.AUTO);
  }

  /**
   * As {@link #check(ProblemSetting, String)} with the given host eigensolver. With a partial
   * eigensolver ({@link EigenSolver#LANCZOS}) the Gram eigenvalues are compared where computed (the
   * largest ones) and the selected indices count from the whole spectrum.
   */
  public static void check(ProblemSetting s, String backendName, EigenSolver solver) {
    ConvGramPolicy convGram = s.conv() == null ? ConvGramPolicy.defaults() : s.conv().policy();
    check(s.id(), s.seed(), s.criterion(), draw(s), backendName, 0, 0L, convGram, solver);
  }

  /**
   * Runs a drawn problem (network, groups, sub-sampling) on {@code backendName} and asserts
   * agreement with the reference; criteria are drawn from {@code settingSeed} and {@code kind}.
   */
  public static void check(
      String id,
      long settingSeed,
      ProblemSetting.CriterionKind kind,
      Drawn d,
      String backendName,
      int mcSamples,
      long seed) {
    check(
        id,
        settingSeed,
        kind,
        d,
        backendName,
        mcSamples,
        seed,
        ConvGramPolicy.defaults(),
        EigenSolver.AUTO);
  }

  /**
   * As above, with Conv2d layers contracting their weight Gram by {@code convGram} and the host
   * eigensolver {@code solver}.
   */
  public static void check(
      String id,
      long settingSeed,
      ProblemSetting.CriterionKind kind,
      Drawn d,
      String backendName,
      int mcSamples,
      long seed,
      ConvGramPolicy convGram,
      EigenSolver solver) {
    check(id, settingSeed, kind, d, backendName, mcSamples, seed, convGram, solver, 0);
  }

  /**
   * As above, with the factor pass in chunks of {@code factorChunk} GGN samples (0: as the budget
   * decides, the plain pass for these small problems); returns the checked result (its notes say
   * whether the pass ran in chunks).
   */
  public static ComputationResult check(
      String id,
      long settingSeed,
      ProblemSetting.CriterionKind kind,
      Drawn d,
      String backendName,
      int mcSamples,
      long seed,
      ConvGramPolicy convGram,
      EigenSolver solver,
      int factorChunk) {
    RandomProblems.Instance inst = d.instance();
    ReferenceResult ref =
        ReferenceComputation.compute(
            inst.network(),
            inst.loss(),
            inst.batch(),
            d.subsamplingGrad(),
            d.subsamplingGgn(),
            d.groupTensors(),
            mcSamples == 0 ? null : monteCarloHessians(inst, mcSamples, seed));
    Backend backend = TestBackends.get(backendName);
    boolean f64 = backend.precision() == Precision.FLOAT64;
    double evalTol = f64 ? Tolerances.F64_EVALS : Tolerances.F32_RESULTS;
    double dirTol = f64 ? Tolerances.F64_DIRECTIONAL : Tolerances.F32_RESULTS;
    double gap =
        !f64
            ? Tolerances.F32_CLUSTER_GAP
            : solver == EigenSolver.LANCZOS
                ? Tolerances.F64_LANCZOS_CLUSTER_GAP
                : Tolerances.F64_CLUSTER_GAP;
    double zero = f64 ? Tolerances.F64_ZERO_EVAL : Tolerances.F32_ZERO_EVAL;
    // Eligible directions: above the precision's noise, so the selection means the same thing.
    double floor = f64 ? 1e-6 : 1e-3;

    List<ParamGroup> groups = groups(settingSeed, kind, d, ref, floor);
    var computation =
        new DirectionalDerivativesComputation(
            new ComputationOptions(
                d.subsamplingGrad(), d.subsamplingGgn(), mcSamples, 0, seed, solver));
    computation.withConvGramPolicy(convGram);
    if (factorChunk > 0) {
      computation.withFactorChunk(factorChunk);
    }
    ComputationResult result =
        computation.run(inst.network(), inst.loss(), inst.batch(), groups, backend);

    Compare.assertClose(
        "loss",
        new double[] {result.batch().loss()},
        new double[] {ref.loss()},
        Tolerances.F64_FIRST_ORDER);
    Compare.assertClose(
        "per-sample losses",
        result.batch().perSampleLosses(),
        ref.perSampleLosses(),
        Tolerances.F64_FIRST_ORDER);
    Compare.assertClose("gradient", result.batch().grad(), ref.grad(), Tolerances.F64_FIRST_ORDER);

    for (int g = 0; g < groups.size(); g++) {
      String what = id + " group " + g;
      GroupResult mine = result.group(groups.get(g));
      ReferenceGroup rg = ref.groups().get(g);
      double[] refEvals = rg.evalsAscending();
      double max = refEvals[refEvals.length - 1];
      // Gram eigenvalues = the non-zero eigenvalues of the dense GGN (and zeros otherwise).
      double[] refNonzero = rg.nonzeroEvals(zero);
      double[] gram = mine.gramEvals();
      int offset = mine.gramEvalsOffset();
      int size = offset + gram.length;
      // A partial spectrum holds the largest eigenvalues: compare the non-zero ones it holds.
      int nonzeroHeld = Math.min(gram.length, refNonzero.length);
      double[] myTop = java.util.Arrays.copyOfRange(gram, gram.length - nonzeroHeld, gram.length);
      double[] refTop =
          java.util.Arrays.copyOfRange(
              refNonzero, refNonzero.length - nonzeroHeld, refNonzero.length);
      Compare.assertClose(what + " non-zero Gram eigenvalues", myTop, refTop, evalTol);
      for (int i = 0; i < gram.length - nonzeroHeld; i++) {
        boolean isZero = max > 0 ? Math.abs(gram[i]) <= 10 * zero * max : gram[i] == 0;
        org.junit.jupiter.api.Assertions.assertTrue(
            isZero, what + ": Gram eigenvalue " + gram[i] + " should be a numerical zero");
      }
      StatisticsCheck.assertTraceAndNorm(what, mine, rg, evalTol);
      int k = mine.evals().length;
      int expectedK = groups.get(g).criterion().select(refEvals).length;
      assertEquals(expectedK, k, what + ": number of selected directions");
      assertArrayEquals(
          IntStream.range(size - k, size).toArray(),
          mine.selectedIndices(),
          what + ": selected indices");
      if (k == 0) {
        // An all-zero block (every unit before it inactive): no direction, empty γ and λ rows.
        assertEquals(0.0, max, what + ": nothing selected although the GGN block is non-zero");
        for (double[] row : mine.gammas()) {
          assertEquals(0, row.length, what + ": γ must have no columns");
        }
        continue;
      }
      ReferenceGroup.Directional rd = rg.topK(k);
      Compare.assertClose(what + " eigenvalues", mine.evals(), rd.evals(), evalTol);
      double largestUnselected =
          refEvals.length > k ? refEvals[refEvals.length - k - 1] : Double.NEGATIVE_INFINITY;
      double gammaZero =
          (f64 ? Tolerances.F64_ZERO_GAMMA : Tolerances.F32_ZERO_GAMMA)
              * maxGradNorm(ref, inst.network(), d.groupTensors().get(g), d.subsamplingGrad());
      Compare.assertDirectional(
          what,
          rd.evals(),
          largestUnselected,
          mine.gammas(),
          rd.gammas(),
          mine.lambdas(),
          rd.lambdas(),
          gap,
          dirTol,
          gammaZero);
      StatisticsCheck.assertSnr(
          what + " γ",
          mine.gammaSnr(),
          rd.gammas(),
          rd.evals(),
          largestUnselected,
          gap,
          dirTol,
          gammaZero);
      StatisticsCheck.assertSnr(
          what + " λ",
          mine.lambdaSnr(),
          rd.lambdas(),
          rd.evals(),
          largestUnselected,
          gap,
          dirTol,
          0.0);
    }
    return result;
  }

  /**
   * The setting's parameter groups, each with a criterion drawn for its reference spectrum ({@link
   * #criterionFor}), seeded by the setting's seed.
   */
  static List<ParamGroup> groups(
      long settingSeed,
      ProblemSetting.CriterionKind kind,
      Drawn d,
      ReferenceResult ref,
      double floor) {
    SplittableRandom rnd = new SplittableRandom(settingSeed + 99);
    List<ParamGroup> groups = new ArrayList<>();
    for (int g = 0; g < d.groupTensors().size(); g++) {
      double[] evals = ref.groups().get(g).evalsAscending();
      groups.add(
          new ParamGroup("g" + g, d.groupTensors().get(g), criterionFor(kind, evals, floor, rnd)));
    }
    return groups;
  }

  /** {@code max_r ‖g_{t_r}|P‖}: the largest per-sample gradient norm of a group's parameters. */
  static double maxGradNorm(
      ReferenceResult ref, NetworkSpec net, int[] tensors, int[] subsamplingGrad) {
    int n = ref.perSampleGrads().length;
    int[] rows = subsamplingGrad == null ? IntStream.range(0, n).toArray() : subsamplingGrad;
    double max = 0;
    for (int r : rows) {
      double sq = 0;
      for (int t : tensors) {
        var p = net.params().get(t);
        for (int i = 0; i < p.numel(); i++) {
          double v = ref.perSampleGrads()[r][p.offset() + i];
          sq += v * v;
        }
      }
      max = Math.max(max, Math.sqrt(sq));
    }
    return max;
  }
}
