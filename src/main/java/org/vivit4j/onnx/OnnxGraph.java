package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Who reads each value of a model's graph: its consuming nodes, and whether it is an output. */
final class OnnxGraph {
  private final Map<String, List<NodeProto>> consumers = new HashMap<>();
  private final List<String> outputs;

  OnnxGraph(OnnxModel model) {
    for (NodeProto n : model.nodes()) {
      for (String in : n.getInputList()) {
        if (!in.isEmpty()) {
          List<NodeProto> list = consumers.computeIfAbsent(in, k -> new ArrayList<>());
          if (!list.contains(n)) {
            list.add(n);
          }
        }
      }
    }
    this.outputs = model.outputs();
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
