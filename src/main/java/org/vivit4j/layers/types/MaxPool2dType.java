package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.MaxPool2dLayer;
import org.vivit4j.model.MaxPool2dSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code maxpool2d}: {@code kernel_size} (required), {@code stride} (default: the kernel size, also
 * when {@code null}), {@code padding} (0), {@code dilation} (1), each an int or an {@code [h, w]}
 * pair; {@code ceil_mode} and {@code return_indices} only false.
 */
final class MaxPool2dType extends LayerType<MaxPool2dSpec> {
  MaxPool2dType() {
    super(MaxPool2dSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("maxpool2d");
  }

  @Override
  public MaxPool2dSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "a maxpool2d layer",
        "type",
        "kernel_size",
        "stride",
        "padding",
        "dilation",
        "ceil_mode",
        "return_indices");
    int[] kernel =
        JsonFields.pair(JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    int[] stride = strideOr(node, path, kernel);
    int[] padding = JsonFields.pairOr(node, path, "padding", 0, 0);
    int[] dilation = JsonFields.pairOr(node, path, "dilation", 1, 1);
    JsonFields.onlyFalse(node, path, "ceil_mode", "maxpool2d with ceil_mode = true");
    JsonFields.onlyFalse(node, path, "return_indices", "maxpool2d with return_indices = true");
    return new MaxPool2dSpec(kernel, stride, padding, dilation);
  }

  @Override
  public void writeFields(JsonGenerator g, MaxPool2dSpec spec, ArrayWriter arrays)
      throws IOException {
    JsonFields.writePair(g, "kernel_size", spec.kernelSize());
    JsonFields.writePair(g, "stride", spec.stride());
    JsonFields.writePair(g, "padding", spec.padding());
    JsonFields.writePair(g, "dilation", spec.dilation());
  }

  @Override
  public Layer create(MaxPool2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new MaxPool2dLayer(spec, net.shapeBefore(index));
  }

  /** PyTorch's pooling stride defaults to the kernel size (absent or {@code null}). */
  static int[] strideOr(JsonNode node, String path, int[] kernel) {
    JsonNode v = JsonFields.optional(node, "stride");
    return v == null ? kernel.clone() : JsonFields.pair(v, at(path, "stride"), 1);
  }
}
