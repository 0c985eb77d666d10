package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.layers.ScaleLayer.ScaleSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.GraphNode;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * Maps an ONNX model onto a vivit4j network: data-independent sub-graphs are folded ({@link
 * StaticValues}), every other node becomes a layer ({@link OnnxLayers}), and the initializers a
 * layer uses as weight and bias become its parameters, named as the exporter named them (for
 * PyTorch, the {@code state_dict} names). Parameters are ordered by first use in the graph. Each
 * layer reads its node's data input 0; a residual {@code Add} of two data values becomes an {@code
 * add} node, a {@code Concat} of data values along the channels a {@code concat} node, a {@code
 * Mul} by a constant scalar a {@code scale} node; a {@code Gather} of an initializer's rows by the
 * integer graph input an {@code embedding} ({@link OnnxGather}). A model that is a chain is
 * imported as a chain, any other as a graph whose nodes are named after their output values.
 * Anything that cannot be mapped exactly is an {@link OnnxImportException} naming the node, its op
 * type and the reason; nothing is approximated.
 */
public final class OnnxImporter {
  /**
   * The imported network.
   *
   * @param network the layers and per-sample input shape
   * @param paramNames one name per parameter tensor, in {@link NetworkSpec#params()} order
   * @param input the graph input's name
   * @param output the graph output's name (the loss input)
   * @param opset the model's default-domain opset
   */
  public record Imported(
      NetworkSpec network,
      List<String> paramNames,
      String input,
      String output,
      long opset,
      List<String> warnings) {
    public Imported {
      warnings = List.copyOf(warnings);
    }
  }

  private final OnnxModel model;
  private final StaticValues values;
  private final OnnxGraph graph;
  private final Set<NodeProto> covered = new HashSet<>();
  private final List<GraphNode> nodes = new ArrayList<>();
  private final List<String> names = new ArrayList<>();

  /** The node that made each initializer a parameter. */
  private final Map<String, NodeProto> parameterOf = new HashMap<>();

  /** The graph value (the input's name or a node's name) of each mapped ONNX data value. */
  private final Map<String, String> valueOf = new HashMap<>();

  /** The per-sample shape of each graph value. */
  private final Map<String, int[]> shapeOf = new HashMap<>();

  private int[] inputShape;
  private String inputName;

  /** Whether the graph input holds integers: the indices of embeddings ({@link OnnxGather}). */
  private boolean integerInput;

  private OnnxImporter(OnnxModel model) {
    this.model = model;
    this.values = new StaticValues(model);
    this.graph = new OnnxGraph(model);
  }

  /** Imports {@code model} (see the class comment). */
  public static Imported importModel(OnnxModel model) {
    return new OnnxImporter(model).run();
  }

  private Imported run() {
    if (model.inputs().size() != 1) {
      throw new OnnxImportException(
          "the graph has "
              + model.inputs().size()
              + " data inputs "
              + model.inputs().stream().map(OnnxModel.Input::name).toList()
              + "; vivit4j imports models with one");
    }
    if (model.outputs().size() != 1) {
      throw new OnnxImportException(
          "the graph has " + model.outputs().size() + " outputs; the loss needs exactly one");
    }
    OnnxModel.Input in = model.inputs().get(0);
    integerInput = in.elementType().equals("INT64") || in.elementType().equals("INT32");
    if (!in.elementType().equals("FLOAT") && !in.elementType().equals("DOUBLE") && !integerInput) {
      throw new OnnxImportException(
          "graph input '"
              + in.name()
              + "' is "
              + in.elementType()
              + "; float inputs are imported, and integer (int64) indices of a Gather (an"
              + " embedding)");
    }
    inputShape = perSampleShape(in);
    inputName = in.name();
    valueOf.put(inputName, inputName);
    shapeOf.put(inputName, inputShape);
    values.dataShape(inputName, inputShape);
    if (in.dims().get(0) instanceof Long fixed) {
      values.fixedBatch(fixed);
    }
    for (NodeProto n : model.nodes()) {
      OnnxArity.check(n);
    }
    // Constants first, wherever they stand: a fused pattern reads constants defined after its
    // first node (PyTorch writes GELU's 0.5 between the two Mul nodes).
    for (NodeProto n : model.nodes()) {
      values.tryFold(n);
    }
    for (NodeProto n : model.nodes()) {
      if (covered.contains(n) || (n.getOutputCount() == 1 && values.isKnown(n.getOutput(0)))) {
        continue;
      }
      if (values.tryFold(n)) {
        continue;
      }
      mapNode(n);
    }
    String output = model.outputs().get(0);
    if (integerInput && nodes.stream().noneMatch(g -> g.spec().readsIndices())) {
      throw new OnnxImportException(
          "graph input '"
              + inputName
              + "' holds integers but no Gather reads them as an embedding's indices; float"
              + " inputs are imported, and integer indices of a Gather");
    }
    if (!valueOf.containsKey(output)) {
      throw new OnnxImportException(
          "graph output '" + output + "' is not computed from the input by the mapped layers");
    }
    return new Imported(
        network(output), List.copyOf(names), in.name(), output, model.opset(), warnings());
  }

