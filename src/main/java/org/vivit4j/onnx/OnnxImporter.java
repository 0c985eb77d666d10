package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.vivit4j.model.Activation;
import org.vivit4j.model.ActivationSpec;
import org.vivit4j.model.FlattenSpec;
import org.vivit4j.model.IdentitySpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * Maps an ONNX model onto a vivit4j network: data-independent sub-graphs are folded ({@link
 * StaticValues}), every other node becomes a layer ({@link OnnxLayers}), and the initializers a
 * layer uses as weight and bias become its parameters, named as the exporter named them (for
 * PyTorch, the {@code state_dict} names). Parameters are ordered by first use in the graph. The
 * model must be a chain: each layer reads the previous one's output (residual graphs wait for graph
 * support). Anything that cannot be mapped exactly is an {@link OnnxImportException} naming the
 * node, its op type and the reason; nothing is approximated.
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
  private final List<LayerSpec> layers = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private int[] inputShape;
  private String current;

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
    if (!in.elementType().equals("FLOAT") && !in.elementType().equals("DOUBLE")) {
      throw new OnnxImportException(
          "graph input '" + in.name() + "' is " + in.elementType() + "; float inputs are imported");
    }
    inputShape = perSampleShape(in);
    current = in.name();
    values.dataShape(current, inputShape);
    if (in.dims().get(0) instanceof Long fixed) {
      values.fixedBatch(fixed);
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
    if (!output.equals(current)) {
      throw new OnnxImportException(
          "graph output '" + output + "' is not the output of the last layer ('" + current + "')");
    }
    return new Imported(
        network(null), List.copyOf(names), in.name(), output, model.opset(), warnings());
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

  /** Maps {@code n} (and the nodes it fuses with) onto layers. */
  private void mapNode(NodeProto n) {
    String data = n.getInputCount() > 0 ? n.getInput(0) : "";
    OnnxLayers.Mapped m = OnnxPatterns.match(n, current, graph, values, shapeNow());
    if (m == null) {
      checkChain(n, data);
      m = OnnxLayers.map(n, graph, values, shapeNow());
    }
    NodeProto last = m.covered().get(m.covered().size() - 1);
    for (OnnxLayers.Layer layer : m.layers()) {
      add(layer, last);
    }
    covered.addAll(m.covered());
    current = m.output();
    values.dataShape(current, shapeNow());
  }

  private void checkChain(NodeProto n, String data) {
    if (!data.equals(current)) {
      String why =
          n.getInputList().contains(current)
              ? "reads the previous layer's output as its input "
                  + n.getInputList().indexOf(current)
                  + ", not as its data input 0"
              : "does not read the previous layer's output '"
                  + current
                  + "'; vivit4j imports chains of layers (residual graphs are not supported yet)";
      throw new OnnxImportException(OnnxModel.describe(n) + " " + why);
    }
    for (int k = 1; k < n.getInputCount(); k++) {
      if (n.getInput(k).equals(current)) {
        throw new OnnxImportException(
            OnnxModel.describe(n)
                + " reads the data twice (as inputs 0 and "
                + k
                + "); not a layer vivit4j has");
      }
    }
    if (graph.uses(current) > 1) {
      throw new OnnxImportException(
          OnnxModel.describe(n)
              + ": '"
              + current
              + "' is read by more than one node (a branch); vivit4j imports chains of layers"
              + " (residual graphs are not supported yet)");
    }
  }

  private void add(OnnxLayers.Layer layer, NodeProto node) {
    layers.add(layer.spec());
    network(node); // checks the layer against the shape it receives
    names.addAll(layer.paramNames());
  }

  private int[] shapeNow() {
    NetworkSpec net = network(null);
    return net.shapeBefore(net.layers().size());
  }

  private NetworkSpec network(NodeProto node) {
    List<LayerSpec> list = layers.isEmpty() ? List.of(new IdentitySpec()) : layers;
    try {
      return new NetworkSpec(List.copyOf(list), inputShape);
    } catch (InvalidInputException e) {
      throw new OnnxImportException(
          (node == null ? "" : OnnxModel.describe(node) + ": ")
              + "the mapped layer does not fit: "
              + e.getMessage());
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
