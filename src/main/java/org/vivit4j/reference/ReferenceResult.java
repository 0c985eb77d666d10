package org.vivit4j.reference;

import java.util.List;

/**
 * Float64 reference quantities of one problem (see {@link ReferenceComputation}).
 *
 * @param loss the batch loss {@code L = R Σ_n ℓ_n}
 * @param perSampleLosses {@code [N]}: {@code L_n = N·R·ℓ_n}, so that {@code L = mean_n L_n}
 * @param grad {@code [D]}: {@code ∇_θ L}, flat parameter order
 * @param perSampleGrads {@code [N][D]}: {@code g_n = ∇_θ L_n}
 * @param groups one entry per requested parameter group, in the requested order
 */
public record ReferenceResult(
    double loss,
    double[] perSampleLosses,
    double[] grad,
    double[][] perSampleGrads,
    List<ReferenceGroup> groups) {}
