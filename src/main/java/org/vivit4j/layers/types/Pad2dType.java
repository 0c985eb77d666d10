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
import org.vivit4j.layers.Pad2dLayer;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Pad2dSpec;

/**
 * {@code zeropad2d} ({@code nn.ZeroPad2d(padding)}) and {@code constantpad2d} ({@code
 * nn.ConstantPad2d(padding, value)}, {@code value} required): {@code padding} is an int (all four
 * sides) or PyTorch's {@code [left, right, top, bottom]}.
 */
final class Pad2dType extends LayerType<Pad2dSpec> {
  Pad2dType() {
    super(Pad2dSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("zeropad2d", "constantpad2d");
  }

  @Override
  public Pad2dSpec read(JsonNode node, String path, String name) {
    boolean constant = name.equals("constantpad2d");
    String what = "a " + name + " layer";
    if (constant) {
      JsonFields.onlyKeys(node, path, what, "type", "padding", "value");
    } else {
      JsonFields.onlyKeys(node, path, what, "type", "padding");
    }
    String pp = at(path, "padding");
    JsonNode p = JsonFields.required(node, path, "padding");
    int[] padding;
    if (p.isArray()) {
      padding = JsonFields.intList(p, pp);
      if (padding.length != 4) {
        throw new InvalidInputException(
            pp, "has " + padding.length + " values; expected an int or [left, right, top, bottom]");
      }
    } else {
      int all = JsonFields.intValue(p, pp);
      padding = new int[] {all, all, all, all};
    }
    double value =
        constant
            ? JsonFields.finiteValue(JsonFields.required(node, path, "value"), at(path, "value"))
            : 0.0;
    Pad2dSpec spec = new Pad2dSpec(padding, value, constant);
    spec.checkHyperParameters(path);
    return spec;
  }

  @Override
  public void writeFields(JsonGenerator g, Pad2dSpec spec, ArrayWriter arrays) throws IOException {
    g.writeFieldName("padding");
    g.writeArray(spec.padding(), 0, 4);
    if (spec.constant()) {
      g.writeNumberField("value", spec.value());
    }
  }

  @Override
  public Layer create(Pad2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new Pad2dLayer(spec, net.shapeBefore(index));
  }
}
