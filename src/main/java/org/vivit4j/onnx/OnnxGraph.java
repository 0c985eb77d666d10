package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who reads each value of a model's data: its consuming nodes (not counting {@code Shape} and
 * {@code Size}, which read only its shape), and whether it is an output; who computes each value.
 */
final class OnnxGraph {
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();
  private final Map<String, NodeProto> producers = new HashMap<>();
  private final List<String> outputs;

  OnnxGraph(OnnxModel model) {
    for (NodeProto n : model.nodes()) {
      for (String out : n.getOutputList()) {
        producers.put(out, n);
      }
      boolean shapeOnly = n.getOpType().equals("Shape") || n.getOpType().equals("Size");
      for (String in : n.getInputList()) {
        // Shape and Size read only the shape, which is known before any data: not a branch
        if (!in.isEmpty() && !shapeOnly) {
          List<NodeProto> list = consumers.computeIfAbsent(in, k -> new ArrayList<>());
          if (!list.contains(n)) {
            list.add(n);
          }
        }
      }
    }
    this.outputs = model.outputs();
  }

  /** The node computing {@code value}, or {@code null} for an input or initializer. */
  NodeProto producer(String value) {
    return producers.get(value);
  }

  /** The nodes reading {@code value}, in graph order (each once). */
  List<NodeProto> consumers(String value) {
    return consumers.getOrDefault(value, List.of());
  }

  /** How many readers {@code value} has, the graph's output counting as one. */
  int uses(String value) {
    return consumers(value).size() + (outputs.contains(value) ? 1 : 0);
  }

  /** The single node reading {@code value}, or {@code null} when it has another number of uses. */
  NodeProto soleConsumer(String value) {
    return uses(value) == 1 && !consumers(value).isEmpty() ? consumers(value).get(0) : null;
  }
}