  /**
   * PyTorch names a parameter {@code onnx::Conv_16} when constant folding computed it: the default
   * {@code torch.onnx.export} (eval mode, folding on) folds a BatchNorm into the convolution before
   * it, so that convolution's weight and bias are no longer the model's parameters.
   */
  private List<String> warnings() {
    List<String> generated = names.stream().filter(n -> n.startsWith("onnx::")).toList();
    if (generated.isEmpty()) {
      return List.of();
    }
    return List.of(
        "the ONNX model's parameters "
            + generated
            + " have exporter-generated names: it was probably exported with constant folding,"
            + " which folds a BatchNorm into the convolution before it and changes the"
            + " parametrisation; export with training=torch.onnx.TrainingMode.PRESERVE,"
            + " do_constant_folding=False to keep PyTorch's parameters");
  }

  private static int[] perSampleShape(OnnxModel.Input in) {
    List<Object> dims = in.dims();
    if (dims.size() < 2) {
      throw new OnnxImportException(
          "graph input '" + in.name() + "' has shape " + dims + "; expected [N, features...]");
    }
    int[] shape = new int[dims.size() - 1];
    for (int d = 1; d < dims.size(); d++) {
      if (!(dims.get(d) instanceof Long v) || v <= 0 || v > Integer.MAX_VALUE) {
        throw new OnnxImportException(
            "graph input '"
                + in.name()
                + "' has dimension "
                + d
                + " = "
                + dims.get(d)
                + "; only the batch axis (0) may be dynamic");
      }
      shape[d - 1] = (int) (long) v;
    }
    return shape;
  }

  /** Maps {@code n} (and the nodes it fuses with) onto layers or a join. */
  private void mapNode(NodeProto n) {
    if (n.getOpType().equals("Gather")) {
      OnnxLayers.Layer layer = OnnxGather.embedding(n, values, inputName, integerInput);
      String name = moduleName(layer);
      String node = add(name != null ? name : n.getOutput(0), layer.spec(), List.of(inputName), n);
      addParams(layer.paramNames(), n);
      covered.add(n);
      bind(n.getOutput(0), node);
      return;
    }
    if (integerInput && n.getInputList().contains(inputName)) {
      throw new OnnxImportException(
          OnnxModel.describe(n)
              + ": reads the integer graph input '"
              + inputName
              + "'; integer indices are read by a Gather (an embedding) only");
    }
    if (mapJoin(n)) {
      return;
    }
    String data = n.getInputCount() > 0 ? n.getInput(0) : "";
    OnnxLayers.Mapped m;
    try {
      m =
          valueOf.containsKey(data)
              ? OnnxPatterns.match(n, data, graph, values, shape(data))
              : null;
      if (m == null) {
        checkDataInput(n, data);
        m = OnnxLayers.map(n, graph, values, shape(data));
      }
    } catch (ArithmeticException e) {
      // a size, stride, pad or index past 32 bits (Math.toIntExact): a corrupt or absurd model
      throw OnnxLayers.refuse(
          n, "an attribute or constant does not fit a 32-bit integer (" + e.getMessage() + ")");
    }
    NodeProto last = m.covered().get(m.covered().size() - 1);
    String from = valueOf.get(data);
    for (int k = 0; k < m.layers().size(); k++) {
      OnnxLayers.Layer layer = m.layers().get(k);
      String name = moduleName(layer);
      from = add(name != null ? name : m.output(), layer.spec(), List.of(from), last);
      addParams(layer.paramNames(), n);
    }
    covered.addAll(m.covered());
    bind(m.output(), from);
  }

