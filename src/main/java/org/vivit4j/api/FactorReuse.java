package org.vivit4j.api;

/**
 * Whether the products {@code V·w} (eigenvectors, the signs of γ, Newton steps) reuse the GGN
 * factors of the Gram pass or backpropagate the factor again.
 */
public enum FactorReuse {
  /**
   * Keep the factors when the run's memory estimate with them fits the heap limit, else rerun the
   * pass (said in the result's notes).
   */
  AUTO,
  /** Keep each parameter layer's output factor on the host: one backward pass in all. */
  KEEP,
  /** Backpropagate the factor again for every {@code V·w} (least memory). */
  RERUN;

  /** The option's name on the command line: {@code auto}, {@code keep}, {@code rerun}. */
  public String optionName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The value named {@code name} ({@link #optionName()}), or {@code null}. */
  public static FactorReuse fromOptionName(String name) {
    for (FactorReuse r : values()) {
      if (r.optionName().equals(name)) {
        return r;
      }
    }
    return null;
  }
}
