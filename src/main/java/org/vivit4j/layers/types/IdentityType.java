package org.vivit4j.layers.types;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.IdentityLayer;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.IdentitySpec;
import org.vivit4j.model.NetworkSpec;

/** {@code identity}: no keys besides {@code type}. */
final class IdentityType extends LayerType<IdentitySpec> {
  IdentityType() {
    super(IdentitySpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("identity");
  }

  @Override
  public IdentitySpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(node, path, "an identity layer", "type");
    return new IdentitySpec();
  }

  @Override
  public void writeFields(JsonGenerator g, IdentitySpec spec, ArrayWriter arrays)
      throws IOException {
    // no fields
  }

  @Override
  public Layer create(IdentitySpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new IdentityLayer(net.sizeBefore(index), "Identity");
  }
}