  /**
   * Appends the parameter names of a layer mapped from {@code n}; an initializer that is already
   * another layer's parameter (tied weights) is refused: each layer has its own parameter tensors,
   * so a shared one would become two, whose GGN is not the shared tensor's.
   */
  private void addParams(List<String> params, NodeProto n) {
    for (String p : params) {
      NodeProto first = parameterOf.putIfAbsent(p, n);
      if (first != null) {
        throw new OnnxImportException(
            OnnxModel.describe(n)
                + ": its initializer '"
                + p
                + "' is also a parameter of "
                + (first == n ? "this node" : OnnxModel.describe(first))
                + " (tied weights); vivit4j gives each layer its own parameters and does not"
                + " import a shared one");
      }
      names.add(p);
    }
  }

  /** The per-sample shape of the ONNX data value {@code value}. */
  private int[] shape(String value) {
    return shapeOf.get(valueOf.get(value));
  }

  /** The ONNX data value {@code value} is the graph value {@code node}. */
  private void bind(String value, String node) {
    valueOf.put(value, node);
    values.dataShape(value, shapeOf.get(node));
  }

  /**
   * The module a layer's parameters name ({@code "layer1.conv1"} for {@code layer1.conv1.weight}),
   * when every parameter is {@code <module>.<weight|bias>} and no node has that name yet: a graph
   * written back as JSON then names its parameters as the exporter did. Null otherwise.
   */
  private String moduleName(OnnxLayers.Layer layer) {
    List<org.vivit4j.model.LayerParam> params = layer.spec().params();
    if (params.isEmpty() || layer.paramNames().size() != params.size()) {
      return null;
    }
    String first = layer.paramNames().get(0);
    String suffix = "." + params.get(0).name();
    if (!first.endsWith(suffix) || first.length() == suffix.length()) {
      return null;
    }
    String module = first.substring(0, first.length() - suffix.length());
    for (int i = 0; i < params.size(); i++) {
      if (!layer.paramNames().get(i).equals(module + "." + params.get(i).name())) {
        return null;
      }
    }
    return shapeOf.containsKey(module) ? null : module;
  }

  /**
   * A join of data values: {@code Add} of two (a residual sum), {@code Concat} along the channels,
   * {@code Mul} of one by a constant scalar; false for anything else.
   */
  private boolean mapJoin(NodeProto n) {
    String op = n.getOpType();
    List<String> in = n.getInputList();
    boolean allData = !in.isEmpty() && in.stream().allMatch(valueOf::containsKey);
    List<String> reads = in.stream().map(valueOf::get).toList();
    if (op.equals("Add") && in.size() == 2 && allData) {
      new OnnxAttributes(n).only(java.util.Set.of());
      bind(n.getOutput(0), add(n.getOutput(0), AddSpec.plain(), reads, n));
    } else if (op.equals("Concat") && in.size() >= 2 && allData) {
      int rank = shape(in.get(0)).length + 1;
      long axis = new OnnxAttributes(n).only(java.util.Set.of("axis")).integer("axis", 1);
      if ((axis < 0 ? axis + rank : axis) != 1) {
        throw new OnnxImportException(
            OnnxModel.describe(n)
                + ": Concat along axis "
                + axis
                + "; vivit4j concatenates along the channels (axis 1) only");
      }
      bind(n.getOutput(0), add(n.getOutput(0), new ConcatSpec(), reads, n));
    } else if (op.equals("Mul") && in.size() == 2 && scalarFactor(n) != null) {
      new OnnxAttributes(n).only(java.util.Set.of());
      String data = valueOf.containsKey(in.get(0)) ? in.get(0) : in.get(1);
      ScaleSpec scale = new ScaleSpec(scalarFactor(n));
      bind(n.getOutput(0), add(n.getOutput(0), scale, List.of(valueOf.get(data)), n));
    } else {
      return false;
    }
    covered.add(n);
    return true;
  }

