package org.vivit4j.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;

/**
 * Test-only loader for the input part of a golden case (schema_version 1, see the golden README):
 * model with weights, loss, data, subsampling and parameter groups. Arrays may be nested lists or
 * base64-encoded objects ({@code float32 | float64 | uint8}, little endian, optional {@code
 * scale}).
 *
 * @param root the whole document, for the expected outputs
 */
record ReferenceGoldenCase(
    String name,
    NetworkSpec net,
    LossSpec loss,
    Batch batch,
    int[] subsamplingGrad,
    int[] subsamplingGgn,
    List<int[]> groups,
    JsonNode root) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** All golden files on the test class path ({@code golden/*.json}), sorted by name. */
  static List<Path> files() throws IOException, URISyntaxException {
    URL dir = ReferenceGoldenCase.class.getClassLoader().getResource("golden");
    if (dir == null) {
      throw new IOException("golden/ not found on the test class path");
    }
    try (Stream<Path> s = Files.list(Path.of(dir.toURI()))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  static ReferenceGoldenCase load(Path file) throws IOException {
    JsonNode root = MAPPER.readTree(file.toFile());
    if (root.path("schema_version").asInt() != 1) {
      throw new IOException(file + ": unsupported schema_version");
    }
    int n = root.get("N").asInt();
    int[] inputShape = ints(root.get("input_shape"));

    List<LayerSpec> layers = new ArrayList<>();
    for (JsonNode layer : root.get("model")) {
      layers.add(layer(layer));
    }
    NetworkSpec net = new NetworkSpec(layers, inputShape);

    JsonNode lossNode = root.get("loss");
    LossType type = LossType.fromTypeName(lossNode.get("type").asText());
    Reduction reduction = Reduction.fromTypeName(lossNode.get("reduction").asText());
    if (type == null || reduction == null) {
      throw new IOException(file + ": unknown loss " + lossNode);
    }
    double[] x = doubles(root.get("X"));
    Batch batch;
    if (type == LossType.MSE) {
      batch = new Batch(n, x, doubles(root.get("y")), null);
    } else {
      double[] y = doubles(root.get("y"));
      int[] cls = new int[y.length];
      for (int i = 0; i < y.length; i++) {
        cls[i] = (int) y[i];
      }
      batch = new Batch(n, x, null, cls);
    }

    JsonNode comp = root.get("computation");
    List<int[]> groups = new ArrayList<>();
    for (JsonNode g : root.get("param_groups")) {
      groups.add(ints(g.get("params")));
    }
    return new ReferenceGoldenCase(
        root.get("name").asText(),
        net,
        new LossSpec(type, reduction),
        batch,
        optionalInts(comp.get("subsampling_grad")),
        optionalInts(comp.get("subsampling_ggn")),
        groups,
        root);
  }

  private static LayerSpec layer(JsonNode l) throws IOException {
    String type = l.get("type").asText();
    switch (type) {
      case "linear":
        return new LinearSpec(
            l.get("in").asInt(),
            l.get("out").asInt(),
            doubles(l.get("weight")),
            optionalDoubles(l.get("bias")));
      case "conv2d":
        if (l.has("groups") && l.get("groups").asInt() != 1) {
          throw new IOException("conv2d groups != 1");
        }
        return new Conv2dSpec(
            l.get("in_channels").asInt(),
            l.get("out_channels").asInt(),
            pair(l.get("kernel_size")),
            pair(l.get("stride")),
            pair(l.get("padding")),
            l.has("dilation") ? pair(l.get("dilation")) : new int[] {1, 1},
            doubles(l.get("weight")),
            optionalDoubles(l.get("bias")));
      case "flatten":
        return new FlattenSpec(l.path("start_dim").asInt(1), l.path("end_dim").asInt(-1));
      default:
        Activation a = Activation.fromTypeName(type);
        if (a == null) {
          throw new IOException("unknown layer type " + type);
        }
        return new ActivationSpec(a);
    }
  }

  private static int[] pair(JsonNode node) {
    return node.isInt() ? new int[] {node.asInt(), node.asInt()} : ints(node);
  }

  static int[] ints(JsonNode node) {
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asInt();
    }
    return out;
  }

  static int[] optionalInts(JsonNode node) {
    return node == null || node.isNull() ? null : ints(node);
  }

  static double[] optionalDoubles(JsonNode node) throws IOException {
    return node == null || node.isNull() ? null : doubles(node);
  }

  /** A nested list flattened row-major, or a decoded base64 array. */
  static double[] doubles(JsonNode node) throws IOException {
    if (node.isObject()) {
      return decode(node);
    }
    List<Double> values = new ArrayList<>();
    collect(node, values);
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** A nested list of doubles as a matrix {@code [rows][cols]}. */
  static double[][] matrix(JsonNode node) throws IOException {
    double[][] out = new double[node.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubles(node.get(i));
    }
    return out;
  }

  private static void collect(JsonNode node, List<Double> out) throws IOException {
    if (node.isArray()) {
      for (JsonNode child : node) {
        collect(child, out);
      }
    } else if (node.isNumber()) {
      // Jackson parses the repr text with Double.parseDouble semantics: exact round trip.
      out.add(node.asDouble());
    } else {
      throw new IOException("expected a number, got " + node);
    }
  }

  private static double[] decode(JsonNode node) throws IOException {
    if (!"base64".equals(node.path("encoding").asText())) {
      throw new IOException("unknown array encoding " + node.path("encoding"));
    }
    if (!"little".equals(node.path("byte_order").asText("little"))) {
      throw new IOException("only little-endian arrays are supported");
    }
    byte[] bytes = Base64.getDecoder().decode(node.get("data").asText());
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    String dtype = node.get("dtype").asText();
    double[] out;
    switch (dtype) {
      case "float64" -> {
        out = new double[bytes.length / 8];
        for (int i = 0; i < out.length; i++) {
          out[i] = buf.getDouble();
        }
      }
      case "float32" -> {
        out = new double[bytes.length / 4];
        for (int i = 0; i < out.length; i++) {
          out[i] = buf.getFloat();
        }
      }
      case "uint8" -> {
        out = new double[bytes.length];
        for (int i = 0; i < out.length; i++) {
          out[i] = buf.get() & 0xFF;
        }
      }
      default -> throw new IOException("unknown dtype " + dtype);
    }
    long expected = 1;
    for (int s : ints(node.get("shape"))) {
      expected *= s;
    }
    if (expected != out.length) {
      throw new IOException(
          "encoded array holds " + out.length + " values, shape says " + expected);
    }
    if (node.has("scale") && !node.get("scale").isNull()) {
      double scale = node.get("scale").asDouble();
      for (int i = 0; i < out.length; i++) {
        out[i] *= scale;
      }
    }
    return out;
  }
}
