package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.vivit4j.layers.AdaptiveAvgPool1dLayer.AdaptiveAvgPool1dSpec;
import org.vivit4j.layers.AvgPool2dLayer.AvgPool2dSpec;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;
import org.vivit4j.layers.Pad2dLayer.Pad2dSpec;
import org.vivit4j.layers.Pool1dLayer.Pool1dSpec;
import org.vivit4j.layers.ScaleLayer.ScaleSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LayerSpec;

/**
 * One ONNX node (or a short fused run: MatMul + Add, a zero Pad + the Conv or AveragePool it feeds)
 * as vivit4j layers. Every attribute is checked against what the layer computes; a value that would
 * change the math (a grouped convolution, {@code ceil_mode}, an asymmetric pad, Gemm's {@code beta}
 * apart from its {@code alpha}) is refused naming the node.
 */
final class OnnxLayers {
  private OnnxLayers() {}

  /** A layer and the names of its parameter tensors (weight, then bias). */
  record Layer(LayerSpec spec, List<String> paramNames) {}

  /**
   * The layers of a node, the nodes they cover (the node itself unless fused) and the value that
   * carries their output.
   */
  record Mapped(List<Layer> layers, List<NodeProto> covered, String output) {
    Mapped(List<Layer> layers, NodeProto first, NodeProto last) {
      this(layers, first == last ? List.of(first) : List.of(first, last), last.getOutput(0));
    }
  }

  static final String SUPPORTED =
      "Gemm (transA = 0; beta = alpha with a C), MatMul (+ Add), Conv (1-D and 2-D), ConvTranspose (1-D and 2-D), Pad (zero, before Conv or"
          + " AveragePool), MaxPool,"
          + " AveragePool, GlobalAveragePool, Flatten, Reshape (to [N, -1]), Relu, LeakyRelu, Elu,"
          + " Selu, Sigmoid, Tanh, Softplus, Identity, Dropout, LayerNormalization, BatchNormalization, GELU, SiLU and"
          + " LogSigmoid as PyTorch writes them, Gather (an embedding on the integer input)";

  static Mapped map(NodeProto n, OnnxGraph graph, StaticValues values, int[] shape) {
    for (int k = 1; k < n.getOutputCount(); k++) {
      if (!n.getOutput(k).isEmpty() && graph.uses(n.getOutput(k)) > 0) {
        throw new OnnxImportException(
            OnnxModel.describe(n) + ": its output " + k + " is used; vivit4j maps output 0 only");
      }
    }
    String op = n.getOpType();
    Activation act = OnnxImporter.ACTIVATIONS.get(op);
    if (act != null) {
      return one(n, activation(n, act));
    }
    return switch (op) {
      case "Identity" -> one(n, new Layer(new IdentitySpec(), List.of()));
      case "Softplus" -> one(n, softplus(n));
      case "Dropout" -> one(n, dropout(n, values));
      case "Flatten" -> one(n, flatten(n, shape));
      case "Reshape" -> one(n, reshape(n, values, shape));
      case "Gemm" -> gemm(n, values, shape);
      case "MatMul" -> matMul(n, graph, values, shape);
      case "Conv" ->
          one(
              n,
              shape.length == 2
                  ? OnnxConvLayers.conv1d(n, values, shape)
                  : conv(n, values, shape, new int[2]));
      case "ConvTranspose" -> one(n, OnnxConvLayers.convTranspose(n, values, shape));
      case "Pad" -> pad(n, graph, values, shape);
      case "MaxPool" -> one(n, maxPool(n, shape));
      case "AveragePool" -> one(n, avgPool(n, shape, new int[2]));
      case "GlobalAveragePool" -> one(n, globalAveragePool(n, shape));
      case "LayerNormalization" -> one(n, layerNorm(n, values, shape));
      case "BatchNormalization" -> one(n, batchNorm(n, values, shape));
      default ->
          throw new OnnxImportException(
              OnnxModel.describe(n)
                  + ": op type "
                  + op
                  + " is not supported on data (supported: "
                  + SUPPORTED
                  + ")");
    };
  }

