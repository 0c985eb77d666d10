package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.LayerNormLayer;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerNormSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code layernorm}: {@code normalized_shape} (an int or a list), {@code eps} (default 1e-5,
 * positive), {@code elementwise_affine} (default true) with {@code weight} (required) and {@code
 * bias} (optional, PyTorch's {@code bias=False} when absent), both shaped {@code normalized_shape}.
 */
final class LayerNormType extends LayerType<LayerNormSpec> {
  LayerNormType() {
    super(LayerNormSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("layernorm");
  }

  @Override
  public LayerNormSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "a layernorm layer",
        "type",
        "normalized_shape",
        "eps",
        "elementwise_affine",
        "weight",
        "bias");
    String sp = at(path, "normalized_shape");
    JsonNode shapeNode = JsonFields.required(node, path, "normalized_shape");
    int[] shape =
        shapeNode.isArray()
            ? JsonFields.intList(shapeNode, sp)
            : new int[] {JsonFields.intValue(shapeNode, sp)};
    if (shape.length == 0) {
      throw new InvalidInputException(sp, "must not be empty");
    }
    for (int d = 0; d < shape.length; d++) {
      JsonFields.atLeast(shape[d], 1, shapeNode.isArray() ? at(sp, d) : sp);
    }
    JsonNode epsNode = JsonFields.optional(node, "eps");
    double eps = epsNode == null ? 1e-5 : JsonFields.finiteValue(epsNode, at(path, "eps"));
    if (!(eps > 0)) {
      throw new InvalidInputException(
          at(path, "eps"), "is " + eps + " but must be > 0 (a constant input has variance 0)");
    }
    JsonNode affineNode = JsonFields.optional(node, "elementwise_affine");
    if (affineNode != null && !affineNode.isBoolean()) {
      throw new InvalidInputException(
          at(path, "elementwise_affine"),
          "must be a boolean, got " + JsonFields.describe(affineNode));
    }
    boolean affine = affineNode == null || affineNode.booleanValue();
    String what = JsonFields.shape(shape) + " (normalized_shape)";
    if (!affine) {
      for (String key : new String[] {"weight", "bias"}) {
        if (JsonFields.optional(node, key) != null) {
          throw new InvalidInputException(
              at(path, key), "must be absent when elementwise_affine is false");
        }
      }
      return new LayerNormSpec(shape, eps, null, null);
    }
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"), at(path, "weight"), shape, what);
    return new LayerNormSpec(
        shape, eps, weight, JsonArrays.optional(node, path, "bias", shape, what));
  }

  @Override
  public void writeFields(JsonGenerator g, LayerNormSpec spec, ArrayWriter arrays)
      throws IOException {
    g.writeFieldName("normalized_shape");
    g.writeArray(spec.normalizedShape(), 0, spec.normalizedShape().length);
    g.writeNumberField("eps", spec.eps());
    g.writeBooleanField("elementwise_affine", spec.weight() != null);
    if (spec.weight() != null) {
      g.writeFieldName("weight");
      arrays.write(g, spec.weight(), spec.normalizedShape());
      g.writeFieldName("bias");
      if (spec.bias() == null) {
        g.writeNull();
      } else {
        arrays.write(g, spec.bias(), spec.normalizedShape());
      }
    }
  }

  @Override
  public Layer create(LayerNormSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new LayerNormLayer(spec, net.sizeBefore(index));
  }
}
