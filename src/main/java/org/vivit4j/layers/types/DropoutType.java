package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.IdentityLayer;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.DropoutSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;

/** {@code dropout}: {@code p} in [0, 1] (default 0.5); the identity at evaluation. */
final class DropoutType extends LayerType<DropoutSpec> {
  DropoutType() {
    super(DropoutSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("dropout");
  }

  @Override
  public DropoutSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(node, path, "a dropout layer", "type", "p");
    JsonNode v = JsonFields.optional(node, "p");
    double p = v == null ? 0.5 : JsonFields.finiteValue(v, at(path, "p"));
    if (p < 0 || p > 1) {
      throw new InvalidInputException(at(path, "p"), "is " + p + " but must lie in [0, 1]");
    }
    return new DropoutSpec(p);
  }

  @Override
  public void writeFields(JsonGenerator g, DropoutSpec spec, ArrayWriter arrays)
      throws IOException {
    g.writeNumberField("p", spec.p());
  }

  @Override
  public Layer create(DropoutSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new IdentityLayer(net.sizeBefore(index), "Dropout(p=" + spec.p() + ", eval)");
  }
}
