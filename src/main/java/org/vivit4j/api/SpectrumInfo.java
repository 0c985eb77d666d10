package org.vivit4j.api;

/**
 * How a group's Gram spectrum was computed.
 *
 * @param eigensolver {@code dense} (EJML, the whole spectrum) or {@code lanczos} (the top part)
 * @param size the Gram size {@code N_ggn·C̃}
 * @param offset index of {@code gramEvals[0]} in the whole ascending spectrum: 0 for dense, {@code
 *     size − computed} for Lanczos; {@code selectedIndices} count from the whole spectrum
 * @param residual relative residual of the computed eigenpairs ({@code ‖Ĝv − λv‖} over {@code
 *     max|Ĝ|} for dense, over {@code ‖Ĝ‖₂} for Lanczos; see {@code GramSpace#residual})
 * @param products matrix–vector products Lanczos used (0 for dense)
 * @param seconds wall time of the eigensolve
 */
public record SpectrumInfo(
    String eigensolver, int size, int offset, double residual, long products, double seconds) {}
