package org.vivit4j.problems;

import java.util.List;
import org.vivit4j.layers.BatchNormLayer;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.LayerRegistry;
import org.vivit4j.model.NetworkSpec;

/**
 * Sets the running statistics of a network's BatchNorm layers from a calibration batch, in
 * evaluation mode, node by node in topological order: BatchNorm node {@code i} reads its input
 * {@code a [N × C·T]} as the network computes it with the BatchNorm layers before {@code i} already
 * set, and gets, for each channel {@code c} over the {@code m = N·T} entries of that channel,
 *
 * <pre>
 *   running_mean_c = (1/m) Σ a,   running_var_c = (1/(m − 1)) Σ (a − running_mean_c)²,
 * </pre>
 *
 * (PyTorch's unbiased running variance), both rounded to float32. Values are dropped after their
 * last reader, so the pass holds only the values still needed.
 */
final class RunningStatistics {
  private RunningStatistics() {}

  /**
   * Estimates every BatchNorm node's running statistics of {@code net} in place.
   *
   * @param x {@code n} calibration samples, {@code [n × input size]}
   * @throws IllegalArgumentException when a BatchNorm channel would have fewer than 2 entries
   */
  static void estimate(NetworkSpec net, double[] x, int n) {
    List<Layer> layers = LayerRegistry.build(net);
    int depth = layers.size();
    int[] lastUse = new int[depth + 1];
    for (int i = 0; i < depth; i++) {
      for (int v : net.inputsOf(i)) {
        lastUse[v] = i;
      }
    }
    double[][] values = new double[depth + 1][];
    values[0] = x;
    for (int i = 0; i < depth; i++) {
      double[] in = gather(values, net.inputsOf(i), net.inputSizesOf(i), n);
      Layer layer = layers.get(i);
      if (net.layers().get(i) instanceof BatchNormSpec bn) {
        setFrom(bn, in, n);
        layer = new BatchNormLayer(bn, net.sizeBefore(i));
      }
      values[i + 1] = layer.forward(in, n);
      for (int v : net.inputsOf(i)) {
        if (lastUse[v] == i && v > 0) {
          values[v] = null;
        }
      }
    }
  }

  /** The mean and unbiased variance per channel of {@code in [n × C·T]}, into {@code bn}. */
  private static void setFrom(BatchNormSpec bn, double[] in, int n) {
    int channels = bn.numFeatures();
    int size = in.length / n;
    int positions = size / channels;
    long m = (long) n * positions;
    if (m < 2) {
      throw new IllegalArgumentException(
          "a running variance needs at least 2 values per channel, got " + m);
    }
    double[] mean = bn.runningMean();
    double[] var = bn.runningVar();
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      for (int s = 0; s < n; s++) {
        int from = s * size + c * positions;
        for (int t = 0; t < positions; t++) {
          sum += in[from + t];
        }
      }
      double mu = sum / m;
      double sq = 0;
      for (int s = 0; s < n; s++) {
        int from = s * size + c * positions;
        for (int t = 0; t < positions; t++) {
          double d = in[from + t] - mu;
          sq += d * d;
        }
      }
      mean[c] = (float) mu;
      var[c] = (float) (sq / (m - 1));
    }
  }

  /** One input's rows, or several inputs side by side per sample (a join's input). */
  private static double[] gather(double[][] values, int[] inputs, int[] sizes, int n) {
    if (inputs.length == 1) {
      return values[inputs[0]];
    }
    int width = java.util.Arrays.stream(sizes).sum();
    double[] out = new double[n * width];
    int offset = 0;
    for (int j = 0; j < inputs.length; j++) {
      for (int s = 0; s < n; s++) {
        System.arraycopy(values[inputs[j]], s * sizes[j], out, s * width + offset, sizes[j]);
      }
      offset += sizes[j];
    }
    return out;
  }
}
