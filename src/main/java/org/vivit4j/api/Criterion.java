package org.vivit4j.api;

import org.vivit4j.core.SpectrumNeed;

/**
 * Chooses which eigen-directions of a parameter group to keep: maps the Gram eigenvalues, sorted
 * ascending, to ascending indices into that array (ViViT's {@code criterion}).
 */
@FunctionalInterface
public interface Criterion {

  /**
   * @param evalsAscending all Gram eigenvalues, ascending (not modified)
   * @return the kept indices, ascending and unique
   */
  int[] select(double[] evalsAscending);

  /**
   * The part of the spectrum {@link #select} needs: a partial eigensolver computes only that and
   * passes the computed eigenvalues (the largest ones, ascending) to {@link #select}. The default,
   * the whole spectrum, suits any criterion.
   */
  default SpectrumNeed need() {
    return SpectrumNeed.all();
  }

  /** The largest {@code k}: indices {@code [G - k, ..., G - 1]}. */
  static TopK topK(int k) {
    return new TopK(k);
  }

  /** Every index whose eigenvalue is strictly above {@code threshold}. */
  static Threshold threshold(double threshold) {
    return new Threshold(threshold);
  }

  /** Keep the {@code k} largest eigenvalues. */
  record TopK(int k) implements Criterion {
    public TopK {
      if (k < 1) {
        throw new IllegalArgumentException("k must be >= 1, got " + k);
      }
    }

    /** The {@code k} largest. */
    @Override
    public SpectrumNeed need() {
      return SpectrumNeed.top(k);
    }

    @Override
    public int[] select(double[] evalsAscending) {
      if (k > evalsAscending.length) {
        throw new IllegalArgumentException(
            "k = " + k + " is larger than the Gram size " + evalsAscending.length);
      }
      int[] idx = new int[k];
      for (int i = 0; i < k; i++) {
        idx[i] = evalsAscending.length - k + i;
      }
      return idx;
    }
  }

  /** Keep every eigenvalue {@code > threshold}. */
  record Threshold(double threshold) implements Criterion {
    public Threshold {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("threshold must be finite, got " + threshold);
      }
    }

    @Override
    public SpectrumNeed need() {
      return SpectrumNeed.above(threshold);
    }

    @Override
    public int[] select(double[] evalsAscending) {
      return java.util.stream.IntStream.range(0, evalsAscending.length)
          .filter(i -> evalsAscending[i] > threshold)
          .toArray();
    }
  }
}