  /**
   * The constant of {@code Mul(data, c)} or {@code Mul(c, data)} with a one-element constant c (as
   * the decimal of a stored float, {@link OnnxAttributes#decimal}); null otherwise.
   */
  private Double scalarFactor(NodeProto n) {
    String a = n.getInput(0);
    String b = n.getInput(1);
    String c = valueOf.containsKey(a) && values.isKnown(b) ? b : null;
    if (c == null && valueOf.containsKey(b) && values.isKnown(a)) {
      c = a;
    }
    if (c == null) {
      return null;
    }
    OnnxTensor t = values.constant(c, n, "factor");
    if (t.length() != 1 || t.isInteger()) {
      return null;
    }
    double v = t.real(0);
    return t.elementType().equals("FLOAT") ? Double.parseDouble(Float.toString((float) v)) : v;
  }

  private void checkDataInput(NodeProto n, String data) {
    if (!valueOf.containsKey(data)) {
      int k = 0;
      while (k < n.getInputCount() && !valueOf.containsKey(n.getInput(k))) {
        k++;
      }
      String why =
          k < n.getInputCount()
              ? "reads the data '"
                  + n.getInput(k)
                  + "' as its input "
                  + k
                  + ", not as its data"
                  + " input 0"
              : "reads no value computed from the graph input";
      throw new OnnxImportException(OnnxModel.describe(n) + " " + why);
    }
    for (int k = 1; k < n.getInputCount(); k++) {
      if (valueOf.containsKey(n.getInput(k))) {
        throw new OnnxImportException(
            OnnxModel.describe(n)
                + " combines the data values '"
                + data
                + "' and '"
                + n.getInput(k)
                + "'; vivit4j joins data only by Add (a residual sum), Concat (along the"
                + " channels) and Mul by a constant");
      }
    }
  }

  /**
   * Adds a node reading the graph values {@code inputs}, checked against their shapes, named {@code
   * name} (with a suffix when a node has that name already); returns its name.
   */
  private String add(String name, LayerSpec spec, List<String> inputs, NodeProto node) {
    String unique = name;
    for (int k = 1; shapeOf.containsKey(unique); k++) {
      unique = name + "#" + k;
    }
    List<int[]> shapes = inputs.stream().map(shapeOf::get).toList();
    int[] out;
    try {
      spec.checkHyperParameters("model"); // before any shape arithmetic uses them
      out = spec.outputShape(shapes, "model");
    } catch (InvalidInputException e) {
      throw new OnnxImportException(
          OnnxModel.describe(node) + ": the mapped layer does not fit: " + e.getMessage());
    }
    nodes.add(new GraphNode(unique, spec, inputs, "model"));
    shapeOf.put(unique, out);
    return unique;
  }

  /**
   * The network computing {@code output}: a chain when every node reads the one before it (the
   * first the input), else a graph.
   */
  private NetworkSpec network(String output) {
    try {
      if (nodes.isEmpty()) {
        return new NetworkSpec(List.of(new IdentitySpec()), inputShape);
      }
      boolean chain = valueOf.get(output).equals(nodes.get(nodes.size() - 1).name());
      for (int i = 0; i < nodes.size() && chain; i++) {
        String previous = i == 0 ? inputName : nodes.get(i - 1).name();
        chain = nodes.get(i).inputs().equals(List.of(previous));
      }
      if (chain) {
        return new NetworkSpec(nodes.stream().map(GraphNode::spec).toList(), inputShape);
      }
      List<GraphNode> placed = new ArrayList<>();
      for (int j = 0; j < nodes.size(); j++) {
        GraphNode g = nodes.get(j);
        placed.add(new GraphNode(g.name(), g.spec(), g.inputs(), "model.nodes[" + j + "]"));
      }
      return NetworkSpec.graph("model", inputName, placed, valueOf.get(output), inputShape);
    } catch (InvalidInputException e) {
      throw new OnnxImportException("the mapped graph is not a network: " + e.getMessage());
    }
  }

  /** Activations by ONNX op type, with the attribute that carries their parameter. */
  static final Map<String, Activation> ACTIVATIONS =
      Map.of(
          "Relu", Activation.RELU,
          "Sigmoid", Activation.SIGMOID,
          "Tanh", Activation.TANH,
          "LeakyRelu", Activation.LEAKY_RELU,
          "Elu", Activation.ELU,
          "Selu", Activation.SELU);

  static final Set<String> IDENTITIES = Set.of("Identity", "Dropout");

  static LayerSpec flatten() {
    return new FlattenSpec(1, -1);
  }

  static ActivationSpec activation(Activation a, double param) {
    return new ActivationSpec(a, param);
  }

  static String shape(int[] s) {
    return Arrays.toString(s);
  }
}
