package org.vivit4j.reference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.model.ActivationSpec;
import org.vivit4j.model.AvgPool2dSpec;
import org.vivit4j.model.Batch;
import org.vivit4j.model.Conv2dSpec;
import org.vivit4j.model.DropoutSpec;
import org.vivit4j.model.FlattenSpec;
import org.vivit4j.model.IdentitySpec;
import org.vivit4j.model.LayerNormSpec;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LinearSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.MaxPool2dSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;
import org.vivit4j.model.Reduction;

/**
 * A sequential network and its loss, written on the {@link Tape} one sample at a time. The
 * parameters enter as leaves cut from a flat vector θ in PyTorch's {@code parameters()} order, so
 * derivatives w.r.t. the leaves concatenate to derivatives w.r.t. θ.
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
      validateLayer(layers.get(i), net.shapeBefore(i), "model[" + i + "]");
    }
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

  private static void validateLayer(LayerSpec layer, int[] in, String where) {
    if (layer instanceof LinearSpec l) {
      if (l.weight() == null || l.weight().length != l.in() * l.out()) {
        throw new IllegalArgumentException(where + ": weight must hold out * in values");
      }
      if (l.bias() != null && l.bias().length != l.out()) {
        throw new IllegalArgumentException(where + ": bias must hold out values");
      }
    } else if (layer instanceof ActivationSpec a) {
      if (a.activation() == null) {
        throw new IllegalArgumentException(where + ": activation must be set");
      }
      String problem = a.activation().paramProblem(a.param());
      if (problem != null) {
        throw new IllegalArgumentException(where + ": the activation parameter " + problem);
      }
    } else if (layer instanceof IdentitySpec) {
      // nothing to check
    } else if (layer instanceof DropoutSpec d) {
      if (!(d.p() >= 0.0 && d.p() <= 1.0)) {
        throw new IllegalArgumentException(where + ": dropout p must lie in [0, 1]");
      }
    } else if (layer instanceof LayerNormSpec ln) {
      int[] ns = ln.normalizedShape();
      if (ns == null || ns.length == 0 || ns.length > in.length) {
        throw new IllegalArgumentException(
            where + ": normalized_shape must be a suffix of the input");
      }
      int m = 1;
      for (int d = 0; d < ns.length; d++) {
        if (ns[d] != in[in.length - ns.length + d]) {
          throw new IllegalArgumentException(
              where + ": normalized_shape must be a suffix of the input");
        }
        m *= ns[d];
      }
      if (!(ln.eps() > 0.0) || Double.isInfinite(ln.eps())) {
        throw new IllegalArgumentException(where + ": eps must be positive and finite");
      }
      if ((ln.weight() != null && ln.weight().length != m)
          || (ln.bias() != null && ln.bias().length != m)
          || (ln.weight() == null && ln.bias() != null)) {
        throw new IllegalArgumentException(
            where + ": weight and bias must hold prod(normalized_shape) values, bias needs weight");
      }
    } else if (layer instanceof FlattenSpec f) {
      boolean endOk = f.endDim() == -1 || f.endDim() == in.length;
      if (f.startDim() != 1 || !endOk) {
        throw new IllegalArgumentException(
            where + ": only flatten(start_dim=1, end_dim=-1) is supported");
      }
    } else if (layer instanceof Conv2dSpec c) {
      for (int[] pair : new int[][] {c.kernelSize(), c.stride(), c.padding(), c.dilation()}) {
        if (pair == null || pair.length != 2) {
          throw new IllegalArgumentException(
              where + ": kernel_size, stride, padding and dilation must be pairs");
        }
      }
      int numel = c.outChannels() * c.inChannels() * c.kernelSize()[0] * c.kernelSize()[1];
      if (c.weight() == null || c.weight().length != numel) {
        throw new IllegalArgumentException(where + ": weight must hold O*C*kh*kw values");
      }
      if (c.bias() != null && c.bias().length != c.outChannels()) {
        throw new IllegalArgumentException(where + ": bias must hold out_channels values");
      }
      // Throws IllegalArgumentException for invalid hyper-parameters.
      new ConvOps.Geometry(
          in,
          new int[] {c.outChannels(), c.inChannels(), c.kernelSize()[0], c.kernelSize()[1]},
          c.stride(),
          c.padding(),
          c.dilation());
    } else if (layer instanceof MaxPool2dSpec m) {
      PoolOps.outputShape(in, m.kernelSize(), m.stride(), m.padding(), m.dilation());
    } else if (layer instanceof AvgPool2dSpec a) {
      PoolOps.outputShape(in, a.kernelSize(), a.stride(), a.padding(), new int[] {1, 1});
    } else {
      throw new IllegalArgumentException(where + ": unsupported layer " + layer.type());
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
    Node a = x;
    int p = 0;
    for (LayerSpec layer : net.layers()) {
      if (layer instanceof LinearSpec l) {
        a = Ops.matvec(params.get(p++), a);
        if (l.bias() != null) {
          a = Ops.add(a, params.get(p++));
        }
      } else if (layer instanceof Conv2dSpec c) {
        a = ConvOps.conv2d(a, params.get(p++), c.stride(), c.padding(), c.dilation());
        if (c.bias() != null) {
          a = ConvOps.addChannelBias(a, params.get(p++));
        }
      } else if (layer instanceof ActivationSpec act) {
        a = ReferenceActivations.apply(act, a);
      } else if (layer instanceof FlattenSpec) {
        a = Ops.reshape(a, a.numel());
      } else if (layer instanceof IdentitySpec || layer instanceof DropoutSpec) {
        // identity; dropout is the identity in evaluation mode
      } else if (layer instanceof LayerNormSpec ln) {
        Node w = ln.weight() != null ? params.get(p++) : null;
        Node b = ln.bias() != null ? params.get(p++) : null;
        a = LayerNormOps.layerNorm(a, ln, w, b);
      } else if (layer instanceof MaxPool2dSpec m) {
        a = PoolOps.maxPool2d(a, m.kernelSize(), m.stride(), m.padding(), m.dilation());
      } else if (layer instanceof AvgPool2dSpec ap) {
        a = PoolOps.avgPool2d(a, ap.kernelSize(), ap.stride(), ap.padding());
      } else {
        throw new IllegalArgumentException("unsupported layer " + layer.type());
      }
    }
    return a.shapeRef().length == 1 ? a : Ops.reshape(a, a.numel());
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
