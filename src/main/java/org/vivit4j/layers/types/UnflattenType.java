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
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnflattenSpec;

/**
 * {@code unflatten}: {@code dim} and {@code unflattened_size} (an int list, each ≥ 1), both
 * required as in {@code nn.Unflatten}; on the fast path the identity (same values, same order).
 */
final class UnflattenType extends LayerType<UnflattenSpec> {
  UnflattenType() {
    super(UnflattenSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("unflatten");
  }

  @Override
  public UnflattenSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(node, path, "an unflatten layer", "type", "dim", "unflattened_size");
    int dim = JsonFields.requiredInt(node, path, "dim");
    String sp = at(path, "unflattened_size");
    int[] size = JsonFields.intList(JsonFields.required(node, path, "unflattened_size"), sp);
    if (size.length == 0) {
      throw new InvalidInputException(sp, "must not be empty");
    }
    for (int d = 0; d < size.length; d++) {
      JsonFields.atLeast(size[d], 1, at(sp, d));
    }
    return new UnflattenSpec(dim, size);
  }

  @Override
  public void writeFields(JsonGenerator g, UnflattenSpec spec, ArrayWriter arrays)
      throws IOException {
    g.writeNumberField("dim", spec.dim());
    g.writeFieldName("unflattened_size");
    g.writeArray(spec.unflattenedSize(), 0, spec.unflattenedSize().length);
  }

  @Override
  public Layer create(UnflattenSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new IdentityLayer(net.sizeBefore(index), "Unflatten");
  }
}
