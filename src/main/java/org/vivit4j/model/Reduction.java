package org.vivit4j.model;

/** How the per-sample losses are combined into the batch loss {@code L = R Σ_n ℓ_n}. */
public enum Reduction {
  /** {@code R = 1/N}. */
  MEAN,
  /** {@code R = 1}. */
  SUM;

  public String typeName() {
    return this == MEAN ? "mean" : "sum";
  }

  public static Reduction fromTypeName(String name) {
    if ("mean".equals(name)) {
      return MEAN;
    }
    if ("sum".equals(name)) {
      return SUM;
    }
    return null;
  }
}
