package org.vivit4j.api;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a computation can return per parameter group, all from one backward pass of the GGN factor
 * and one eigensolve of each group's Gram matrix ({@link OutputsComputation}). Every result also
 * holds the Gram spectrum, the selected eigenvalues and the GGN trace and Frobenius norm (read off
 * the Gram matrix at no extra cost); the signal-to-noise ratios come with γ and λ.
 */
public enum GgnOutput {
  /** {@code λ_k}: the selected eigenvalues (always returned, with the whole computed spectrum). */
  EIGENVALUES("eigenvalues"),
  /** {@code e_k = V g̃_k / √λ_k} in the group's parameter layout, canonical sign. */
  EIGENVECTORS("eigenvectors"),
  /** {@code γ_nk = g_nᵀ e_k} {@code [N_grad × K]} and their signal-to-noise ratios. */
  GAMMAS("gammas"),
  /** {@code λ_nk = e_kᵀ G_n e_k} {@code [N_ggn × K]} and their signal-to-noise ratios. */
  LAMBDAS("lambdas"),
  /** {@code s = −Σ_k γ̄_k/(λ̄_k + δ_k) e_k} and the dampings {@code δ_k} (needs a damping rule). */
  NEWTON_STEP("newton_step");

  private final String fileName;

  GgnOutput(String fileName) {
    this.fileName = fileName;
  }

  /** The name in problem files ({@code computation.outputs}). */
  public String fileName() {
    return fileName;
  }

  /** The output named {@code name} in problem files, or {@code null}. */
  public static GgnOutput fromFileName(String name) {
    for (GgnOutput o : values()) {
      if (o.fileName.equals(name)) {
        return o;
      }
    }
    return null;
  }

  /** Every file name, comma-separated, for messages. */
  public static String fileNames() {
    return EnumSet.allOf(GgnOutput.class).stream()
        .map(GgnOutput::fileName)
        .collect(Collectors.joining(", "));
  }

  /** {@code outputs} with {@link #EIGENVALUES} (always returned) added, as an unmodifiable set. */
  static Set<GgnOutput> withEigenvalues(Set<GgnOutput> outputs) {
    EnumSet<GgnOutput> s = EnumSet.of(EIGENVALUES);
    s.addAll(outputs);
    return java.util.Collections.unmodifiableSet(s);
  }
}
