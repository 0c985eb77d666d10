package org.vivit4j.core;

/**
 * The part of a Gram spectrum a criterion needs to see, so that a partial eigensolver can stop
 * early: every eigenvalue ({@link Kind#ALL}), the {@code count} largest ({@link Kind#TOP}), or at
 * least every eigenvalue above {@code threshold} ({@link Kind#ABOVE}: the solver computes from the
 * top until it has passed the threshold).
 */
public record SpectrumNeed(Kind kind, int count, double threshold) {
  public enum Kind {
    ALL,
    TOP,
    ABOVE
  }

  public static SpectrumNeed all() {
    return new SpectrumNeed(Kind.ALL, 0, Double.NaN);
  }

  /** The {@code count} largest eigenvalues (capped at the Gram size by the solver). */
  public static SpectrumNeed top(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    return new SpectrumNeed(Kind.TOP, count, Double.NaN);
  }

  /** Every eigenvalue {@code > threshold}, plus at least one at or below it unless none exists. */
  public static SpectrumNeed above(double threshold) {
    return new SpectrumNeed(Kind.ABOVE, 0, threshold);
  }
}
