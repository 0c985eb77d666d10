package org.vivit4j.reference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;
import org.vivit4j.model.Reduction;

/**
 * A network (a chain or a graph of layers and joins) and its loss, written on the {@link Tape} one
 * sample at a time. The parameters enter as leaves cut from a flat vector θ in PyTorch's {@code
 * parameters()} order, so derivatives w.r.t. the leaves concatenate to derivatives w.r.t. θ.
 */
final class ReferenceModel {
  private ReferenceModel() {}

  /**
   * Checks that every layer and the loss are supported and consistent with the batch.
   *
   * @throws IllegalArgumentException otherwise
   */
  static void validate(NetworkSpec net, LossSpec loss, Batch batch) {
    if (net == null || loss == null || batch == null) {
      throw new IllegalArgumentException("network, loss and batch must not be null");
    }
    if (loss.type() == null || loss.reduction() == null) {
      throw new IllegalArgumentException("loss type and reduction must be set");
    }
    List<LayerSpec> layers = net.layers();
    for (int i = 0; i < layers.size(); i++) {
      List<int[]> in = new ArrayList<>();
      for (int v : net.inputsOf(i)) {
        if (v < 0 || v > i) {
          throw new IllegalArgumentException(net.where(i) + " reads a value made after it");
        }
        in.add(net.valueShape(v));
      }
      ReferenceLayers.validate(layers.get(i), in, net.where(i));
    }
    validateIndexReaders(net);
    for (ParamTensor p : net.params()) {
      double[] d = NetworkSpec.paramData(layers.get(p.layer()), p.name());
      if (d == null || d.length != p.numel()) {
        throw new IllegalArgumentException(
            "parameter " + p.index() + " (" + p.name() + ") must hold " + p.numel() + " values");
      }
      requireFinite(d, "parameter " + p.index());
    }
    int n = batch.n();
    int c = net.outputSize();
    if (n < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + n);
    }
    if (batch.x() == null || batch.x().length != (long) n * net.inputSize()) {
      throw new IllegalArgumentException(
          "inputs must hold N * "
              + net.inputSize()
              + " = "
              + (long) n * net.inputSize()
              + " values");
    }
    requireFinite(batch.x(), "inputs");
    if (loss.type() == LossType.MSE) {
      if (batch.yReal() == null || batch.yReal().length != (long) n * c) {
        throw new IllegalArgumentException(
            "MSE targets must hold N * C = " + (long) n * c + " values");
      }
      requireFinite(batch.yReal(), "targets");
    } else if (loss.type() == LossType.CROSS_ENTROPY) {
      if (batch.yClass() == null || batch.yClass().length != n) {
        throw new IllegalArgumentException("cross-entropy targets must hold N = " + n + " classes");
      }
      for (int y : batch.yClass()) {
        if (y < 0 || y >= c) {
          throw new IllegalArgumentException("class index " + y + " out of range [0, " + c + ")");
        }
      }
    } else if (loss.type() == LossType.BCE_WITH_LOGITS) {
      if (batch.yReal() == null || batch.yReal().length != (long) n * c) {
        throw new IllegalArgumentException(
            "BCE targets must hold N * C = " + (long) n * c + " values");
      }
      for (double y : batch.yReal()) {
        if (!(y >= 0.0 && y <= 1.0)) {
          throw new IllegalArgumentException("BCE targets must lie in [0, 1], got " + y);
        }
      }
    } else {
      throw new IllegalArgumentException("unsupported loss " + loss.type());
    }
  }

  /**
   * A layer that reads integer indices (an embedding) reads the network input and nothing else;
   * when one does, no other node reads the network input (its values are indices, not features).
   */
  private static void validateIndexReaders(NetworkSpec net) {
    List<LayerSpec> layers = net.layers();
    boolean anyReader = false;
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).readsIndices()) {
        anyReader = true;
        if (!Arrays.equals(net.inputsOf(i), new int[] {0})) {
          throw new IllegalArgumentException(
              net.where(i) + " reads integer indices and must read the network input only");
        }
      }
    }
    for (int i = 0; anyReader && i < layers.size(); i++) {
      if (!layers.get(i).readsIndices() && Arrays.stream(net.inputsOf(i)).anyMatch(v -> v == 0)) {
        throw new IllegalArgumentException(
            net.where(i) + " reads the network input, which holds the indices of an embedding");
      }
    }
  }

  private static void requireFinite(double[] a, String what) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(what + " contain a non-finite value");
      }
    }
  }

  /** One leaf per parameter tensor, shaped as in PyTorch, cut from θ. */
  static List<Node> paramLeaves(Tape tape, NetworkSpec net, double[] theta) {
    if (theta.length != net.numParams()) {
      throw new IllegalArgumentException(
          "θ has " + theta.length + " entries, the network " + net.numParams());
    }
    List<Node> leaves = new ArrayList<>();
    for (ParamTensor p : net.params()) {
      leaves.add(
          tape.leaf(Arrays.copyOfRange(theta, p.offset(), p.offset() + p.numel()), p.shape()));
    }
    return leaves;
  }

  /** Concatenates the adjoints of the parameter leaves into a flat vector in θ order. */
  static double[] flatten(Node[] adjoints, int numParams) {
    double[] out = new double[numParams];
    int offset = 0;
    for (Node a : adjoints) {
      System.arraycopy(a.data(), 0, out, offset, a.numel());
      offset += a.numel();
    }
    return out;
  }

  /**
   * The network output {@code f(x; θ)} of one sample.
   *
   * @param x the sample's input, shaped as {@link NetworkSpec#inputShape()}
   * @param params the leaves of {@link #paramLeaves}
   */
  static Node forward(NetworkSpec net, Node x, List<Node> params) {
    int depth = net.layers().size();
    // each node's own leaves, so that the graph can be evaluated in any order
    List<List<Node>> leaves = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      leaves.add(new ArrayList<>());
    }
    for (ParamTensor p : net.params()) {
      leaves.get(p.layer()).add(params.get(p.index()));
    }
    Node[] values = new Node[depth + 1];
    values[0] = x;
    Node a = value(net, depth, values, leaves);
    return a.shapeRef().length == 1 ? a : Ops.reshape(a, a.numel());
  }

  /**
   * Value {@code v} (0 the input, {@code i + 1} node i's output), computed on demand from the
   * values its node reads: the graph is walked from the output, not in the fast path's order.
   */
  private static Node value(NetworkSpec net, int v, Node[] values, List<List<Node>> leaves) {
    if (values[v] == null) {
      int node = v - 1;
      List<Node> in = new ArrayList<>();
      for (int u : net.inputsOf(node)) {
        in.add(value(net, u, values, leaves));
      }
      values[v] = ReferenceLayers.forward(net.layers().get(node), in, leaves.get(node).iterator());
    }
    return values[v];
  }

  /** Sample {@code n}'s input as a constant of the network's input shape. */
  static Node input(Tape tape, NetworkSpec net, Batch batch, int n) {
    int d = net.inputSize();
    return tape.constant(Arrays.copyOfRange(batch.x(), n * d, (n + 1) * d), net.inputShape());
  }

  /**
   * The per-sample loss {@code ℓ(f, y_n)} with the reduction applied over the outputs:
   *
   * <ul>
   *   <li>MSE: {@code ℓ = (1/C) Σ_c (f_c − y_c)²} (mean) or {@code Σ_c (f_c − y_c)²} (sum);
   *   <li>cross-entropy: {@code ℓ = −log softmax(f)_y = lse(f) − f_y};
   *   <li>BCE with logits: {@code ℓ = (1/C) Σ_c [lse(0, f_c) − y_c f_c]} (mean) or without {@code
   *       1/C} (sum).
   * </ul>
   */
  static Node sampleLoss(LossSpec loss, Node f, Batch batch, int n) {
    int c = f.numel();
    if (loss.type() == LossType.MSE) {
      double[] y = Arrays.copyOfRange(batch.yReal(), n * c, (n + 1) * c);
      Node d = Ops.sub(f, f.tape().constant(y, c));
      Node sq = Ops.sum(Ops.mul(d, d));
      return loss.reduction() == Reduction.MEAN ? Ops.affine(sq, 1.0 / c, 0.0) : sq;
    }
    if (loss.type() == LossType.BCE_WITH_LOGITS) {
      // log(1 + e^{f_c}) = lse(0, f_c): the two-entry log-sum-exp of [0, f_c]
      double[] y = Arrays.copyOfRange(batch.yReal(), n * c, (n + 1) * c);
      Node total = Ops.sum(Ops.mul(f, f.tape().constant(y, c)));
      Node softplus = null;
      for (int k = 0; k < c; k++) {
        Node lse = Ops.logSumExp(Ops.scatter(Ops.pick(f, k), 1, 2));
        softplus = softplus == null ? lse : Ops.add(softplus, lse);
      }
      Node sum = Ops.sub(softplus, total);
      return loss.reduction() == Reduction.MEAN ? Ops.affine(sum, 1.0 / c, 0.0) : sum;
    }
    return Ops.sub(Ops.logSumExp(f), Ops.pick(f, batch.yClass()[n]));
  }

  /** {@code R}: {@code 1/N} for reduction mean, {@code 1} for sum. */
  static double batchFactor(LossSpec loss, int batchSize) {
    return loss.reduction() == Reduction.MEAN ? 1.0 / batchSize : 1.0;
  }
}
