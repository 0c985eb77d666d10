package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.model.Activation;

/**
 * Sub-graphs that exporters write for one layer, recognised whole: GELU as {@code x·½(1 +
 * erf(x/√2))} (PyTorch below opset 20: Div, Erf, Add, Mul, Mul) or as ONNX's {@code Gelu} node,
 * SiLU, LogSigmoid, Mish ({@code x·tanh(softplus(x))}: Softplus, Tanh, Mul; or ONNX's {@code Mish}
 * node), and LayerNorm below opset 17 (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add).
 * Each pattern is matched exactly: every intermediate value has exactly the readers the pattern
 * gives it, and every constant has the value the formula needs; anything else is left to the
 * node-by-node mapping, which then names the first node it cannot map.
 */
final class OnnxPatterns {
  private OnnxPatterns() {}

  /** The float32 constants PyTorch writes, compared as float32. */
  private static final float SQRT2 = (float) Math.sqrt(2);

  static OnnxLayers.Mapped match(
      NodeProto n, String x, OnnxGraph g, StaticValues values, int[] shape) {
    if (n.getOpType().equals("Gelu")) {
      return geluNode(n, x);
    }
    if (n.getOpType().equals("Mish")) {
      new OnnxAttributes(n).only(Set.of());
      return n.getInput(0).equals(x) ? activation("mish", 0, List.of(n)) : null;
    }
    OnnxLayers.Mapped m = geluErf(n, x, g, values);
    if (m == null) {
      m = layerNorm(n, x, g, values, shape);
    }
    if (m == null) {
      m = siluOrLogSigmoid(n, x, g);
    }
    if (m == null) {
      m = mish(n, x, g);
    }
    return m;
  }

  /** An activation by its problem-file name, covering {@code covered}. */
  private static OnnxLayers.Mapped activation(
      String typeName, double param, List<NodeProto> covered) {
    Activation a = Activation.fromTypeName(typeName);
    if (a == null) {
      throw new OnnxImportException(
          OnnxModel.describe(covered.get(0)) + ": " + typeName + " is not available in this build");
    }
    NodeProto last = covered.get(covered.size() - 1);
    return new OnnxLayers.Mapped(
        List.of(new OnnxLayers.Layer(new ActivationSpec(a, param), List.of())),
        covered,
        last.getOutput(0));
  }

  private static OnnxLayers.Mapped gelu(List<NodeProto> covered, String approximate) {
    // the hyper-parameter is the index of the choice: none, tanh
    return activation("gelu", approximate.equals("tanh") ? 1 : 0, covered);
  }

  /**
   * SiLU as PyTorch writes it, {@code Mul(x, Sigmoid(x))}, and LogSigmoid, {@code Log(Sigmoid(x))};
   * starting at the Sigmoid, whose output that Mul or Log alone reads. {@code x} may have further
   * readers (a residual {@code x + silu(x)}): they read {@code x}, not the activation, so the
   * pattern's value is the same.
   */
  private static OnnxLayers.Mapped siluOrLogSigmoid(NodeProto sig, String x, OnnxGraph g) {
    if (!is(sig, "Sigmoid") || !sig.getInput(0).equals(x)) {
      return null;
    }
    NodeProto next = g.soleConsumer(sig.getOutput(0));
    if (is(next, "Log")) {
      return activation("logsigmoid", 0, List.of(sig, next));
    }
    if (is(next, "Mul") && x.equals(other(next, sig.getOutput(0)))) {
      return activation("silu", 0, List.of(sig, next));
    }
    return null;
  }

