package org.vivit4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Damping;
import org.vivit4j.api.DirectionalDampedNewtonComputation;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.reference.ReferenceComputation;
import org.vivit4j.reference.ReferenceGroup;
import org.vivit4j.reference.ReferenceResult;

/**
 * The damped Newton step of the fast path (MATH.md §8) against a dense solve on the reference: with
 * the reference's top-K eigenvectors {@code U [dim × K]}, its dense GGN {@code G} and the mean
 * gradient {@code ḡ} of the gradient samples,
 *
 * <pre>
 *   s_ref = U c,   (Uᵀ G U + diag δ) c = −Uᵀ ḡ,
 * </pre>
 *
 * solved with EJML (for exact eigenvectors {@code UᵀGU = diag λ}, so this is {@code −Σ_k γ̄_k/(λ_k
 * + δ_k) e_k}). The dampings are the constant or the rule's definition evaluated on the reference's
 * λ_nk.
 */
public final class NewtonCheck {
  private NewtonCheck() {}

  /** Which damping rule a check uses. */
  public enum DampingKind {
    CONSTANT,
    LAMBDA_STANDARD_ERROR
  }

  /**
   * Runs the setting's damped Newton computation on {@code backendName} ({@code mcSamples} = 0:
   * exact GGN) and compares each group's step and dampings with the reference.
   */
  public static void check(
      ProblemSetting s, String backendName, int mcSamples, long seed, DampingKind kind) {
    ReferenceCheck.Drawn d = ReferenceCheck.draw(s);
    RandomProblems.Instance inst = d.instance();
    NetworkSpec net = inst.network();
    ReferenceResult ref =
        ReferenceComputation.compute(
            net,
            inst.loss(),
            inst.batch(),
            d.subsamplingGrad(),
            d.subsamplingGgn(),
            d.groupTensors(),
            mcSamples == 0 ? null : ReferenceCheck.monteCarloHessians(inst, mcSamples, seed));
    Backend backend = TestBackends.get(backendName);
    boolean f64 = backend.precision() == Precision.FLOAT64;
    double tol = f64 ? Tolerances.F64_DIRECTIONAL : Tolerances.F32_RESULTS;
    double gap = f64 ? Tolerances.F64_CLUSTER_GAP : Tolerances.F32_CLUSTER_GAP;
    List<ParamGroup> groups =
        ReferenceCheck.groups(s.seed(), s.criterion(), d, ref, f64 ? 1e-6 : 1e-3);

    double lambdaMax = 0;
    for (ReferenceGroup rg : ref.groups()) {
      double[] ev = rg.evalsAscending();
      lambdaMax = Math.max(lambdaMax, ev[ev.length - 1]);
    }
    // Constant damping relative to the largest eigenvalue; in float32 at least 1e-2 of it, so that
    // 1/(λ_k + δ) stays within what float32 eigenpairs resolve.
    double[] factors = f64 ? new double[] {0, 1e-3, 0.1, 1} : new double[] {1e-2, 0.1, 1};
    double factor = factors[new SplittableRandom(s.seed() + 7).nextInt(factors.length)];
    double scale = 0.5 + new SplittableRandom(s.seed() + 8).nextDouble();
    Damping damping =
        kind == DampingKind.CONSTANT
            ? Damping.constant(factor * lambdaMax)
            : Damping.lambdaStandardError(scale);
    ComputationOptions options =
        new ComputationOptions(d.subsamplingGrad(), d.subsamplingGgn(), mcSamples, 0, seed);
    int nGgn = d.subsamplingGgn() == null ? inst.batch().n() : d.subsamplingGgn().length;
    if (kind == DampingKind.LAMBDA_STANDARD_ERROR && nGgn < 2) {
      // One GGN sample has no variance: the rule is an error naming the damping.
      var e =
          org.junit.jupiter.api.Assertions.assertThrows(
              InvalidInputException.class,
              () ->
                  new DirectionalDampedNewtonComputation(options, damping)
                      .run(net, inst.loss(), inst.batch(), groups, backend));
      assertEquals("computation.damping", e.field());
      return;
    }
    ComputationResult result =
        new DirectionalDampedNewtonComputation(options, damping)
            .run(net, inst.loss(), inst.batch(), groups, backend);

    for (int g = 0; g < groups.size(); g++) {
      String what = s.id() + " group " + g + " (" + kind + ")";
      GroupResult mine = result.group(groups.get(g));
      ReferenceGroup rg = ref.groups().get(g);
      int k = mine.evals().length;
      assertEquals(rg.dim(), mine.newtonStep().length, what + ": step in parameter layout");
      assertEquals(k, mine.dampings().length, what + ": one damping per direction");
      if (k == 0) {
        for (double v : mine.newtonStep()) {
          assertEquals(0.0, v, what + ": no direction, no step");
        }
        continue;
      }
      double[] refEvals = rg.evalsAscending();
      double largestUnselected =
          refEvals.length > k ? refEvals[refEvals.length - k - 1] : Double.NEGATIVE_INFINITY;
      ReferenceGroup.Directional rd = rg.topK(k);
      double max = rd.evals()[k - 1];
      List<int[]> clusters = Compare.clusters(rd.evals(), gap);
      boolean cut = rd.evals()[0] - largestUnselected <= gap * max;
      if (cut) {
        continue; // the criterion cuts a cluster: which directions were kept is arbitrary
      }
      double[] delta = referenceDampings(kind, damping, rd, mine.dampings().length);
      if (kind == DampingKind.LAMBDA_STANDARD_ERROR) {
        if (clusters.size() != k) {
          continue; // per-direction dampings inside a cluster depend on the basis
        }
        double maxLambda = 0;
        for (double[] row : rd.lambdas()) {
          for (double v : row) {
            maxLambda = Math.max(maxLambda, Math.abs(v));
          }
        }
        for (int i = 0; i < k; i++) {
          assertTrue(
              Math.abs(mine.dampings()[i] - delta[i]) <= 8 * scale * tol * maxLambda,
              what + ": damping " + i + " is " + mine.dampings()[i] + ", definition " + delta[i]);
        }
      } else {
        for (int i = 0; i < k; i++) {
          assertEquals(delta[i], mine.dampings()[i], 0.0, what + ": constant damping");
        }
      }
      double[] step = denseSolve(rg, rd, meanGradient(ref, net, d, g), delta);
      double minDenominator = Double.POSITIVE_INFINITY;
      for (int i = 0; i < k; i++) {
        minDenominator = Math.min(minDenominator, rd.evals()[i] + delta[i]);
      }
      double gammaZero =
          (f64 ? Tolerances.F64_ZERO_GAMMA : Tolerances.F32_ZERO_GAMMA)
              * ReferenceCheck.maxGradNorm(ref, net, d.groupTensors().get(g), d.subsamplingGrad());
      assertStepClose(what, mine.newtonStep(), step, tol, gammaZero / minDenominator);
    }
  }

