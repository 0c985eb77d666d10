package org.vivit4j.core;

/**
 * Hears how far a run's sequence of factor passes has come (a sample-chunked run makes {@code
 * K(K−1)/2} Gram passes over chunk pairs and {@code K} per {@code V·w}; at large N each takes
 * seconds to minutes). Called on the computing thread: {@code done = 0} before the first pass of a
 * sequence, then after each.
 */
@FunctionalInterface
public interface PassProgress {
  /** Hears nothing. */
  PassProgress NONE = (what, done, total) -> {};

  /**
   * @param what the sequence, e.g. "Gram passes over chunk pairs"
   * @param done passes finished, {@code 0 ≤ done ≤ total}
   * @param total passes of the sequence
   */
  void passes(String what, int done, int total);
}