  /**
   * Mish as PyTorch writes it at every opset it exports (ONNX's own {@code Mish} node, opset 18, is
   * mapped by {@link #match} directly), {@code Mul(x, Tanh(Softplus(x)))}, starting at the
   * Softplus: its output has the Tanh alone as reader, the Tanh's the Mul alone, and the Mul's
   * other factor is {@code x}. As for SiLU, {@code x} may have further readers. ONNX's Softplus is
   * {@code log(1 + eˣ)}, PyTorch's at {@code beta = 1} without the linear branch, as the {@code
   * mish} activation computes it.
   */
  private static OnnxLayers.Mapped mish(NodeProto softplus, String x, OnnxGraph g) {
    if (!is(softplus, "Softplus")
        || !softplus.getInput(0).equals(x)
        || softplus.getAttributeCount() != 0) {
      return null;
    }
    NodeProto tanh = g.soleConsumer(softplus.getOutput(0));
    if (!is(tanh, "Tanh") || tanh.getAttributeCount() != 0) {
      return null;
    }
    NodeProto mul = g.soleConsumer(tanh.getOutput(0));
    if (is(mul, "Mul") && x.equals(other(mul, tanh.getOutput(0)))) {
      return activation("mish", 0, List.of(softplus, tanh, mul));
    }
    return null;
  }

  private static OnnxLayers.Mapped geluNode(NodeProto n, String x) {
    String approximate =
        new OnnxAttributes(n).only(Set.of("approximate")).text("approximate", "none");
    if (!n.getInput(0).equals(x)) {
      return null;
    }
    if (!approximate.equals("none") && !approximate.equals("tanh")) {
      throw new OnnxImportException(
          OnnxModel.describe(n) + ": approximate '" + approximate + "' is not 'none' or 'tanh'");
    }
    return gelu(List.of(n), approximate);
  }

  /** The other input of a two-input node {@code n} that reads {@code v}, or null. */
  private static String other(NodeProto n, String v) {
    if (n == null || n.getInputCount() != 2) {
      return null;
    }
    if (n.getInput(0).equals(v)) {
      return n.getInput(1);
    }
    return n.getInput(1).equals(v) ? n.getInput(0) : null;
  }

  /** Whether {@code value} is a batch-free scalar constant equal to {@code expected} in float32. */
  private static boolean isScalar(StaticValues values, String value, float expected) {
    StaticValues.Known k = value == null ? null : values.get(value);
    return k != null
        && k.batchFree()
        && k.a().length() == 1
        && !k.a().isInteger()
        && (float) k.a().real(0) == expected;
  }

  private static boolean is(NodeProto n, String op) {
    return n != null && n.getOpType().equals(op);
  }

  /** {@code Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)}, starting at the Div. */
  private static OnnxLayers.Mapped geluErf(
      NodeProto div, String x, OnnxGraph g, StaticValues values) {
    if (!is(div, "Div") || div.getInputCount() != 2 || !div.getInput(0).equals(x)) {
      return null;
    }
    if (!isScalar(values, div.getInput(1), SQRT2) || g.consumers(x).size() != 2) {
      return null;
    }
    NodeProto erf = g.soleConsumer(div.getOutput(0));
    if (!is(erf, "Erf")) {
      return null;
    }
    NodeProto add = g.soleConsumer(erf.getOutput(0));
    if (!is(add, "Add") || !isScalar(values, other(add, erf.getOutput(0)), 1f)) {
      return null;
    }
    NodeProto mul = g.soleConsumer(add.getOutput(0));
    if (!is(mul, "Mul") || !x.equals(other(mul, add.getOutput(0)))) {
      return null;
    }
    NodeProto half = g.soleConsumer(mul.getOutput(0));
    if (!is(half, "Mul") || !isScalar(values, other(half, mul.getOutput(0)), 0.5f)) {
      return null;
    }
    return gelu(List.of(div, erf, add, mul, half), "none");
  }

  private static long[] reduceAxes(NodeProto n, StaticValues values) {
    OnnxAttributes a = new OnnxAttributes(n);
    if (a.integer("keepdims", 1) != 1) {
      return null;
    }
    if (a.has("axes")) {
      return a.integers("axes");
    }
    if (n.getInputCount() > 1 && values.isKnown(n.getInput(1))) {
      return values.get(n.getInput(1)).a().integers(); // opset 18: axes as an input
    }
    return null;
  }

