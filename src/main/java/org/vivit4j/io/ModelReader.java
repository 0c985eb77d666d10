package org.vivit4j.io;

import static org.vivit4j.io.JsonFields.at;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Conv2dSpec;
import org.vivit4j.model.FlattenSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LinearSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;
import org.vivit4j.model.UnsupportedFeatureException;

/** Reads the {@code model} list (layers with weights) and checks the {@code params} table. */
final class ModelReader {
  private ModelReader() {}

  /** Reads the layers of {@code model}; shapes are chained later by {@link NetworkSpec}. */
  static List<LayerSpec> readLayers(JsonNode model, String path) {
    JsonFields.list(model, path);
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < model.size(); i++) {
      layers.add(readLayer(model.get(i), at(path, i)));
    }
    return layers;
  }

  private static LayerSpec readLayer(JsonNode node, String path) {
    JsonFields.object(node, path);
    String type = JsonFields.requiredString(node, path, "type");
    Activation activation = Activation.fromTypeName(type);
    if (activation != null) {
      return ExtraLayerReader.readActivation(node, path, activation);
    }
    return switch (type) {
      case "linear" -> readLinear(node, path);
      case "conv2d" -> readConv2d(node, path);
      case "flatten" -> readFlatten(node, path);
      case "maxpool2d" -> PoolReader.readMaxPool(node, path);
      case "avgpool2d" -> PoolReader.readAvgPool(node, path);
      case "identity" -> ExtraLayerReader.readIdentity(node, path);
      case "dropout" -> ExtraLayerReader.readDropout(node, path);
      case "layernorm" -> ExtraLayerReader.readLayerNorm(node, path);
      default ->
          throw new InvalidInputException(
              at(path, "type"),
              "unknown layer type '"
                  + type
                  + "'; expected one of linear, conv2d, maxpool2d, avgpool2d, "
                  + activationNames()
                  + ", identity, dropout, layernorm, flatten");
    };
  }

  /** {@code relu, sigmoid, …}: every activation's type name, in declaration order. */
  private static String activationNames() {
    List<String> names = new ArrayList<>();
    for (Activation a : Activation.values()) {
      names.add(a.typeName());
    }
    return String.join(", ", names);
  }

  private static LinearSpec readLinear(JsonNode node, String path) {
    JsonFields.onlyKeys(node, path, "a linear layer", "type", "in", "out", "weight", "bias");
    int in = JsonFields.atLeast(JsonFields.requiredInt(node, path, "in"), 1, at(path, "in"));
    int out = JsonFields.atLeast(JsonFields.requiredInt(node, path, "out"), 1, at(path, "out"));
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"),
            at(path, "weight"),
            new int[] {out, in},
            "[out, in]");
    return new LinearSpec(in, out, weight, readBias(node, path, out, "[out]"));
  }

  /** An absent or {@code null} bias means a layer without bias. */
  private static double[] readBias(JsonNode node, String path, int size, String what) {
    return readBias(node, path, new int[] {size}, what);
  }

  /** An optional {@code bias} of {@code shape}: absent or {@code null} means none. */
  static double[] readBias(JsonNode node, String path, int[] shape, String what) {
    JsonNode bias = JsonFields.optional(node, "bias");
    return bias == null ? null : JsonArrays.readDoubles(bias, at(path, "bias"), shape, what);
  }

  private static FlattenSpec readFlatten(JsonNode node, String path) {
    JsonFields.onlyKeys(node, path, "a flatten layer", "type", "start_dim", "end_dim");
    // PyTorch's defaults for nn.Flatten are start_dim=1, end_dim=-1.
    int start = intOr(node, path, "start_dim", 1);
    int end = intOr(node, path, "end_dim", -1);
    if (start != 1) {
      throw new UnsupportedFeatureException(
          at(path, "start_dim"), "flatten with start_dim = " + start + " (only 1)");
    }
    if (end != -1) {
      throw new UnsupportedFeatureException(
          at(path, "end_dim"), "flatten with end_dim = " + end + " (only -1)");
    }
    return new FlattenSpec(start, end);
  }

  private static Conv2dSpec readConv2d(JsonNode node, String path) {
    JsonFields.onlyKeys(
        node,
        path,
        "a conv2d layer",
        "type",
        "in_channels",
        "out_channels",
        "kernel_size",
        "stride",
        "padding",
        "dilation",
        "groups",
        "padding_mode",
        "weight",
        "bias");
    int cin = JsonFields.requiredInt(node, path, "in_channels");
    JsonFields.atLeast(cin, 1, at(path, "in_channels"));
    int cout = JsonFields.requiredInt(node, path, "out_channels");
    JsonFields.atLeast(cout, 1, at(path, "out_channels"));
    int[] kernel = pair(JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    // Absent hyper-parameters take PyTorch's nn.Conv2d defaults.
    int[] stride = pairOr(node, path, "stride", 1, 1);
    int[] dilation = pairOr(node, path, "dilation", 1, 1);
    JsonNode padNode = JsonFields.optional(node, "padding");
    int[] padding =
        padNode != null && padNode.isTextual()
            ? PoolReader.namedConvPadding(padNode.textValue(), kernel, stride, dilation, path)
            : pairOr(node, path, "padding", 0, 0);
    int groups = intOr(node, path, "groups", 1);
    if (groups != 1) {
      JsonFields.atLeast(groups, 1, at(path, "groups"));
      throw new UnsupportedFeatureException(
          at(path, "groups"), "conv2d with groups = " + groups + " (only 1)");
    }
    JsonNode mode = JsonFields.optional(node, "padding_mode");
    if (mode != null && !"zeros".equals(JsonFields.stringValue(mode, at(path, "padding_mode")))) {
      throw new UnsupportedFeatureException(
          at(path, "padding_mode"), "padding_mode '" + mode.textValue() + "' (only 'zeros')");
    }
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"),
            at(path, "weight"),
            new int[] {cout, cin, kernel[0], kernel[1]},
            "[out_channels, in_channels, kh, kw]");
    double[] bias = readBias(node, path, cout, "[out_channels]");
    return new Conv2dSpec(cin, cout, kernel, stride, padding, dilation, weight, bias);
  }

  private static int intOr(JsonNode node, String path, String key, int dflt) {
    JsonNode v = JsonFields.optional(node, key);
    return v == null ? dflt : JsonFields.intValue(v, at(path, key));
  }

  static int[] pairOr(JsonNode node, String path, String key, int dflt, int min) {
    JsonNode v = JsonFields.optional(node, key);
    return v == null ? new int[] {dflt, dflt} : pair(v, at(path, key), min);
  }

  /** An int or an {@code [h, w]} pair, each {@code >= min}. */
  static int[] pair(JsonNode node, String path, int min) {
    int[] p;
    if (node.isArray()) {
      p = JsonFields.intList(node, path);
      if (p.length != 2) {
        throw new InvalidInputException(
            path, "must be an integer or a pair [h, w], got a list of " + p.length);
      }
    } else {
      int v = JsonFields.intValue(node, path);
      p = new int[] {v, v};
    }
    for (int d = 0; d < 2; d++) {
      JsonFields.atLeast(p[d], min, node.isArray() ? at(path, d) : path);
    }
    return p;
  }

  /** Checks a {@code params} table in the file against the one the network derives. */
  static void checkParamTable(JsonNode table, String path, NetworkSpec network) {
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
      same(JsonFields.requiredInt(entry, p, "layer"), t.layer(), at(p, "layer"));
      String name = JsonFields.requiredString(entry, p, "name");
      if (!name.equals(t.name())) {
        throw new InvalidInputException(
            at(p, "name"), "is '" + name + "' but the model defines '" + t.name() + "'");
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
