package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.AddLayer;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.AddSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code add} (a graph node): {@code scales} (optional: one finite number per input, default 1).
 */
final class AddType extends LayerType<AddSpec> {
  AddType() {
    super(AddSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("add");
  }

  @Override
  public AddSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(node, path, "an add node", "type", "scales");
    JsonNode v = JsonFields.optional(node, "scales");
    if (v == null) {
      return AddSpec.plain();
    }
    JsonFields.list(v, at(path, "scales"));
    double[] scales = new double[v.size()];
    for (int j = 0; j < scales.length; j++) {
      scales[j] = JsonFields.finiteValue(v.get(j), at(at(path, "scales"), j));
    }
    return new AddSpec(scales);
  }

  @Override
  public void writeFields(JsonGenerator g, AddSpec spec, ArrayWriter arrays) throws IOException {
    double[] scales = spec.scales();
    if (scales != null) {
      g.writeArrayFieldStart("scales");
      for (double s : scales) {
        g.writeNumber(s);
      }
      g.writeEndArray();
    }
  }

  @Override
  public Layer create(AddSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new AddLayer(spec.scalesFor(net.inputsOf(index).length), net.sizeAfter(index));
  }
}
