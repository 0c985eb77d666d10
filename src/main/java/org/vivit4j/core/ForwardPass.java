package org.vivit4j.core;

import java.util.List;
import org.vivit4j.layers.Layer;
import org.vivit4j.loss.Loss;
import org.vivit4j.model.Batch;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.NumericalOverflowException;
import org.vivit4j.model.ParamTensor;

/**
 * The host part of a computation, in float64: forward pass, per-sample losses, the per-sample
 * output gradients {@code δ = ∂L_n/∂z} at every layer output, and the batch gradient. This is
 * {@code O(N·D)} work; the factor backpropagation ({@code O(N·C̃·D)}) runs on a backend.
 */
public final class ForwardPass {
  /**
   * {@code activations[i]}: input of node i, {@code [N × size_i]} (a join's inputs side by side per
   * sample); the last is the output f.
   */
  public final double[][] activations;

  /**
   * {@code deltas[i]}: {@code ∂L_n/∂z} at the output of node i, {@code [N × size]}: summed over the
   * nodes that read it.
   */
  public final double[][] deltas;

  public final double loss;
  public final double[] perSampleLosses;
  public final double[] grad;
  public final int n;
  public final int outputs;

  /** The host pass computes in float64 on every backend. */
  private static final String DTYPE = "float64";

  /**
   * Runs the pass over the nodes in topological order and back. {@code scaling} must be built for
   * the whole batch N.
   *
   * @throws NumericalOverflowException when a layer's output, the loss or a gradient is not finite
   */
  public ForwardPass(NetworkSpec net, List<Layer> layers, Loss loss, Batch batch, Scaling scaling) {
    this.n = batch.n();
    int depth = layers.size();
    this.activations = new double[depth + 1][];
    this.deltas = new double[depth][];
    // values[v]: 0 the input, u + 1 the output of node u
    double[][] values = new double[depth + 1][];
    values[0] = batch.x();
    // finiteness is checked where it is cheap (O(N·size) per layer) so that an overflow is named
    // where it happened rather than surfacing as a non-finite Gram entry
    for (int i = 0; i < depth; i++) {
      activations[i] = NodeValues.gather(values, net.inputsOf(i), layers.get(i).inputSizes(), n);
      values[i + 1] = layers.get(i).forward(activations[i], n);
      NumericalOverflowException.checkFinite(
          values[i + 1], net.sizeAfter(i), "sample", net.where(i), DTYPE, "its output");
    }
    activations[depth] = values[depth];
    this.outputs = net.outputSize();
    double[] f = activations[depth];
    this.perSampleLosses = new double[n];
    double[] deltaOut = new double[n * outputs];
    double sum = 0;
    double perSample = scaling.perSampleFactor();
    for (int s = 0; s < n; s++) {
      double[] fs = java.util.Arrays.copyOfRange(f, s * outputs, (s + 1) * outputs);
      Loss.Target t = target(batch, s, outputs);
      double l = loss.value(fs, t);
      sum += l;
      perSampleLosses[s] = perSample * l;
      double[] g = loss.gradient(fs, t);
      for (int c = 0; c < outputs; c++) {
        deltaOut[s * outputs + c] = perSample * g[c];
      }
    }
    this.loss = scaling.reductionFactor() * sum;
    NumericalOverflowException.checkFinite(perSampleLosses, 1, "sample", "loss", DTYPE, "the loss");
    NumericalOverflowException.checkFinite(
        new double[] {this.loss}, 0, "", "loss", DTYPE, "the loss");
    NumericalOverflowException.checkFinite(
        deltaOut, outputs, "sample", "loss", DTYPE, "the loss's gradient");
    this.grad = new double[net.numParams()];
    // pending[v]: ∂L_n/∂(value v) summed over the nodes read so far (in reverse order)
    double[][] pending = new double[depth + 1][];
    pending[depth] = deltaOut;
    for (int i = depth - 1; i >= 0; i--) {
      deltaOut = pending[i + 1];
      pending[i + 1] = null;
      deltas[i] = deltaOut;
      Layer layer = layers.get(i);
      double[][] pg = layer.paramGradients(activations[i], deltaOut, n);
      int t = 0;
      for (ParamTensor p : net.params()) {
        if (p.layer() == i) {
          System.arraycopy(pg[t++], 0, grad, p.offset(), p.numel());
        }
      }
      for (int t2 = 0; t2 < pg.length; t2++) {
        NumericalOverflowException.checkFinite(
            pg[t2], 0, "", net.where(i), DTYPE, "the gradient of its parameter " + t2);
      }
      int[] in = net.inputsOf(i);
      if (java.util.Arrays.stream(in).anyMatch(v -> v > 0)) {
        double[] deltaIn = layer.backpropGradient(activations[i], deltaOut, n);
        NumericalOverflowException.checkFinite(
            deltaIn,
            net.sizeBefore(i),
            "sample",
            net.where(i),
            DTYPE,
            "the loss gradient at its input");
        NodeValues.scatterAdd(pending, in, layer.inputSizes(), deltaIn, n);
      }
    }
  }

  /** Target of sample {@code s}. */
  public static Loss.Target target(Batch batch, int s, int outputs) {
    return batch.yClass() != null
        ? new Loss.Target(null, 0, batch.yClass()[s])
        : new Loss.Target(batch.yReal(), s * outputs, -1);
  }

  /** Network outputs {@code f}, {@code [N × C]}. */
  public double[] outputs() {
    return activations[activations.length - 1];
  }
}
