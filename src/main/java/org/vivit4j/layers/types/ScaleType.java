package org.vivit4j.layers.types;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.ScaleLayer;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ScaleSpec;

/** {@code scale}: {@code scale} (required, finite): {@code z = scale·a}. */
final class ScaleType extends LayerType<ScaleSpec> {
  ScaleType() {
    super(ScaleSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("scale");
  }

  @Override
  public ScaleSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(node, path, "a scale node", "type", "scale");
    return new ScaleSpec(
        JsonFields.finiteValue(JsonFields.required(node, path, "scale"), path + ".scale"));
  }

  @Override
  public void writeFields(JsonGenerator g, ScaleSpec spec, ArrayWriter arrays) throws IOException {
    g.writeNumberField("scale", spec.scale());
  }

  @Override
  public Layer create(ScaleSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new ScaleLayer(spec.scale(), net.sizeBefore(index));
  }
}