  /**
   * LayerNorm over the last axis: {@code Add(Mul(Div(Sub(x, ReduceMean(x)), Sqrt(Add(
   * ReduceMean(Pow(Sub, 2)), eps))), γ), β)}, starting at the first ReduceMean.
   */
  private static OnnxLayers.Mapped layerNorm(
      NodeProto mean, String x, OnnxGraph g, StaticValues values, int[] shape) {
    if (!is(mean, "ReduceMean") || !mean.getInput(0).equals(x) || g.consumers(x).size() != 2) {
      return null;
    }
    long[] axes = reduceAxes(mean, values);
    int rank = shape.length + 1;
    if (axes == null || axes.length != 1 || (axes[0] < 0 ? axes[0] + rank : axes[0]) != rank - 1) {
      return null;
    }
    NodeProto sub = g.soleConsumer(mean.getOutput(0));
    if (!is(sub, "Sub")
        || !sub.getInput(0).equals(x)
        || !sub.getInput(1).equals(mean.getOutput(0))) {
      return null;
    }
    List<NodeProto> subReaders = g.consumers(sub.getOutput(0));
    if (subReaders.size() != 2 || g.uses(sub.getOutput(0)) != 2) {
      return null;
    }
    NodeProto pow = is(subReaders.get(0), "Pow") ? subReaders.get(0) : subReaders.get(1);
    NodeProto div = is(subReaders.get(0), "Div") ? subReaders.get(0) : subReaders.get(1);
    if (!is(pow, "Pow")
        || !is(div, "Div")
        || !pow.getInput(0).equals(sub.getOutput(0))
        || !isScalar(values, pow.getInput(1), 2f)
        || !div.getInput(0).equals(sub.getOutput(0))) {
      return null;
    }
    NodeProto var = g.soleConsumer(pow.getOutput(0));
    long[] varAxes = is(var, "ReduceMean") ? reduceAxes(var, values) : null;
    if (varAxes == null || varAxes.length != 1 || varAxes[0] != axes[0]) {
      return null;
    }
    NodeProto addEps = g.soleConsumer(var.getOutput(0));
    String eps = other(addEps, var.getOutput(0));
    if (!is(addEps, "Add") || eps == null || !values.isKnown(eps)) {
      return null;
    }
    StaticValues.Known epsValue = values.get(eps);
    if (!epsValue.batchFree() || epsValue.a().length() != 1 || epsValue.a().isInteger()) {
      return null;
    }
    NodeProto sqrt = g.soleConsumer(addEps.getOutput(0));
    if (!is(sqrt, "Sqrt") || g.soleConsumer(sqrt.getOutput(0)) != div) {
      return null;
    }
    if (!div.getInput(1).equals(sqrt.getOutput(0))) {
      return null;
    }
    List<NodeProto> covered = new ArrayList<>(List.of(mean, sub, pow, var, addEps, sqrt, div));
    int[] normalized = {shape[shape.length - 1]};
    double[] weight = null;
    double[] bias = null;
    List<String> names = new ArrayList<>();
    String out = div.getOutput(0);
    NodeProto mul = g.soleConsumer(out);
    String gamma = other(mul, out);
    if (is(mul, "Mul") && gamma != null && values.isInitializer(gamma)) {
      weight = realVector(mul, values, gamma, normalized[0]);
      names.add(gamma);
      covered.add(mul);
      out = mul.getOutput(0);
      NodeProto add = g.soleConsumer(out);
      String beta = other(add, out);
      if (is(add, "Add") && beta != null && values.isInitializer(beta)) {
        bias = realVector(add, values, beta, normalized[0]);
        names.add(beta);
        covered.add(add);
        out = add.getOutput(0);
      }
    }
    double e = epsValue.a().real(0);
    if (epsValue.a().elementType().equals("FLOAT")) {
      e = Double.parseDouble(Float.toString((float) e)); // the decimal PyTorch was given
    }
    return new OnnxLayers.Mapped(
        List.of(new OnnxLayers.Layer(new LayerNormSpec(normalized, e, weight, bias), names)),
        covered,
        out);
  }

  private static double[] realVector(NodeProto n, StaticValues values, String name, int length) {
    OnnxTensor t = values.get(name).a();
    if (t.isInteger() || t.length() != length || t.rank() != 1) {
      throw new OnnxImportException(
          OnnxModel.describe(n)
              + ": LayerNorm's '"
              + name
              + "' is "
              + t
              + ", expected ["
              + length
              + "]");
    }
    return t.reals().clone();
  }
}
