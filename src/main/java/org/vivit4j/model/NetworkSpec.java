package org.vivit4j.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A network: a directed acyclic graph of nodes (layers and joins) in topological order, and the
 * per-sample input shape. A sequential network ({@code model} list, {@code nn.Sequential}) is the
 * chain in which node {@code i} reads the output of node {@code i − 1}; a graph ({@link #graph})
 * names its nodes and their inputs. Construction checks the structure and that the shapes fit, and
 * derives the parameter table in PyTorch's {@code model.parameters()} order (nodes in order, weight
 * before bias, each tensor flattened row-major).
 *
 * <p>Values are numbered: value 0 is the network input, value {@code i + 1} the output of node
 * {@code i}; the last node's output is the network output. Node {@code i} reads the values {@link
 * #inputsOf(int)}, all lower than {@code i + 1}.
 */
public final class NetworkSpec {
  private final List<LayerSpec> layers;
  private final List<int[]> inputs;
  private final List<String> names;
  private final List<String> wheres;
  private final String inputName;
  private final boolean graph;
  private final int[] inputShape;
  private final List<int[]> valueShapes = new ArrayList<>();
  private final List<ParamTensor> params;
  private final int numParams;

  /**
   * A sequential network: node {@code i} is {@code layers[i]}, named {@code "i"}, reading the
   * previous node's output.
   *
   * @param layers the layers in order
   * @param inputShape per-sample input shape, {@code [D]} or {@code [C, H, W]}
   * @throws InvalidInputException naming the layer when shapes do not chain
   */
  public NetworkSpec(List<LayerSpec> layers, int[] inputShape) {
    this(layers, chainInputs(layers.size()), chainNames(layers.size(), ""), null, null, inputShape);
  }

  private static List<int[]> chainInputs(int depth) {
    List<int[]> in = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      in.add(new int[] {i});
    }
    return in;
  }

  private static List<String> chainNames(int depth, String prefix) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      out.add(prefix.isEmpty() ? String.valueOf(i) : prefix + "[" + i + "]");
    }
    return out;
  }

  private NetworkSpec(
      List<LayerSpec> layers,
      List<int[]> inputs,
      List<String> names,
      List<String> wheres,
      String inputName,
      int[] inputShape) {
    boolean graph = inputName != null;
    if (layers.isEmpty()) {
      throw new InvalidInputException(
          graph ? "graph.nodes" : "model", "must contain at least one layer");
    }
    this.layers = List.copyOf(layers);
    this.inputs = inputs.stream().map(int[]::clone).toList();
    this.names = List.copyOf(names);
    this.wheres = wheres == null ? chainNames(layers.size(), "model") : List.copyOf(wheres);
    this.graph = graph;
    this.inputName = inputName;
    this.inputShape = inputShape.clone();
    // every shape's product is checked to fit an int, so sizes and their prefixes cannot wrap
    ArraySizes.checked(
        ArraySizes.product(inputShape),
        "input_shape",
        "one sample of " + Arrays.toString(inputShape));
    valueShapes.add(inputShape.clone());
    List<ParamTensor> table = new ArrayList<>();
    long offset = 0;
    for (int i = 0; i < this.layers.size(); i++) {
      LayerSpec layer = this.layers.get(i);
      String where = this.wheres.get(i);
      valueShapes.add(outputShape(i, layer, where));
      for (LayerParam ps : layer.params()) {
        int numel =
            ArraySizes.checked(
                ArraySizes.product(ps.shape()),
                where,
                "its " + ps.name() + " " + Arrays.toString(ps.shape()));
        table.add(
            new ParamTensor(table.size(), i, ps.name(), ps.shape().clone(), (int) offset, numel));
        offset += numel;
        ArraySizes.checked(offset, where, "the parameter count D up to this layer");
      }
    }
    this.params = List.copyOf(table);
    this.numParams = (int) offset;
  }

  /** The output shape of node {@code i}; a graph node's shape errors also name the node. */
  private int[] outputShape(int i, LayerSpec layer, String where) {
    if (!graph) {
      return layer.outputShape(valueShapes.get(inputs.get(i)[0]), where);
    }
    List<int[]> in = new ArrayList<>();
    for (int v : inputs.get(i)) {
      in.add(valueShapes.get(v));
    }
    try {
      ArraySizes.checked(
          ArraySizes.product(joinedInput(in)), where, "its inputs together, one sample");
      return layer.outputShape(in, where);
    } catch (InvalidInputException e) {
      String problem = e.getMessage().substring(e.field().length() + 2);
      throw new InvalidInputException(e.field(), problem + " (node '" + names.get(i) + "')");
    }
  }

  /** One input's shape, or the flat concatenation {@code [Σ_j size_j]} of several. */
  private static int[] joinedInput(List<int[]> in) {
    if (in.size() == 1) {
      return in.get(0).clone();
    }
    long sum = 0;
    for (int[] s : in) {
      sum += ArraySizes.product(s);
    }
    return new int[] {(int) Math.min(sum, Integer.MAX_VALUE)};
  }

  /**
   * A graph network. Nodes may be listed in any order: they are sorted topologically, keeping the
   * listed order where the inputs allow (a list in which every node comes after its inputs stays as
   * it is), and that order is the parameter order.
   *
   * @param path the graph's field path, {@code graph}
   * @param inputName the name of the network input
   * @param nodes the nodes, each naming its inputs
   * @param output the name of the node whose output is the network output
   * @throws InvalidInputException naming the node: a duplicate name, an input that is neither the
   *     network input nor a node, a cycle, a node that does not feed the output, shapes that do not
   *     fit (a join of mismatched shapes)
   */
  public static NetworkSpec graph(
      String path, String inputName, List<GraphNode> nodes, String output, int[] inputShape) {
    GraphOrder order = GraphOrder.of(path, inputName, nodes, output);
    List<LayerSpec> layers = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> wheres = new ArrayList<>();
    for (int j : order.sorted()) {
      GraphNode node = nodes.get(j);
      layers.add(node.spec());
      names.add(node.name());
      wheres.add(node.where());
    }
    return new NetworkSpec(layers, order.inputs(), names, wheres, inputName, inputShape);
  }

  /** The nodes (layers and joins) in topological order. */
  public List<LayerSpec> layers() {
    return layers;
  }

  /** Whether the network was given as a graph ({@link #graph}) rather than a layer list. */
  public boolean isGraph() {
    return graph;
  }

  /** The name of the network input in the graph form; {@code "x"} for a chain. */
  public String inputName() {
    return graph ? inputName : "x";
  }

  /**
   * Node {@code i}'s name: its graph name, or {@code "i"} in a chain (as {@code nn.Sequential}).
   */
  public String nodeName(int i) {
    return names.get(i);
  }

  /** Node {@code i}'s field path for errors: {@code model[i]} or {@code graph.nodes[j]}. */
  public String where(int i) {
    return wheres.get(i);
  }

  /**
   * The values node {@code i} reads, in order: 0 the network input, {@code u + 1} node u's output.
   */
  public int[] inputsOf(int i) {
    return inputs.get(i).clone();
  }

  /** Whether node {@code i} reads a single value (a layer) rather than several (a join). */
  public boolean readsOneValue(int i) {
    return inputs.get(i).length == 1;
  }

  /** Per-sample input shape. */
  public int[] inputShape() {
    return inputShape.clone();
  }

  /**
   * The per-sample shape of value {@code v} (0 the network input, {@code i + 1} node i's output).
   */
  public int[] valueShape(int v) {
    return valueShapes.get(v).clone();
  }

  /** Flattened per-sample size of value {@code v}. */
  public int valueSize(int v) {
    return (int) ArraySizes.product(valueShapes.get(v));
  }

  /**
   * Per-sample shape at the input of node {@code i}: the value it reads, or for a join the flat
   * concatenation {@code [Σ_j size_j]} of its inputs (what its fast-path layer receives); {@code i
   * = size()} is the network output.
   */
  public int[] shapeBefore(int i) {
    if (i == layers.size()) {
      return valueShape(i);
    }
    List<int[]> in = new ArrayList<>();
    for (int v : inputs.get(i)) {
      in.add(valueShapes.get(v));
    }
    return joinedInput(in);
  }

  /** Flattened per-sample size at the input of node {@code i} ({@link #shapeBefore}). */
  public int sizeBefore(int i) {
    return (int) ArraySizes.product(shapeBefore(i));
  }

  /** Per-sample shape of node {@code i}'s output. */
  public int[] shapeAfter(int i) {
    return valueShape(i + 1);
  }

  /** Flattened per-sample size of node {@code i}'s output. */
  public int sizeAfter(int i) {
    return valueSize(i + 1);
  }

  /** Flattened per-sample sizes of the values node {@code i} reads, in order. */
  public int[] inputSizesOf(int i) {
    return Arrays.stream(inputs.get(i)).map(this::valueSize).toArray();
  }

  public int inputSize() {
    return valueSize(0);
  }

  /** Model output size C. */
  public int outputSize() {
    return valueSize(layers.size());
  }

  public List<ParamTensor> params() {
    return params;
  }

  /** Total number of scalar parameters D. */
  public int numParams() {
    return numParams;
  }

  /** The flat parameter vector θ. */
  public double[] flatParams() {
    double[] theta = new double[numParams];
    for (ParamTensor p : params) {
      LayerSpec layer = layers.get(p.layer());
      double[] src = paramData(layer, p.name());
      System.arraycopy(src, 0, theta, p.offset(), p.numel());
    }
    return theta;
  }

  /**
   * Overwrites every parameter tensor with the matching slice of {@code theta} (flat parameter
   * order), in place: layers built from this spec see the new values. Used by training.
   */
  public void setFlatParams(double[] theta) {
    if (theta.length != numParams) {
      throw new IllegalArgumentException(
          "theta has " + theta.length + " entries, the network " + numParams);
    }
    for (ParamTensor p : params) {
      double[] dst = paramData(layers.get(p.layer()), p.name());
      System.arraycopy(theta, p.offset(), dst, 0, p.numel());
    }
  }

  /** The data array of a layer's parameter ({@code "weight"} or {@code "bias"}). */
  public static double[] paramData(LayerSpec layer, String name) {
    for (LayerParam p : layer.params()) {
      if (p.name().equals(name)) {
        return p.data();
      }
    }
    throw new IllegalArgumentException(layer.type() + " has no parameter " + name);
  }

  /**
   * Checks the rule for layers that read integer indices (embeddings): each reads the network input
   * directly, and when one does, no other node reads it ({@link IndexInputs}).
   *
   * @throws InvalidInputException naming the node ({@code model[i].type}, {@code
   *     graph.nodes[j].inputs[q]})
   */
  public void checkIndexReaders() {
    IndexInputs.checkStructure(this);
  }

  /**
   * Checks the network input's values for every node that reads them as indices (each against its
   * own range).
   *
   * @param x {@code [N × inputSize()]} row-major
   * @param field the input's field, {@code X}
   * @throws InvalidInputException naming the first bad entry, {@code X[n][l]}
   */
  public void checkNetworkInput(double[] x, String field) {
    IndexInputs.checkValues(this, x, field);
  }

  public boolean hasLayerOfType(String type) {
    return layers.stream().anyMatch(l -> l.type().equals(type));
  }
}
