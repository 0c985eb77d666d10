package org.vivit4j.api;

import java.util.List;

/**
 * Results of one parameter group. Eigen-directions are ordered by ascending eigenvalue, as the
 * criterion returned them.
 *
 * @param group the group these results belong to
 * @param dim number of scalar parameters in the group
 * @param gramEvals all {@code C̃·N_ggn} Gram eigenvalues, ascending
 * @param selectedIndices indices into {@code gramEvals} kept by the criterion, ascending
 * @param evals {@code [K]} the selected eigenvalues, ascending
 * @param gammas {@code [N_grad][K]} first-order directional derivatives γ, or {@code null} when the
 *     computation does not produce them
 * @param lambdas {@code [N_ggn][K]} second-order directional derivatives λ, or {@code null}
 * @param evecs {@code [K][dim]} unit eigenvectors in the group's parameter layout, or {@code null}
 *     when not computed
 * @param warnings human-readable warnings (e.g. small selected eigenvalues)
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
    List<String> warnings) {}