  static Mapped one(NodeProto n, Layer layer) {
    return new Mapped(List.of(layer), n, n);
  }

  static OnnxImportException refuse(NodeProto n, String why) {
    return new OnnxImportException(OnnxModel.describe(n) + ": " + why);
  }

  private static Layer activation(NodeProto n, Activation a) {
    OnnxAttributes at = new OnnxAttributes(n);
    double param = a.defaultParam();
    switch (a) {
      case LEAKY_RELU -> {
        at.only(Set.of("alpha"));
        param = at.decimal("alpha", 0.01);
      }
      case ELU -> {
        at.only(Set.of("alpha"));
        param = at.decimal("alpha", 1.0);
      }
      case SELU -> {
        at.only(Set.of("alpha", "gamma"));
        // ONNX's defaults are PyTorch's constants rounded to float; other values change the math
        if (Math.abs(at.real("alpha", 1.67326319217681884765625) - 1.6732632423543772) > 1e-6
            || Math.abs(at.real("gamma", 1.05070102214813232421875) - 1.0507009873554805) > 1e-6) {
          throw refuse(n, "Selu with alpha or gamma other than PyTorch's is not supported");
        }
      }
      default -> at.only(Set.of());
    }
    return new Layer(OnnxImporter.activation(a, param), List.of());
  }

  /**
   * ONNX's {@code Softplus} is {@code log(1 + e^x)}: PyTorch's {@code nn.Softplus(beta=1)}, whose
   * threshold (linear above 20) the exporter drops; the layer keeps PyTorch's forward.
   */
  private static Layer softplus(NodeProto n) {
    new OnnxAttributes(n).only(Set.of());
    Activation a = Activation.fromTypeName("softplus");
    if (a == null) {
      throw refuse(n, "softplus is not available in this build");
    }
    return new Layer(OnnxImporter.activation(a, 1.0), List.of());
  }

