package org.vivit4j.core;

/**
 * Host arrays of a graph's values ({@code [N × size]}, sample-major) as its nodes read and write
 * them: a join's input rows are its inputs side by side, and gradients flowing back into a value
 * that several nodes read are summed.
 */
final class NodeValues {
  private NodeValues() {}

  /**
   * The input rows of a node reading {@code inputs} (value indices) of per-sample {@code sizes}:
   * the value itself for one input, else {@code [a_1 | … | a_k]} per sample.
   */
  static double[] gather(double[][] values, int[] inputs, int[] sizes, int n) {
    if (inputs.length == 1) {
      return values[inputs[0]];
    }
    int width = java.util.Arrays.stream(sizes).sum();
    double[] out = new double[n * width];
    int offset = 0;
    for (int j = 0; j < inputs.length; j++) {
      double[] v = values[inputs[j]];
      for (int s = 0; s < n; s++) {
        System.arraycopy(v, s * sizes[j], out, s * width + offset, sizes[j]);
      }
      offset += sizes[j];
    }
    return out;
  }

  /**
   * Adds each input's part of {@code deltaIn} (rows {@code [δ_1 | … | δ_k]}) to {@code
   * pending[inputs[j]]}; value 0 (the network input) takes nothing. A value's first part is stored
   * as it is, later ones are summed into a new array (a part may be shared with a layer's output).
   */
  static void scatterAdd(double[][] pending, int[] inputs, int[] sizes, double[] deltaIn, int n) {
    int width = java.util.Arrays.stream(sizes).sum();
    int offset = 0;
    for (int j = 0; j < inputs.length; j++) {
      int v = inputs[j];
      if (v > 0) {
        double[] part;
        if (inputs.length == 1) {
          part = deltaIn;
        } else {
          part = new double[n * sizes[j]];
          for (int s = 0; s < n; s++) {
            System.arraycopy(deltaIn, s * width + offset, part, s * sizes[j], sizes[j]);
          }
        }
        if (pending[v] == null) {
          pending[v] = part;
        } else {
          double[] sum = pending[v].clone();
          for (int i = 0; i < sum.length; i++) {
            sum[i] += part[i];
          }
          pending[v] = sum;
        }
      }
      offset += sizes[j];
    }
  }
}
