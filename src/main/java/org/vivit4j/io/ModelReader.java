package org.vivit4j.io;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.LayerTypes;
import org.vivit4j.model.GraphNode;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * Reads the {@code model} list (layers with weights) or the {@code graph} object, and checks the
 * {@code params} table.
 */
final class ModelReader {
  private ModelReader() {}

  /**
   * Reads the layers of {@code model}; shapes are chained later by {@link NetworkSpec}, and {@link
   * NetworkSpec#checkIndexReaders} checks where embeddings sit.
   */
  static List<LayerSpec> readLayers(JsonNode model, String path) {
    JsonFields.list(model, path);
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < model.size(); i++) {
      layers.add(readLayer(model.get(i), at(path, i)));
    }
    return layers;
  }

  /**
   * Reads a {@code graph} object ({@code inputs}: the one input's name, {@code nodes}, {@code
   * output}) into a network: each node is a layer object with {@code name} and {@code inputs}
   * besides its type's keys.
   */
  static NetworkSpec readGraph(JsonNode graph, String path, int[] inputShape) {
    JsonFields.object(graph, path);
    JsonFields.onlyKeys(graph, path, "a graph", "inputs", "nodes", "output");
    JsonNode inputs =
        JsonFields.list(JsonFields.required(graph, path, "inputs"), at(path, "inputs"));
    if (inputs.size() != 1) {
      throw new UnsupportedFeatureException(
          at(path, "inputs"),
          "a graph with " + inputs.size() + " inputs (exactly one, the X of the problem)");
    }
    String input = name(inputs.get(0), at(at(path, "inputs"), 0));
    JsonNode nodes = JsonFields.list(JsonFields.required(graph, path, "nodes"), at(path, "nodes"));
    List<GraphNode> read = new ArrayList<>();
    for (int j = 0; j < nodes.size(); j++) {
      String p = at(at(path, "nodes"), j);
      JsonNode node = JsonFields.object(nodes.get(j), p);
      String name = name(JsonFields.required(node, p, "name"), at(p, "name"));
      JsonNode in = JsonFields.list(JsonFields.required(node, p, "inputs"), at(p, "inputs"));
      List<String> names = new ArrayList<>();
      for (int q = 0; q < in.size(); q++) {
        names.add(name(in.get(q), at(at(p, "inputs"), q)));
      }
      // the layer's own keys: the type reads them as in a model list and refuses unknown ones
      ObjectNode layer = JsonNodeFactory.instance.objectNode();
      node.fields()
          .forEachRemaining(
              e -> {
                if (!e.getKey().equals("name") && !e.getKey().equals("inputs")) {
                  layer.set(e.getKey(), e.getValue());
                }
              });
      read.add(new GraphNode(name, readLayer(layer, p), names, p));
    }
    String output = name(JsonFields.required(graph, path, "output"), at(path, "output"));
    return NetworkSpec.graph(path, input, read, output, inputShape);
  }

  /** A non-empty name. */
  private static String name(JsonNode node, String path) {
    String s = JsonFields.stringValue(node, path);
    if (s.isEmpty()) {
      throw new InvalidInputException(path, "must not be empty");
    }
    return s;
  }

  private static LayerSpec readLayer(JsonNode node, String path) {
    JsonFields.object(node, path);
    String type = JsonFields.requiredString(node, path, "type");
    LayerType<?> layerType = LayerTypes.named(type);
    if (layerType == null) {
      throw new InvalidInputException(
          at(path, "type"),
          "unknown layer type '"
              + type
              + "'; expected one of "
              + String.join(", ", LayerTypes.names()));
    }
    return layerType.read(node, path, type);
  }

  /** Checks a {@code params} table in the file against the one the network derives. */
  /**
   * Checks a problem's optional {@code params} table against the parameters the model defines: the
   * same count, indices, shapes, offsets and sizes; {@code name} either the tensor's own name
   * ({@code weight}, {@code bias}) or its full name ({@code paramNames}, PyTorch's {@code
   * state_dict} name). {@code layer} is compared for a layer list and a graph (the node's position
   * in topological order); for an imported model it counts the exporter's modules, not vivit4j's
   * layers, and is only required to be an integer when given.
   */
  static void checkParamTable(
      JsonNode table, String path, NetworkSpec network, List<String> paramNames, boolean imported) {
    JsonFields.list(table, path);
    List<ParamTensor> expected = network.params();
    if (table.size() != expected.size()) {
      throw new InvalidInputException(
          path,
          "lists " + table.size() + " parameter tensors but the model has " + expected.size());
    }
    for (int i = 0; i < table.size(); i++) {
      JsonNode entry = JsonFields.object(table.get(i), at(path, i));
      String p = at(path, i);
      ParamTensor t = expected.get(i);
      JsonFields.onlyKeys(
          entry, p, "a params entry", "index", "layer", "name", "shape", "offset", "numel");
      same(JsonFields.requiredInt(entry, p, "index"), t.index(), at(p, "index"));
      if (!imported) {
        same(JsonFields.requiredInt(entry, p, "layer"), t.layer(), at(p, "layer"));
      } else if (JsonFields.optional(entry, "layer") != null) {
        JsonFields.intValue(entry.get("layer"), at(p, "layer"));
      }
      String name = JsonFields.requiredString(entry, p, "name");
      if (!name.equals(t.name()) && !name.equals(paramNames.get(i))) {
        throw new InvalidInputException(
            at(p, "name"),
            "is '"
                + name
                + "' but the model defines '"
                + paramNames.get(i)
                + "' ('"
                + t.name()
                + "')");
      }
      int[] shape = JsonFields.intList(JsonFields.required(entry, p, "shape"), at(p, "shape"));
      if (!Arrays.equals(shape, t.shape())) {
        throw new InvalidInputException(
            at(p, "shape"),
            "is "
                + JsonFields.shape(shape)
                + " but the model defines "
                + JsonFields.shape(t.shape()));
      }
      same(JsonFields.requiredInt(entry, p, "offset"), t.offset(), at(p, "offset"));
      same(JsonFields.requiredInt(entry, p, "numel"), t.numel(), at(p, "numel"));
    }
  }

  private static void same(int actual, int expected, String path) {
    if (actual != expected) {
      throw new InvalidInputException(path, "is " + actual + " but the model defines " + expected);
    }
  }
}
