package org.vivit4j.api;

/**
 * First-order quantities of the mini-batch, computed in float64 on the host.
 *
 * @param loss batch loss {@code L}
 * @param perSampleLosses {@code [N]} per-sample losses {@code L_n = N·R·ℓ_n} (mean of them is L)
 * @param grad {@code [D]} gradient {@code ∇_θ L} in flat parameter order
 */
public record BatchQuantities(double loss, double[] perSampleLosses, double[] grad) {}
