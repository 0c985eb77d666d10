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

  /**
   * The batch index of each row: {@code null} when the pass is over the whole batch (row = batch
   * index), else the samples a sub-batch was cut from ({@link #ofSamples}).
   */
  private final int[] sampleIds;

  /** The batch this pass ran on (a sub-batch for {@link #ofSamples}). */
  public final Batch batch;

  /** The host pass computes in float64 on every backend. */
  private static final String DTYPE = "float64";

  /**
   * Runs the pass over the nodes in topological order and back. {@code scaling} must be built for
   * the whole batch N.
   *
   * @throws NumericalOverflowException when a layer's output, the loss or a gradient is not finite
   */
  public ForwardPass(NetworkSpec net, List<Layer> layers, Loss loss, Batch batch, Scaling scaling) {
    this(net, layers, loss, batch, scaling, null);
  }

  /**
   * The pass over the samples {@code rows} of {@code batch} only (its rows in that order; {@link
   * #sampleId} maps them back), with {@code scaling} still that of the whole batch: the loss and
   * gradient are this sub-batch's share of the batch's, and its per-sample values are the batch's.
   */
  public static ForwardPass ofSamples(
      NetworkSpec net, List<Layer> layers, Loss loss, Batch batch, int[] rows, Scaling scaling) {
    return new ForwardPass(net, layers, loss, subBatch(batch, rows), scaling, rows.clone());
  }

  /** The samples {@code rows} of {@code batch}, in that order. */
  public static Batch subBatch(Batch batch, int[] rows) {
    int d = batch.inputSize();
    double[] x = new double[Math.multiplyExact(rows.length, d)];
    double[] yReal = null;
    int[] yClass = null;
    int c = batch.yReal() == null ? 0 : batch.yReal().length / batch.n();
    if (batch.yReal() != null) {
      yReal = new double[rows.length * c];
    } else {
      yClass = new int[rows.length];
    }
    for (int r = 0; r < rows.length; r++) {
      int s = rows[r];
      System.arraycopy(batch.x(), s * d, x, r * d, d);
      if (yReal != null) {
        System.arraycopy(batch.yReal(), s * c, yReal, r * c, c);
      } else {
        yClass[r] = batch.yClass()[s];
      }
    }
    return new Batch(rows.length, x, yReal, yClass);
  }

  private ForwardPass(
      NetworkSpec net, List<Layer> layers, Loss loss, Batch batch, Scaling scaling, int[] ids) {
    this.sampleIds = ids;
    this.batch = batch;
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
      checkSamples(values[i + 1], net.sizeAfter(i), net.where(i), "its output");
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
    checkSamples(perSampleLosses, 1, "loss", "the loss");
    NumericalOverflowException.checkFinite(
        new double[] {this.loss}, 0, "", "loss", DTYPE, "the loss");
    checkSamples(deltaOut, outputs, "loss", "the loss's gradient");
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
        checkSamples(deltaIn, net.sizeBefore(i), net.where(i), "the loss gradient at its input");
        NodeValues.scatterAdd(pending, in, layer.inputSizes(), deltaIn, n);
      }
    }
  }

  /**
   * {@link NumericalOverflowException#checkFinite} of rows of {@code width} per sample, naming the
   * sample by its batch index ({@link #sampleId}), not its row in a sub-batch.
   */
  private void checkSamples(double[] values, int width, String field, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        int w = Math.max(width, 1);
        String at = "sample " + sampleId(i / w) + (width > 1 ? ", column " + i % w : "");
        throw new NumericalOverflowException(field, DTYPE, what, values[i], at);
      }
    }
  }

  /** Target of sample {@code s}. */
  public static Loss.Target target(Batch batch, int s, int outputs) {
    return batch.yClass() != null
        ? new Loss.Target(null, 0, batch.yClass()[s])
        : new Loss.Target(batch.yReal(), s * outputs, -1);
  }

  /** The batch index of row {@code row} (the Monte-Carlo GGN draws by it). */
  public int sampleId(int row) {
    return sampleIds == null ? row : sampleIds[row];
  }

  /** Network outputs {@code f}, {@code [N × C]}. */
  public double[] outputs() {
    return activations[activations.length - 1];
  }
}
