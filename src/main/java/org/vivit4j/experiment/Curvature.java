package org.vivit4j.experiment;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.EighComputation;
import org.vivit4j.api.GgnComputation;
import org.vivit4j.api.GgnOutput;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.OutputsComputation;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.PassCounts;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.DirectionStatistics;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;

/**
 * One curvature measurement on a mini-batch, per parameter group: the top-k GGN eigenvalues, the
 * signal-to-noise ratios of the per-sample directional derivatives γ and λ (MATH.md §5, {@link
 * DirectionStatistics#snr}), the GGN trace ({@link GroupResult#ggnTrace()}, read off the Gram
 * matrix's diagonal: with Lanczos the computed Gram eigenvalues are only the top ones, so their sum
 * is not the trace), the overlaps of the top-k eigenspaces of a sub-sampled and of a Monte-Carlo
 * GGN with the exact one, and the loss change a damped Newton step along the top-k directions
 * (MATH.md §8) should give by the quadratic model against the one it gives. The exact GGN's
 * eigenpairs, γ and λ come from one {@link OutputsComputation} (one factor pass, one eigensolve per
 * group); the sub-sampled and Monte-Carlo GGNs are other matrices, each its own run.
 */
final class Curvature {
  private Curvature() {}

  /** Per direction k of one group. */
  record Direction(double eigenvalue, double snrGamma, double snrLambda) {}

  /** Per group. */
  record GroupMeasurement(
      String group,
      List<Direction> directions,
      double trace,
      double overlapSubsampled,
      double newtonPredicted,
      double newtonMeasured,
      double overlapMonteCarlo) {}

  /**
   * {@code ‖E_aᵀ E_b‖_F² / k} for two sets of k orthonormal vectors: 1 when the spans agree, 0 when
   * orthogonal.
   */
  static double overlap(double[][] a, double[][] b) {
    double s = 0;
    for (double[] x : a) {
      for (double[] y : b) {
        double dot = 0;
        for (int i = 0; i < x.length; i++) {
          dot += x[i] * y[i];
        }
        s += dot * dot;
      }
    }
    return s / Math.max(1, Math.min(a.length, b.length));
  }

  /** Everything a measurement needs of the exact GGN: eigenpairs, γ and λ. */
  static final Set<GgnOutput> EXACT_OUTPUTS =
      EnumSet.of(
          GgnOutput.EIGENVALUES, GgnOutput.EIGENVECTORS, GgnOutput.GAMMAS, GgnOutput.LAMBDAS);

  static GgnComputation exactComputation() {
    return new OutputsComputation(ComputationOptions.defaults(), EXACT_OUTPUTS);
  }

  /**
   * One measurement: per group, and the work of its exact-GGN computation (one factor pass, one
   * eigensolve per group).
   */
  record Measurement(List<GroupMeasurement> groups, PassCounts exactPasses) {}

  static Measurement measure(
      NetworkSpec net,
      LossSpec loss,
      Batch batch,
      List<int[]> groupTensors,
      List<String> groupNames,
      int topK,
      int subsampleGgn,
      int mcSamples,
      long mcSeed,
      double damping,
      Backend backend,
      LossOfParams lossAt) {
    List<ParamGroup> groups = new ArrayList<>();
    for (int g = 0; g < groupTensors.size(); g++) {
      groups.add(new ParamGroup(groupNames.get(g), groupTensors.get(g), Criterion.topK(topK)));
    }
    // eigenpairs, γ and λ of the exact GGN from one factor pass and one eigensolve
    GgnComputation exactComputation = exactComputation();
    ComputationResult exact = exactComputation.run(net, loss, batch, groups, backend);
    ComputationResult sub = null;
    if (subsampleGgn > 0) {
      int[] rows = java.util.stream.IntStream.range(0, subsampleGgn).toArray();
      var eighSub = new EighComputation(ComputationOptions.defaults().withSubsampling(null, rows));
      sub = eighSub.run(net, loss, batch, groups, backend);
    }
    ComputationResult mc = null;
    if (mcSamples > 0) {
      var eighMc =
          new EighComputation(ComputationOptions.defaults().withMonteCarlo(mcSamples, mcSeed));
      mc = eighMc.run(net, loss, batch, groups, backend);
    }
    double baseLoss = lossAt.loss(net.flatParams());
    List<GroupMeasurement> out = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      GroupResult e = exact.group(groups.get(g));
      int k = e.evals().length;
      List<Direction> dirs = new ArrayList<>();
      double[] gammaBar = DirectionStatistics.means(e.gammas());
      double[] lambdaBar = DirectionStatistics.means(e.lambdas());
      double[] snrGamma = DirectionStatistics.snr(e.gammas());
      double[] snrLambda = DirectionStatistics.snr(e.lambdas());
      for (int j = 0; j < k; j++) {
        dirs.add(new Direction(e.evals()[j], snrGamma[j], snrLambda[j]));
      }
      double trace = e.ggnTrace();
      double overlap =
          sub == null ? Double.NaN : overlap(e.evecs(), sub.group(groups.get(g)).evecs());
      // s = Σ_k c_k e_k with c_k = −γ̄_k / (λ̄_k + δ); the quadratic model predicts
      // ΔL = Σ_k γ̄_k c_k + ½ λ_k c_k² (e_k orthonormal eigenvectors of G).
      double predicted = 0;
      double[] step = new double[e.dim()];
      for (int j = 0; j < k; j++) {
        double c = -gammaBar[j] / (lambdaBar[j] + damping);
        predicted += gammaBar[j] * c + 0.5 * e.evals()[j] * c * c;
        for (int i = 0; i < step.length; i++) {
          step[i] += c * e.evecs()[j][i];
        }
      }
      double[] theta = net.flatParams();
      int offset = 0;
      for (int t : groupTensors.get(g)) {
        ParamTensor p = net.params().get(t);
        for (int i = 0; i < p.numel(); i++) {
          theta[p.offset() + i] += step[offset + i];
        }
        offset += p.numel();
      }
      double measured = lossAt.loss(theta) - baseLoss;
      double overlapMc =
          mc == null ? Double.NaN : overlap(e.evecs(), mc.group(groups.get(g)).evecs());
      out.add(
          new GroupMeasurement(
              groupNames.get(g), dirs, trace, overlap, predicted, measured, overlapMc));
    }
    return new Measurement(out, exactComputation.lastPassCounts());
  }

  /** The mini-batch loss at parameters θ (the network is restored afterwards). */
  interface LossOfParams {
    double loss(double[] theta);
  }
}