  /** The constant, or {@code κ·√(s_k²/N_ggn)} with the unbiased variance of the reference λ_nk. */
  private static double[] referenceDampings(
      DampingKind kind, Damping damping, ReferenceGroup.Directional rd, int k) {
    double[] delta = new double[k];
    if (kind == DampingKind.CONSTANT) {
      java.util.Arrays.fill(delta, ((Damping.Constant) damping).value());
      return delta;
    }
    double scale = ((Damping.LambdaStandardError) damping).scale();
    double[][] lambdas = rd.lambdas();
    int n = lambdas.length;
    for (int i = 0; i < k; i++) {
      double mean = 0;
      for (double[] row : lambdas) {
        mean += row[i] / n;
      }
      double ss = 0;
      for (double[] row : lambdas) {
        ss += (row[i] - mean) * (row[i] - mean);
      }
      delta[i] = scale * Math.sqrt(ss / (n - 1) / n);
    }
    return delta;
  }

  /** {@code ḡ = mean_r g_{t_r}} restricted to group g's parameters, in the group's layout. */
  private static double[] meanGradient(
      ReferenceResult ref, NetworkSpec net, ReferenceCheck.Drawn d, int g) {
    int n = ref.perSampleGrads().length;
    int[] rows =
        d.subsamplingGrad() == null ? IntStream.range(0, n).toArray() : d.subsamplingGrad();
    int dim = 0;
    for (int t : d.groupTensors().get(g)) {
      dim += net.params().get(t).numel();
    }
    double[] mean = new double[dim];
    for (int r : rows) {
      int o = 0;
      for (int t : d.groupTensors().get(g)) {
        ParamTensor p = net.params().get(t);
        for (int i = 0; i < p.numel(); i++) {
          mean[o + i] += ref.perSampleGrads()[r][p.offset() + i] / rows.length;
        }
        o += p.numel();
      }
    }
    return mean;
  }

  /** {@code U c} with {@code (UᵀGU + diag δ) c = −Uᵀḡ}, by EJML's dense solve. */
  private static double[] denseSolve(
      ReferenceGroup rg, ReferenceGroup.Directional rd, double[] gbar, double[] delta) {
    double[][] u = rd.evecs(); // [K][dim]
    int k = u.length;
    int dim = gbar.length;
    double[][] g = rg.ggn();
    DMatrixRMaj a = new DMatrixRMaj(k, k);
    DMatrixRMaj b = new DMatrixRMaj(k, 1);
    for (int i = 0; i < k; i++) {
      double[] gu = new double[dim];
      for (int p = 0; p < dim; p++) {
        for (int q = 0; q < dim; q++) {
          gu[p] += g[p][q] * u[i][q];
        }
      }
      for (int j = 0; j < k; j++) {
        double v = 0;
        for (int p = 0; p < dim; p++) {
          v += u[j][p] * gu[p];
        }
        a.set(j, i, v + (i == j ? delta[i] : 0));
      }
      double proj = 0;
      for (int p = 0; p < dim; p++) {
        proj += u[i][p] * gbar[p];
      }
      b.set(i, 0, -proj);
    }
    DMatrixRMaj c = new DMatrixRMaj(k, 1);
    assertTrue(CommonOps_DDRM.solve(a, b, c), "dense solve failed");
    double[] s = new double[dim];
    for (int i = 0; i < k; i++) {
      for (int p = 0; p < dim; p++) {
        s[p] += c.get(i, 0) * u[i][p];
      }
    }
    return s;
  }

  /**
   * {@code max|s − s_ref| ≤ tol · max(max|s_ref|, floor)}: normwise relative, where {@code floor}
   * (the numerical-zero level of γ divided by the smallest {@code λ_k + δ_k}) only matters when
   * every γ̄ is a numerical zero and so is the step.
   */
  private static void assertStepClose(
      String what, double[] mine, double[] ref, double tol, double floor) {
    double diff = 0;
    double scale = floor;
    for (int i = 0; i < ref.length; i++) {
      diff = Math.max(diff, Math.abs(mine[i] - ref[i]));
      scale = Math.max(scale, Math.abs(ref[i]));
    }
    assertTrue(
        diff <= tol * scale,
        what + ": Newton step differs from the dense solve by " + diff + " (scale " + scale + ")");
  }
}
