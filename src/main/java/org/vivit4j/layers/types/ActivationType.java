package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.ActivationLayer;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.Activation;
import org.vivit4j.model.ActivationSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * The element-wise activations of {@link Activation}, one name each, with the hyper-parameter as
 * {@link Activation#param()} names it (PyTorch's): a finite number, or one of the named choices;
 * absent means PyTorch's default.
 */
final class ActivationType extends LayerType<ActivationSpec> {
  ActivationType() {
    super(ActivationSpec.class);
  }

  @Override
  public List<String> names() {
    return names(Activation.values());
  }

  @Override
  public ActivationSpec read(JsonNode node, String path, String name) {
    Activation activation = Activation.fromTypeName(name);
    String key = activation.paramName();
    String what = "a " + activation.typeName() + " layer";
    List<String> keys = new ArrayList<>(List.of("type"));
    if (key != null) {
      keys.add(key);
    }
    for (Activation.Param fixed : activation.fixedParams()) {
      keys.add(fixed.name());
    }
    JsonFields.onlyKeys(node, path, what, keys.toArray(new String[0]));
    readFixedParams(node, path, activation);
    if (key == null) {
      return new ActivationSpec(activation);
    }
    JsonNode v = JsonFields.optional(node, key);
    if (v == null) {
      return new ActivationSpec(activation);
    }
    List<String> choices = activation.param().choices();
    if (choices.isEmpty()) {
      ActivationSpec spec =
          new ActivationSpec(activation, JsonFields.finiteValue(v, at(path, key)));
      spec.checkHyperParameters(path); // a range of its own (softplus: beta > 0)
      return spec;
    }
    String choice = JsonFields.stringValue(v, at(path, key));
    if (!choices.contains(choice)) {
      throw new InvalidInputException(
          at(path, key), "is '" + choice + "'; expected one of " + String.join(", ", choices));
    }
    return new ActivationSpec(activation, choices.indexOf(choice));
  }

  /**
   * A hyper-parameter computed only at PyTorch's default: absent or that value, else an {@link
   * UnsupportedFeatureException} naming it.
   */
  private static void readFixedParams(JsonNode node, String path, Activation activation) {
    for (Activation.Param fixed : activation.fixedParams()) {
      JsonNode v = JsonFields.optional(node, fixed.name());
      if (v == null) {
        continue;
      }
      double value = JsonFields.finiteValue(v, at(path, fixed.name()));
      if (value != fixed.defaultValue()) {
        throw new UnsupportedFeatureException(
            at(path, fixed.name()),
            activation.typeName()
                + " with "
                + fixed.name()
                + " = "
                + value
                + " (only PyTorch's default "
                + fixed.defaultValue()
                + ")");
      }
    }
  }

  @Override
  public void writeFields(JsonGenerator g, ActivationSpec spec, ArrayWriter arrays)
      throws IOException {
    Activation a = spec.activation();
    if (a.paramName() != null) {
      if (a.param().choices().isEmpty()) {
        g.writeNumberField(a.paramName(), spec.param());
      } else {
        g.writeStringField(a.paramName(), a.paramText(spec.param()));
      }
    }
  }

  @Override
  public Layer create(ActivationSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new ActivationLayer(spec.activation(), spec.param(), net.sizeBefore(index));
  }

  private static List<String> names(Activation[] activations) {
    List<String> out = new ArrayList<>();
    for (Activation a : activations) {
      out.add(a.typeName());
    }
    return List.copyOf(out);
  }
}
