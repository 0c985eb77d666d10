package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model as read from its bytes: the default-domain opset, the graph's nodes (in the file's
 * order, which ONNX requires to be topological; checked), its initializers decoded, its real inputs
 * (graph inputs that are not initializers) and its outputs. Nothing is mapped onto vivit4j layers
 * here.
 */
public final class OnnxModel {
  /** Lowest default-domain opset read: what {@code torch.onnx.export} writes from 1.10 on. */
  public static final long MIN_OPSET = 11;

  /**
   * A graph input: its name, element type and dimensions, each a {@code Long} or, for a dynamic
   * axis, the {@code String} parameter name (empty when unnamed).
   */
  public record Input(String name, String elementType, List<Object> dims) {
    public Input {
      dims = Collections.unmodifiableList(new ArrayList<>(dims));
    }
  }

  private final long opset;
  private final String producer;
  private final List<NodeProto> nodes;
  private final Map<String, OnnxTensor> initializers;
  private final List<Input> inputs;
  private final List<String> outputs;

  private OnnxModel(
      long opset,
      String producer,
      List<NodeProto> nodes,
      Map<String, OnnxTensor> initializers,
      List<Input> inputs,
      List<String> outputs) {
    this.opset = opset;
    this.producer = producer;
    this.nodes = List.copyOf(nodes);
    this.initializers = Collections.unmodifiableMap(initializers);
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
  }

  /**
   * Parses a model.
   *
   * @throws OnnxImportException when the bytes are not an ONNX model, its opset is older than
   *     {@value #MIN_OPSET}, a node uses another operator domain, the nodes are not in topological
   *     order or an input is used before it is defined
   */
  public static OnnxModel read(byte[] bytes) {
    ModelProto model;
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      in.setSizeLimit(Integer.MAX_VALUE);
      model = ModelProto.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxImportException("not an ONNX model (" + e.getMessage() + ")");
    } catch (java.io.IOException e) {
      throw new OnnxImportException("not an ONNX model (" + e.getMessage() + ")");
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new OnnxImportException("not an ONNX model: it has no graph or the graph has no node");
    }
    long opset = -1;
    for (OperatorSetIdProto id : model.getOpsetImportList()) {
      if (id.getDomain().isEmpty() || id.getDomain().equals("ai.onnx")) {
        opset = id.getVersion();
      }
    }
    if (opset < 0) {
      throw new OnnxImportException("the model imports no default-domain (ai.onnx) opset");
    }
    if (opset < MIN_OPSET) {
      throw new OnnxImportException(
          "opset " + opset + " is older than " + MIN_OPSET + "; export with opset_version >= 11");
    }
    GraphProto g = model.getGraph();
    Map<String, OnnxTensor> inits = new LinkedHashMap<>();
    for (var t : g.getInitializerList()) {
      inits.put(t.getName(), OnnxTensors.decode(t, "initializer '" + t.getName() + "'"));
    }
    List<Input> inputs = new ArrayList<>();
    for (ValueInfoProto v : g.getInputList()) {
      if (!inits.containsKey(v.getName())) {
        inputs.add(input(v));
      }
    }
    List<String> outputs = new ArrayList<>();
    for (ValueInfoProto v : g.getOutputList()) {
      outputs.add(v.getName());
    }
    Set<String> defined = new HashSet<>(inits.keySet());
    inputs.forEach(i -> defined.add(i.name()));
    defined.add("");
    for (int i = 0; i < g.getNodeCount(); i++) {
      NodeProto n = g.getNode(i);
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        throw new OnnxImportException(
            describe(n) + " is in operator domain '" + n.getDomain() + "', not the default one");
      }
      for (String in : n.getInputList()) {
        if (!defined.contains(in)) {
          boolean later =
              g.getNodeList().stream().skip(i + 1L).anyMatch(m -> m.getOutputList().contains(in));
          throw new OnnxImportException(
              describe(n)
                  + " reads '"
                  + in
                  + (later
                      ? "', which only a later node defines (the nodes must be in topological"
                          + " order)"
                      : "', which nothing in the model defines (a missing initializer or input)"));
        }
      }
      defined.addAll(n.getOutputList());
    }
    for (String out : outputs) {
      if (!defined.contains(out)) {
        throw new OnnxImportException("graph output '" + out + "' is defined by no node");
      }
    }
    return new OnnxModel(opset, model.getProducerName(), g.getNodeList(), inits, inputs, outputs);
  }

  private static Input input(ValueInfoProto v) {
    if (!v.hasType() || !v.getType().hasTensorType()) {
      throw new OnnxImportException("graph input '" + v.getName() + "' is not a tensor");
    }
    var tt = v.getType().getTensorType();
    DataType type = DataType.forNumber(tt.getElemType());
    List<Object> dims = new ArrayList<>();
    if (tt.hasShape()) {
      for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
        dims.add(d.hasDimValue() ? (Object) d.getDimValue() : d.getDimParam());
      }
    }
    return new Input(v.getName(), type == null ? "UNKNOWN" : type.name(), dims);
  }

  /** How errors name a node: {@code node 'Conv_3' (Conv)}, or by its first output when unnamed. */
  public static String describe(NodeProto n) {
    String name =
        !n.getName().isEmpty()
            ? "'" + n.getName() + "'"
            : n.getOutputCount() > 0 ? "producing '" + n.getOutput(0) + "'" : "(unnamed)";
    return "node " + name + " (" + n.getOpType() + ")";
  }

  /** The default-domain opset version. */
  public long opset() {
    return opset;
  }

  /** The exporter's name as the file records it ({@code pytorch}, ...). */
  public String producer() {
    return producer;
  }

  public List<NodeProto> nodes() {
    return nodes;
  }

  /** Initializers by name, decoded. */
  public Map<String, OnnxTensor> initializers() {
    return initializers;
  }

  /** Graph inputs that are not initializers. */
  public List<Input> inputs() {
    return inputs;
  }

  public List<String> outputs() {
    return outputs;
  }
}
