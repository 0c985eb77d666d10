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
    SpectrumInfo spectrum) {

  /** A result without eigensolver information: {@code gramEvals} is the whole spectrum. */
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
    this(group, dim, gramEvals, selectedIndices, evals, gammas, lambdas, evecs, warnings, null);
  }

  /** Index of {@code gramEvals[0]} in the whole ascending spectrum. */
  public int gramEvalsOffset() {
    return spectrum == null ? 0 : spectrum.offset();
  }
}
