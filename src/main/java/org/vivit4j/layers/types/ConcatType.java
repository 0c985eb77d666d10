package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.ConcatLayer;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.ConcatSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code concat} (a graph node): {@code dim} (optional, PyTorch's {@code torch.cat} axis counting
 * the batch axis; only 1, the channels).
 */
final class ConcatType extends LayerType<ConcatSpec> {
  ConcatType() {
    super(ConcatSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("concat");
  }

  @Override
  public ConcatSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(node, path, "a concat node", "type", "dim");
    JsonNode v = JsonFields.optional(node, "dim");
    if (v != null) {
      int dim = JsonFields.intValue(v, at(path, "dim"));
      if (dim != 1) {
        throw new UnsupportedFeatureException(
            at(path, "dim"), "concat along dim " + dim + " (only 1, the channels)");
      }
    }
    return new ConcatSpec();
  }

  @Override
  public void writeFields(JsonGenerator g, ConcatSpec spec, ArrayWriter arrays) throws IOException {
    g.writeNumberField("dim", 1);
  }

  @Override
  public Layer create(ConcatSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new ConcatLayer(net.inputSizesOf(index));
  }
}
