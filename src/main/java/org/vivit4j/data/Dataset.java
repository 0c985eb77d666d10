package org.vivit4j.data;

import org.vivit4j.model.Batch;

/**
 * A labelled classification data set held in memory.
 *
 * @param x {@code [n × prod(sampleShape)]}, sample-major
 * @param labels {@code [n]} class indices
 * @param sampleShape per-sample input shape, e.g. {@code [1, 28, 28]} or {@code [784]}
 * @param numClasses number of classes C
 */
public record Dataset(double[] x, int[] labels, int[] sampleShape, int numClasses) {

  public int size() {
    return labels.length;
  }

  /** Flattened input size per sample. */
  public int sampleSize() {
    int s = 1;
    for (int d : sampleShape) {
      s *= d;
    }
    return s;
  }

  /** The samples {@code idx} (in that order) as a mini-batch with class targets. */
  public Batch batch(int[] idx) {
    int d = sampleSize();
    double[] bx = new double[idx.length * d];
    int[] by = new int[idx.length];
    for (int i = 0; i < idx.length; i++) {
      System.arraycopy(x, idx[i] * d, bx, i * d, d);
      by[i] = labels[idx[i]];
    }
    return new Batch(idx.length, bx, null, by);
  }

  /** The first {@code n} samples (all when {@code n} is larger). */
  public Dataset head(int n) {
    int m = Math.min(n, size());
    int d = sampleSize();
    return new Dataset(
        java.util.Arrays.copyOf(x, m * d),
        java.util.Arrays.copyOf(labels, m),
        sampleShape,
        numClasses);
  }

  /** The same data with another per-sample shape of the same size (e.g. flat for an MLP). */
  public Dataset reshaped(int... shape) {
    int s = 1;
    for (int d : shape) {
      s *= d;
    }
    if (s != sampleSize()) {
      throw new IllegalArgumentException(
          "cannot reshape samples of size " + sampleSize() + " to " + s);
    }
    return new Dataset(x, labels, shape.clone(), numClasses);
  }
}