  private static Layer dropout(NodeProto n, StaticValues values) {
    new OnnxAttributes(n).only(Set.of("seed", "ratio"));
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      OnnxTensor training = values.constant(n.getInput(2), n, "training_mode");
      if (training.real(0) != 0) {
        throw refuse(n, "Dropout in training mode is random; export the model in eval mode");
      }
    }
    return new Layer(new IdentitySpec(), List.of());
  }

  private static Layer flatten(NodeProto n, int[] shape) {
    long axis = new OnnxAttributes(n).only(Set.of("axis")).integer("axis", 1);
    int rank = shape.length + 1;
    if ((axis < 0 ? axis + rank : axis) != 1) {
      throw refuse(n, "Flatten with axis " + axis + " (only axis 1 keeps the batch axis apart)");
    }
    return new Layer(OnnxImporter.flatten(), List.of());
  }

  private static Layer reshape(NodeProto n, StaticValues values, int[] shape) {
    new OnnxAttributes(n).only(Set.of("allowzero"));
    StaticValues.Known target = values.get(n.getInput(1));
    if (target == null) {
      throw refuse(n, "its target shape depends on the data");
    }
    long per = OnnxTensor.size(shape);
    long[] a = target.a().integers();
    long[] b = target.b().integers();
    boolean flat =
        a.length == 2
            && ((a[0] == StaticValues.PROBE_A && b[0] == StaticValues.PROBE_B)
                || a[0] == -1
                || a[0] == 0
                || (a[0] == b[0] && a[0] == values.fixedBatch()))
            && a[1] == b[1]
            && (a[1] == -1 || a[1] == per)
            && !(a[0] == -1 && a[1] == -1);
    if (!flat) {
      throw refuse(
          n,
          "Reshape to "
              + target.a()
              + " (for N = "
              + StaticValues.PROBE_A
              + ") is not a flattening [N, "
              + per
              + "] of per-sample shape "
              + OnnxImporter.shape(shape));
    }
    return new Layer(OnnxImporter.flatten(), List.of());
  }

  /** An initializer used as a parameter: its value, checked to have {@code dims}. */
  static OnnxTensor parameter(
      NodeProto n, StaticValues values, String name, String role, int... dims) {
    if (!values.isInitializer(name)) {
      throw refuse(
          n,
          "its "
              + role
              + " '"
              + name
              + "' is not an initializer (computed in the graph); vivit4j trains initializers"
              + " only");
    }
    OnnxTensor t = values.get(name).a();
    if (t.isInteger() || !java.util.Arrays.equals(t.shape(), dims)) {
      throw refuse(
          n,
          "its "
              + role
              + " '"
              + name
              + "' is "
              + t
              + ", expected a real tensor of shape "
              + OnnxImporter.shape(dims));
    }
    return t;
  }

  private static int features(NodeProto n, int[] shape) {
    if (shape.length != 1) {
      throw refuse(
          n,
          "a linear layer on per-sample shape "
              + OnnxImporter.shape(shape)
              + "; flatten first (vivit4j's Linear takes [N, features])");
    }
    return shape[0];
  }

  /**
   * {@code Gemm(A, B, C) = α·A·op(B) + β·C} with {@code A} the data {@code [N, in]}: a {@code
   * linear} layer of weight {@code op(B)ᵀ} (PyTorch's {@code [out, in]}) and, with a {@code C},
   * bias {@code C}; for {@code α ≠ 1} followed by a {@code scale} by {@code α}. That is exact
   * without a {@code C} (any α), and with one when {@code β = α} ({@code α·(A·op(B) + C)}); the
   * parameters stay the stored {@code B} and {@code C}. {@code β ≠ α} with a {@code C} would scale
   * the bias apart from the weight, and {@code transA = 1} transposes the batch: both refused
   * naming the node.
   */
  private static Mapped gemm(NodeProto n, StaticValues values, int[] shape) {
    OnnxAttributes at = new OnnxAttributes(n).only(Set.of("alpha", "beta", "transA", "transB"));
    if (at.integer("transA", 0) != 0) {
      throw refuse(n, "transA = 1 transposes the batch; not a linear layer");
    }
    double alpha = at.decimal("alpha", 1);
    double beta = at.decimal("beta", 1);
    boolean hasC = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
    if (!Double.isFinite(alpha)) {
      throw refuse(n, "alpha = " + alpha + " is not finite");
    }
    if (hasC && beta != alpha) {
      throw refuse(
          n,
          "alpha = "
              + alpha
              + ", beta = "
              + beta
              + ": beta scales the bias C apart from the weight, which no linear layer (with a"
              + " scale after it) computes with the stored parameters; only beta = alpha is"
              + " imported");
    }
    Layer linear = gemmLinear(n, values, shape, at.integer("transB", 0) != 0, hasC);
    List<Layer> layers =
        alpha == 1 ? List.of(linear) : List.of(linear, new Layer(new ScaleSpec(alpha), List.of()));
    return new Mapped(layers, n, n);
  }

  /** Gemm's linear layer: weight {@code op(B)ᵀ}, bias {@code C} when present. */
  private static Layer gemmLinear(
      NodeProto n, StaticValues values, int[] shape, boolean transB, boolean hasC) {
    int in = features(n, shape);
    String wName = n.getInput(1);
    if (!values.isInitializer(wName)) {
      throw refuse(n, "its weight '" + wName + "' is not an initializer");
    }
    int[] wShape = values.get(wName).a().shape();
    if (wShape.length != 2) {
      throw refuse(n, "its weight '" + wName + "' has shape " + OnnxImporter.shape(wShape));
    }
    int out = transB ? wShape[0] : wShape[1];
    OnnxTensor w = parameter(n, values, wName, "weight", transB ? out : in, transB ? in : out);
    double[] weight = transB ? w.reals().clone() : transpose(w.reals(), in, out);
    List<String> names = new ArrayList<>(List.of(wName));
    double[] bias = null;
    if (hasC) {
      String bName = n.getInput(2);
      bias = parameter(n, values, bName, "bias", out).reals().clone();
      names.add(bName);
    }
    return new Layer(new LinearSpec(in, out, weight, bias), names);
  }

  /** {@code [rows, cols]} row-major to {@code [cols, rows]}. */
  private static double[] transpose(double[] m, int rows, int cols) {
    double[] t = new double[m.length];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c * rows + r] = m[r * cols + c];
      }
    }
    return t;
  }

  private static Mapped matMul(NodeProto n, OnnxGraph graph, StaticValues values, int[] shape) {
    new OnnxAttributes(n).only(Set.of());
    int in = features(n, shape);
    String wValue = n.getInput(1);
    String wName;
    double[] weight; // [out, in], PyTorch's layout
    int out;
    NodeProto transpose = graph.producer(wValue);
    if (values.isInitializer(wValue) && values.get(wValue).a().rank() == 2) {
      // x·W with W [in, out] stored as it is
      wName = wValue;
      out = values.get(wValue).a().shape()[1];
      weight = transpose(parameter(n, values, wName, "weight", in, out).reals(), in, out);
    } else if (is2dTransposeOfInitializer(transpose, values)) {
      // x·Wᵀ as PyTorch writes nn.Linear(bias=False) without constant folding: Transpose(W)
      wName = transpose.getInput(0);
      out = values.get(wName).a().shape()[0];
      weight = parameter(n, values, wName, "weight", out, in).reals().clone();
    } else {
      throw refuse(
          n, "its second input '" + wValue + "' is not an [in, out] initializer or its transpose");
    }
    List<String> names = new ArrayList<>(List.of(wName));
    double[] bias = null;
    NodeProto last = n;
    String y = n.getOutput(0);
    NodeProto next = graph.soleConsumer(y);
    if (next != null) {
      if (next.getOpType().equals("Add")
          && next.getInputCount() == 2
          && next.getInputList().contains(y)) {
        String other = next.getInput(0).equals(y) ? next.getInput(1) : next.getInput(0);
        if (values.isInitializer(other)) {
          bias = parameter(next, values, other, "bias", out).reals().clone();
          names.add(other);
          last = next;
        }
      }
    }
    return new Mapped(List.of(new Layer(new LinearSpec(in, out, weight, bias), names)), n, last);
  }

  private static boolean is2dTransposeOfInitializer(NodeProto t, StaticValues values) {
    if (t == null || !t.getOpType().equals("Transpose") || !values.isInitializer(t.getInput(0))) {
      return false;
    }
    long[] perm = new OnnxAttributes(t).integers("perm");
    return values.get(t.getInput(0)).a().rank() == 2
        && (perm == null || (perm.length == 2 && perm[0] == 1 && perm[1] == 0));
  }

  static int[] pair(NodeProto n, long[] v, String name, int fallback) {
    if (v == null) {
      return new int[] {fallback, fallback};
    }
    if (v.length != 2) {
      throw refuse(n, name + " " + java.util.Arrays.toString(v) + " is not 2-D");
    }
    return new int[] {Math.toIntExact(v[0]), Math.toIntExact(v[1])};
  }

  /** Symmetric 2-D pads {@code [top, left, bottom, right]} as {@code [p_h, p_w]}. */
  static int[] symmetricPads(NodeProto n, long[] pads) {
    if (pads == null) {
      return new int[2];
    }
    if (pads.length != 4 || pads[0] != pads[2] || pads[1] != pads[3]) {
      throw refuse(
          n,
          "pads "
              + java.util.Arrays.toString(pads)
              + " are not symmetric 2-D pads; vivit4j pads both sides equally");
    }
    return new int[] {Math.toIntExact(pads[0]), Math.toIntExact(pads[1])};
  }

  /**
   * The checks every convolution and pooling node's window passes before it is read: explicit pads
   * ({@link #noAutoPad}) and attributes in range ({@link #windowAttributes}).
   */
  static void window(NodeProto n, OnnxAttributes at) {
    noAutoPad(n, at);
    windowAttributes(n, at);
  }

  /**
   * Refuses window attributes that no convolution or pooling has, naming the node: strides,
   * dilations and kernel_shape below 1, pads and output_padding below 0 (a zero stride ended in a
   * division by zero when the output shape was computed, found by FuzzOnnxTest).
   */
  private static void windowAttributes(NodeProto n, OnnxAttributes at) {
    for (String name : List.of("strides", "dilations", "kernel_shape", "pads", "output_padding")) {
      long[] v = at.integers(name);
      long min = name.endsWith("pads") || name.equals("output_padding") ? 0 : 1;
      if (v != null && java.util.Arrays.stream(v).anyMatch(x -> x < min)) {
        throw refuse(
            n, name + " " + java.util.Arrays.toString(v) + " must be at least " + min + " each");
      }
    }
  }

  private static void noAutoPad(NodeProto n, OnnxAttributes at) {
    String autoPad = at.text("auto_pad", "NOTSET");
    if (!autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
      throw refuse(n, "auto_pad " + autoPad + " is not supported; export explicit pads");
    }
  }

  private static Layer conv(NodeProto n, StaticValues values, int[] shape, int[] extraPad) {
    OnnxAttributes at =
        new OnnxAttributes(n)
            .only(Set.of("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"));
    if (shape.length != 3) {
      throw refuse(
          n,
          "a convolution on per-sample shape "
              + OnnxImporter.shape(shape)
              + "; only 1-D ([C, L]) and 2-D ([C, H, W]) convolutions are supported");
    }
    window(n, at);
    if (at.integer("group", 1) != 1) {
      throw refuse(n, "group = " + at.integer("group", 1) + "; only group 1 is supported");
    }
    String wName = n.getInput(1);
    if (!values.isInitializer(wName) || values.get(wName).a().rank() != 4) {
      throw refuse(n, "its weight '" + wName + "' is not a [O, C, kh, kw] initializer");
    }
    int[] ws = values.get(wName).a().shape();
    int[] kernel = pair(n, at.integers("kernel_shape"), "kernel_shape", 0);
    if (at.has("kernel_shape") && (kernel[0] != ws[2] || kernel[1] != ws[3])) {
      throw refuse(n, "kernel_shape does not match the weight's shape");
    }
    kernel = new int[] {ws[2], ws[3]};
    OnnxTensor w = parameter(n, values, wName, "weight", ws[0], shape[0], ws[2], ws[3]);
    List<String> names = new ArrayList<>(List.of(wName));
    double[] bias = null;
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      bias = parameter(n, values, n.getInput(2), "bias", ws[0]).reals().clone();
      names.add(n.getInput(2));
    }
    int[] pads = symmetricPads(n, at.integers("pads"));
    pads[0] += extraPad[0];
    pads[1] += extraPad[1];
    return new Layer(
        new Conv2dSpec(
            shape[0],
            ws[0],
            kernel,
            pair(n, at.integers("strides"), "strides", 1),
            pads,
            pair(n, at.integers("dilations"), "dilations", 1),
            w.reals().clone(),
            bias),
        names);
  }

  /**
   * A constant Pad of H and W: folded into the Conv (or AveragePool, whose padded window counts the
   * zeros as PyTorch's {@code count_include_pad}) it feeds when it pads zeros symmetrically, else a
   * {@code zeropad2d} / {@code constantpad2d} layer (PyTorch's ZeroPad2d, ConstantPad2d).
   */
  private static Mapped pad(NodeProto n, OnnxGraph graph, StaticValues values, int[] shape) {
    String mode = new OnnxAttributes(n).only(Set.of("mode")).text("mode", "constant");
    if (!mode.equals("constant")) {
      throw refuse(n, "mode '" + mode + "'; only constant padding is supported");
    }
    double value = 0;
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      value = values.constant(n.getInput(2), n, "constant_value").real(0);
    }
    if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
      throw refuse(n, "the axes input is not supported");
    }
    long[] pads = values.constant(n.getInput(1), n, "pads").integers();
    if (java.util.Arrays.stream(pads).allMatch(p -> p == 0)) {
      // PyTorch writes a zero Pad in front of every AveragePool: nothing to do
      return one(n, new Layer(new IdentitySpec(), List.of()));
    }
    if (shape.length != 3 || pads.length != 8) {
      throw refuse(n, "pads " + java.util.Arrays.toString(pads) + " on a non-image input");
    }
    if (pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
      throw refuse(n, "pads the batch or channel axis");
    }
    for (long p : pads) {
      if (p < 0) {
        throw refuse(n, "negative pads (cropping) are not supported");
      }
      if (p > Integer.MAX_VALUE) {
        // a corrupt or absurd model: the padded image could not be held anyway
        throw refuse(n, "pads " + java.util.Arrays.toString(pads) + " exceed " + Integer.MAX_VALUE);
      }
    }
    int top = Math.toIntExact(pads[2]);
    int left = Math.toIntExact(pads[3]);
    int bottom = Math.toIntExact(pads[6]);
    int right = Math.toIntExact(pads[7]);
    if (top == 0 && left == 0 && bottom == 0 && right == 0) {
      return one(n, new Layer(new IdentitySpec(), List.of()));
    }
    NodeProto next = graph.soleConsumer(n.getOutput(0));
    boolean feeds =
        next != null && next.getInputCount() > 0 && next.getInput(0).equals(n.getOutput(0));
    if (value == 0 && top == bottom && left == right && feeds) {
      int[] extra = {top, left};
      if (next.getOpType().equals("Conv")) {
        return new Mapped(List.of(conv(next, values, shape, extra)), n, next);
      }
      long[] k = new OnnxAttributes(next).integers("kernel_shape");
      if (next.getOpType().equals("AveragePool")
          && k != null
          && k.length == 2
          && 2L * top <= k[0]
          && 2L * left <= k[1]) {
        return new Mapped(List.of(avgPool(next, shape, extra)), n, next);
      }
    }
    Pad2dSpec spec =
        value == 0
            ? Pad2dSpec.zeros(left, right, top, bottom)
            : new Pad2dSpec(new int[] {left, right, top, bottom}, value, true);
    return one(n, new Layer(spec, List.of()));
  }

  private static Layer maxPool(NodeProto n, int[] shape) {
    OnnxAttributes at =
        new OnnxAttributes(n)
            .only(
                Set.of(
                    "auto_pad",
                    "ceil_mode",
                    "dilations",
                    "kernel_shape",
                    "pads",
                    "storage_order",
                    "strides"));
    if (shape.length == 2) {
      if (at.integer("storage_order", 0) != 0) {
        throw refuse(n, "storage_order = 1 is not supported");
      }
      return pool1d(n, at, true, shape);
    }
    image(n, shape);
    window(n, at);
    if (at.integer("ceil_mode", 0) != 0) {
      throw refuse(n, "ceil_mode = 1 is not supported");
    }
    if (at.integer("storage_order", 0) != 0) {
      throw refuse(n, "storage_order = 1 is not supported");
    }
    int[] kernel = pair(n, required(n, at, "kernel_shape"), "kernel_shape", -1);
    return new Layer(
        new MaxPool2dSpec(
            kernel,
            pair(n, at.integers("strides"), "strides", 1),
            symmetricPads(n, at.integers("pads")),
            pair(n, at.integers("dilations"), "dilations", 1)),
        List.of());
  }

  private static long[] required(NodeProto n, OnnxAttributes at, String name) {
    long[] v = at.integers(name);
    if (v == null) {
      throw refuse(n, "attribute '" + name + "' is missing");
    }
    return v;
  }

  /** MaxPool or AveragePool over a {@code [C, L]} sample (PyTorch's MaxPool1d, AvgPool1d). */
  private static Layer pool1d(NodeProto n, OnnxAttributes at, boolean max, int[] shape) {
    window(n, at);
    if (at.integer("ceil_mode", 0) != 0) {
      throw refuse(n, "ceil_mode = 1 is not supported");
    }
    long[] k = required(n, at, "kernel_shape");
    long[] s = at.integers("strides");
    long[] p = at.integers("pads");
    long[] d = at.integers("dilations");
    if (k.length != 1
        || (s != null && s.length != 1)
        || (p != null && p.length != 2)
        || (d != null && d.length != 1)) {
      throw refuse(n, "attributes of a 1-D pooling must have one entry per axis (two for pads)");
    }
    if (p != null && p[0] != p[1]) {
      throw refuse(n, "pads " + java.util.Arrays.toString(p) + " are not symmetric");
    }
    int pad = p == null ? 0 : Math.toIntExact(p[0]);
    if (!max && pad != 0 && at.integer("count_include_pad", 0) == 0) {
      throw refuse(n, "pads with count_include_pad = 0 (vivit4j averages over the padded window)");
    }
    if (!max && d != null && d[0] != 1) {
      throw refuse(n, "dilations other than 1 are not supported");
    }
    return new Layer(
        new Pool1dSpec(
            max,
            Math.toIntExact(k[0]),
            s == null ? 1 : Math.toIntExact(s[0]),
            pad,
            d == null ? 1 : Math.toIntExact(d[0])),
        List.of());
  }

  private static void image(NodeProto n, int[] shape) {
    if (shape.length != 3) {
      throw refuse(
          n,
          "a pooling on per-sample shape "
              + OnnxImporter.shape(shape)
              + "; only 2-D pooling ([C, H, W]) is supported");
    }
  }

  private static Layer avgPool(NodeProto n, int[] shape, int[] extraPad) {
    OnnxAttributes at =
        new OnnxAttributes(n)
            .only(
                Set.of(
                    "auto_pad",
                    "ceil_mode",
                    "count_include_pad",
                    "dilations",
                    "kernel_shape",
                    "pads",
                    "strides"));
    if (shape.length == 2 && extraPad[0] == 0 && extraPad[1] == 0) {
      return pool1d(n, at, false, shape);
    }
    image(n, shape);
    window(n, at);
    if (at.integer("ceil_mode", 0) != 0) {
      throw refuse(n, "ceil_mode = 1 is not supported");
    }
    long[] dil = at.integers("dilations");
    if (dil != null && (dil.length != 2 || dil[0] != 1 || dil[1] != 1)) {
      throw refuse(n, "dilations other than 1 are not supported");
    }
    int[] pads = symmetricPads(n, at.integers("pads"));
    if ((pads[0] != 0 || pads[1] != 0) && at.integer("count_include_pad", 0) == 0) {
      throw refuse(n, "pads with count_include_pad = 0 (vivit4j averages over the padded window)");
    }
    pads[0] += extraPad[0];
    pads[1] += extraPad[1];
    return new Layer(
        new AvgPool2dSpec(
            pair(n, required(n, at, "kernel_shape"), "kernel_shape", -1),
            pair(n, at.integers("strides"), "strides", 1),
            pads),
        List.of());
  }

  private static Layer globalAveragePool(NodeProto n, int[] shape) {
    new OnnxAttributes(n).only(Set.of());
    if (shape.length == 2) {
      // [C, L]: PyTorch's AdaptiveAvgPool1d(1)
      return new Layer(new AdaptiveAvgPool1dSpec(1), List.of());
    }
    image(n, shape);
    int[] window = {shape[1], shape[2]};
    return new Layer(new AvgPool2dSpec(window, window.clone(), new int[2]), List.of());
  }

  /**
   * BatchNormalization in inference mode: scale and B are the parameters (PyTorch's weight and
   * bias), the mean and variance are constants. PyTorch writes {@code affine=False} as constant
   * ones and zeros with generated names; those are not parameters.
   */
  private static Layer batchNorm(NodeProto n, StaticValues values, int[] shape) {
    OnnxAttributes at =
        new OnnxAttributes(n).only(Set.of("epsilon", "momentum", "training_mode", "spatial"));
    if (at.integer("training_mode", 0) != 0) {
      throw refuse(
          n,
          "training_mode = 1 normalises with batch statistics, which couple the samples; export"
              + " the model in eval mode (running statistics)");
    }
    if (at.integer("spatial", 1) != 1) {
      throw refuse(n, "spatial = 0 is not supported");
    }
    if (shape.length < 1 || shape.length > 3) {
      throw refuse(n, "BatchNorm on per-sample shape " + OnnxImporter.shape(shape));
    }
    int c = shape[0];
    int dims = shape.length == 3 ? 2 : 1;
    OnnxTensor mean = values.constant(n.getInput(3), n, "mean");
    OnnxTensor var = values.constant(n.getInput(4), n, "var");
    if (mean.length() != c || var.length() != c || mean.isInteger() || var.isInteger()) {
      throw refuse(n, "its mean and var must hold " + c + " reals, one per channel");
    }
    String sName = n.getInput(1);
    String bName = n.getInput(2);
    double[] weight = null;
    double[] bias = null;
    List<String> names = new ArrayList<>();
    boolean generated =
        !values.isInitializer(sName)
            || !values.isInitializer(bName)
            || (sName.startsWith("onnx::") && bName.startsWith("onnx::"));
    if (generated && isConstant(values, sName, 1.0, c) && isConstant(values, bName, 0.0, c)) {
      // affine=False: γ = 1 and β = 0 are constants of the graph, not parameters
    } else {
      weight = parameter(n, values, sName, "scale", c).reals().clone();
      bias = parameter(n, values, bName, "B", c).reals().clone();
      names.add(sName);
      names.add(bName);
    }
    return new Layer(
        new BatchNormSpec(
            dims,
            c,
            at.decimal("epsilon", 1e-5),
            weight,
            bias,
            mean.reals().clone(),
            var.reals().clone()),
        names);
  }

  private static boolean isConstant(StaticValues values, String name, double v, int length) {
    StaticValues.Known k = values.get(name);
    if (k == null || !k.batchFree() || k.a().length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (k.a().real(i) != v) {
        return false;
      }
    }
    return true;
  }

  private static Layer layerNorm(NodeProto n, StaticValues values, int[] shape) {
    OnnxAttributes at = new OnnxAttributes(n).only(Set.of("axis", "epsilon", "stash_type"));
    long axis = at.integer("axis", -1);
    int rank = shape.length + 1;
    long a = axis < 0 ? axis + rank : axis;
    if (a < 1 || a >= rank) {
      throw refuse(n, "axis " + axis + " normalises over the batch axis");
    }
    int[] normalized = java.util.Arrays.copyOfRange(shape, (int) a - 1, shape.length);
    List<String> names = new ArrayList<>();
    String sName = n.getInput(1);
    double[] weight = parameter(n, values, sName, "scale", normalized).reals().clone();
    names.add(sName);
    double[] bias = null;
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      bias = parameter(n, values, n.getInput(2), "bias", normalized).reals().clone();
      names.add(n.getInput(2));
    }
    return new Layer(
        new LayerNormSpec(normalized, at.decimal("epsilon", 1e-5), weight, bias), names);
  }
}
