package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.AvgPool2dLayer;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.AvgPool2dSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code avgpool2d}: {@code kernel_size}, {@code stride}, {@code padding} as max pooling; {@code
 * ceil_mode} only false, {@code count_include_pad} only true, no {@code divisor_override}.
 */
final class AvgPool2dType extends LayerType<AvgPool2dSpec> {
  AvgPool2dType() {
    super(AvgPool2dSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("avgpool2d");
  }

  @Override
  public AvgPool2dSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "an avgpool2d layer",
        "type",
        "kernel_size",
        "stride",
        "padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override");
    int[] kernel =
        JsonFields.pair(JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    int[] stride = MaxPool2dType.strideOr(node, path, kernel);
    int[] padding = JsonFields.pairOr(node, path, "padding", 0, 0);
    JsonFields.onlyFalse(node, path, "ceil_mode", "avgpool2d with ceil_mode = true");
    JsonNode include = JsonFields.optional(node, "count_include_pad");
    if (include != null && !JsonFields.bool(include, at(path, "count_include_pad"))) {
      throw new UnsupportedFeatureException(
          at(path, "count_include_pad"), "avgpool2d with count_include_pad = false");
    }
    JsonNode divisor = JsonFields.optional(node, "divisor_override");
    if (divisor != null) {
      JsonFields.intValue(divisor, at(path, "divisor_override"));
      throw new UnsupportedFeatureException(
          at(path, "divisor_override"), "avgpool2d with a divisor_override");
    }
    return new AvgPool2dSpec(kernel, stride, padding);
  }

  @Override
  public void writeFields(JsonGenerator g, AvgPool2dSpec spec, ArrayWriter arrays)
      throws IOException {
    JsonFields.writePair(g, "kernel_size", spec.kernelSize());
    JsonFields.writePair(g, "stride", spec.stride());
    JsonFields.writePair(g, "padding", spec.padding());
  }

  @Override
  public Layer create(AvgPool2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new AvgPool2dLayer(spec, net.shapeBefore(index));
  }
}
