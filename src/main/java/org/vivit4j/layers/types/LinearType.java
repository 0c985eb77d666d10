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
import org.vivit4j.layers.LinearLayer;
import org.vivit4j.model.LinearSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code linear}: {@code in}, {@code out}, {@code weight [out][in]}, optional {@code bias [out]}.
 */
final class LinearType extends LayerType<LinearSpec> {
  LinearType() {
    super(LinearSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("linear");
  }

  @Override
  public LinearSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(node, path, "a linear layer", "type", "in", "out", "weight", "bias");
    int in = JsonFields.atLeast(JsonFields.requiredInt(node, path, "in"), 1, at(path, "in"));
    int out = JsonFields.atLeast(JsonFields.requiredInt(node, path, "out"), 1, at(path, "out"));
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"),
            at(path, "weight"),
            new int[] {out, in},
            "[out, in]");
    return new LinearSpec(
        in, out, weight, JsonArrays.optional(node, path, "bias", new int[] {out}, "[out]"));
  }

  @Override
  public void writeFields(JsonGenerator g, LinearSpec spec, ArrayWriter arrays) throws IOException {
    g.writeNumberField("in", spec.in());
    g.writeNumberField("out", spec.out());
    g.writeFieldName("weight");
    arrays.write(g, spec.weight(), new int[] {spec.out(), spec.in()});
    writeBias(g, spec.bias(), arrays);
  }

  @Override
  public Layer create(LinearSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new LinearLayer(spec);
  }

  /** {@code "bias"}: the array, or {@code null} for a layer without one. */
  static void writeBias(JsonGenerator g, double[] bias, ArrayWriter arrays) throws IOException {
    g.writeFieldName("bias");
    if (bias == null) {
      g.writeNull();
    } else {
      arrays.write(g, bias, new int[] {bias.length});
    }
  }
}
