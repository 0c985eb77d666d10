package org.vivit4j.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.DirectionStatistics;
import org.vivit4j.core.FactorChunks;
import org.vivit4j.core.GramSpace;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NumericalOverflowException;

/**
 * One parameter group's quantities on the way to its {@link GroupResult} in {@link
 * GgnComputation#run}: the eigensolve of its Gram and the directions its criterion selects ({@link
 * #solve}), then what the run fills in (eigenvectors, γ, λ, dampings, the Newton step), then the
 * result ({@link #result}).
 */
final class GroupWork {
  final GramSpace space;
  final int[] selected;
  final double[][] weights;
  final List<String> warnings;
  double[][] evecs;
  double[][] gammas;
  double[][] lambdas;
  double[] dampings;
  double[] step;

  private GroupWork(GramSpace space, int[] selected, double[][] weights, List<String> warnings) {
    this.space = space;
    this.selected = selected;
    this.weights = weights;
    this.warnings = warnings;
  }

  /**
   * Group {@code j}'s eigensolve and selection: its Gram and cross terms checked finite (an
   * infinite entry is an overflow of {@code precision}, not a bad criterion), the spectrum by
   * {@code solver} (Lanczos to the precision of the Gram), the criterion's directions (indices into
   * the whole spectrum), and the warnings of an empty selection, small eigenvalues and a cut
   * through a cluster.
   *
   * @param spectrumSize the whole spectrum's size: the Gram's, or more for a Gram of a rank-reduced
   *     factor ({@link GramSpace})
   * @throws InvalidInputException naming the group's criterion when it cannot be applied
   */
  static GroupWork solve(
      int j,
      Criterion criterion,
      FactorChunks.AssembledGram gram,
      EigenSolver solver,
      int spectrumSize,
      double warnBelow,
      Precision precision) {
    String dtype = precision.typeName();
    String group = "param_groups[" + j + "]";
    String field = group + ".criterion";
    gram.gram().checkFinite(group, dtype, "the group's Gram matrix");
    if (gram.cross() != null) {
      NumericalOverflowException.checkFinite(
          gram.cross(),
          gram.gram().size(),
          "gradient sample",
          group,
          dtype,
          "the group's gradient cross terms");
    }
    GramSpace space;
    int[] sel;
    try {
      // a float32 Gram is solved to its own precision (GramSpace.LANCZOS_TOLERANCE_FLOAT32)
      space =
          new GramSpace(
              gram.gram(),
              solver,
              criterion.need(),
              spectrumSize,
              GramSpace.lanczosTolerance(precision == Precision.FLOAT32));
      sel = criterion.select(space.evals());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(field, e.getMessage());
    }
    // The criterion saw the computed top of the spectrum; indices are into the whole of it.
    for (int i = 0; i < sel.length; i++) {
      sel[i] += space.offset();
    }
    List<String> warnings = new ArrayList<>();
    if (sel.length == 0) {
      warnings.add(GroupChecks.selectsNothing(field, criterion, space));
    }
    int[] selected = space.checkSelection(sel, field, warnBelow, warnings);
    GroupChecks.clusterCut(space, selected, field, warnBelow, warnings);
    return new GroupWork(space, selected, space.eigenvectorWeights(selected), warnings);
  }

  /**
   * The damping rule's answer for group {@code j}: one finite {@code δ_k ≥ 0} per direction with
   * {@code λ̄_k + δ_k > 0}, else an error naming {@code computation.damping}.
   */
  double[] checkedDampings(Damping damping, int j, String dtype) {
    String field = "computation.damping";
    double[] evals = space.selectedEvals(selected);
    // the rule reads γ and λ: non-finite ones (or means) are an overflow of the dtype, named
    // as such, not a bad damping (a weight of 3.5e94 gave λ̄ = ∞ and blamed the damping)
    String group = "param_groups[" + j + "]";
    GroupChecks.checkRows(gammas, group, dtype, "γ (first-order directional derivatives)");
    GroupChecks.checkRows(lambdas, group, dtype, "λ (second-order directional derivatives)");
    if (evals.length > 0) {
      NumericalOverflowException.checkFinite(
          DirectionStatistics.means(gammas), 0, "", group, dtype, "the mean of γ");
      NumericalOverflowException.checkFinite(
          DirectionStatistics.means(lambdas), 0, "", group, dtype, "the mean of λ");
    }
    double[] d;
    try {
      d = damping.dampings(evals.clone(), evecs, gammas, lambdas);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(field, e.getMessage() + " (param_groups[" + j + "])");
    }
    if (d == null || d.length != evals.length) {
      throw new InvalidInputException(
          field,
          "the damping rule returned "
              + (d == null ? "null" : d.length + " values")
              + " for the "
              + evals.length
              + " directions of param_groups["
              + j
              + "]");
    }
    double[] lambdaMean = evals.length == 0 ? new double[0] : DirectionStatistics.means(lambdas);
    for (int k = 0; k < d.length; k++) {
      if (!(d[k] >= 0) || Double.isInfinite(d[k]) || !(lambdaMean[k] + d[k] > 0)) {
        throw new InvalidInputException(
            field,
            "the damping of direction "
                + k
                + " of param_groups["
                + j
                + "] is "
                + d[k]
                + " (λ̄ = "
                + lambdaMean[k]
                + "); dampings must be finite, >= 0 and make λ̄ + δ positive");
      }
    }
    return d.clone();
  }

  /**
   * The group's result with the outputs a computation returns; {@code epsilon} is the backend
   * dtype's round-off, below which γ and λ's SNRs are not resolved.
   */
  GroupResult result(ParamGroup group, int dim, Set<GgnOutput> outputs, double epsilon) {
    boolean returnsGammas = outputs.contains(GgnOutput.GAMMAS);
    boolean returnsLambdas = outputs.contains(GgnOutput.LAMBDAS);
    return new GroupResult(
        group,
        dim,
        space.evals(),
        selected,
        space.selectedEvals(selected),
        returnsGammas ? gammas : null,
        returnsLambdas ? lambdas : null,
        outputs.contains(GgnOutput.EIGENVECTORS) ? evecs : null,
        List.copyOf(warnings),
        space.trace(),
        space.frobeniusNorm(),
        returnsGammas ? DirectionStatistics.snr(gammas, epsilon) : null,
        returnsLambdas ? DirectionStatistics.snr(lambdas, epsilon) : null,
        dampings,
        step,
        new SpectrumInfo(
            space.solver().optionName(),
            space.spectrumSize(),
            space.offset(),
            space.residual(),
            space.products(),
            space.seconds()));
  }
}
