package org.vivit4j.api;

import java.util.List;

/**
 * Results of one parameter group. Eigen-directions are ordered by ascending eigenvalue, as the
 * criterion returned them.
 *
 * @param group the group these results belong to
 * @param dim number of scalar parameters in the group
 * @param gramEvals the computed Gram eigenvalues, ascending: all {@code C̃·N_ggn} of them with the
 *     dense eigensolver, the largest ones (as many as the criterion needs, see {@link
 *     Criterion#need()}) with Lanczos
 * @param selectedIndices indices into the whole ascending Gram spectrum kept by the criterion,
 *     ascending; index {@code i} is {@code gramEvals[i − spectrum.offset()]} (the offset is 0 for
 *     dense)
 * @param evals {@code [K]} the selected eigenvalues, ascending
 * @param gammas {@code [N_grad][K]} first-order directional derivatives γ, or {@code null} when the
 *     computation does not produce them
 * @param lambdas {@code [N_ggn][K]} second-order directional derivatives λ, or {@code null}
 * @param evecs {@code [K][dim]} unit eigenvectors in the group's parameter layout, or {@code null}
 *     when not computed
 * @param warnings human-readable warnings (e.g. small selected eigenvalues)
 * @param ggnTrace {@code tr G = Σ_i Ĝ_ii} of the group's GGN block (MATH.md §5), NaN when not
 *     computed
 * @param ggnFrobeniusNorm {@code ‖G‖_F = ‖Ĝ‖_F}, NaN when not computed
 * @param gammaSnr {@code [K]} {@code mean_n(γ_nk)² / var_n(γ_nk)} (unbiased variance; {@code +∞}
 *     for zero variance, NaN for 0/0), or {@code null} (no γ, or fewer than 2 rows)
 * @param lambdaSnr {@code [K]} likewise for λ, or {@code null}
 * @param dampings {@code [K]} the damping {@code δ_k} of a damped Newton step, or {@code null}
 * @param newtonStep {@code [dim]} the damped Newton step {@code s} (MATH.md §8) in the group's
 *     parameter layout, or {@code null}
 * @param spectrum which eigensolver ran, its residual and the spectrum's offset, or {@code null}
 *     when not recorded (then {@code gramEvals} is the whole spectrum)
 */
public record GroupResult(
    ParamGroup group,
    int dim,
    double[] gramEvals,
    int[] selectedIndices,
    double[] evals,
    double[][] gammas,
    double[][] lambdas,
    double[][] evecs,
    List<String> warnings,
    double ggnTrace,
    double ggnFrobeniusNorm,
    double[] gammaSnr,
    double[] lambdaSnr,
    double[] dampings,
    double[] newtonStep,
    SpectrumInfo spectrum) {

  /** A result without the quantities beyond ViViT and without eigensolver information. */
  public GroupResult(
      ParamGroup group,
      int dim,
      double[] gramEvals,
      int[] selectedIndices,
      double[] evals,
      double[][] gammas,
      double[][] lambdas,
      double[][] evecs,
      List<String> warnings) {
    this(
        group,
        dim,
        gramEvals,
        selectedIndices,
        evals,
        gammas,
        lambdas,
        evecs,
        warnings,
        Double.NaN,
        Double.NaN,
        null,
        null,
        null,
        null,
        null);
  }

  /** Index of {@code gramEvals[0]} in the whole ascending spectrum. */
  public int gramEvalsOffset() {
    return spectrum == null ? 0 : spectrum.offset();
  }
}
