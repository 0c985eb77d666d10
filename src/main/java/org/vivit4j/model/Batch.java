package org.vivit4j.model;

/**
 * A mini-batch: inputs flattened per sample and targets.
 *
 * @param n batch size N
 * @param x {@code [N * inputSize]}, sample-major, each sample row-major in its input shape
 * @param yReal MSE targets {@code [N * C]}, or {@code null} for classification
 * @param yClass cross-entropy class indices {@code [N]}, or {@code null} for regression
 */
public record Batch(int n, double[] x, double[] yReal, int[] yClass) {

  /** Flattened input size per sample. */
  public int inputSize() {
    return x.length / n;
  }
}
