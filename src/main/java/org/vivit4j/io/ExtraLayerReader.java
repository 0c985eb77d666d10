package org.vivit4j.io;

import static org.vivit4j.io.JsonFields.at;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.vivit4j.model.Activation;
import org.vivit4j.model.ActivationSpec;
import org.vivit4j.model.DropoutSpec;
import org.vivit4j.model.IdentitySpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerNormSpec;

/**
 * Reads the layers without weights of their own shape or with per-feature parameters: activations
 * (with PyTorch's hyper-parameter names), identity, dropout and layernorm. Keys and defaults follow
 * PyTorch's modules; unknown keys are errors.
 */
final class ExtraLayerReader {
  private ExtraLayerReader() {}

  /** Identity: no keys besides {@code type}. */
  static IdentitySpec readIdentity(JsonNode node, String path) {
    JsonFields.onlyKeys(node, path, "an identity layer", "type");
    return new IdentitySpec();
  }

  /**
   * An activation with its hyper-parameter as {@link Activation#param()} names it (leaky_relu's
   * {@code negative_slope}, elu's {@code alpha}: PyTorch's): a finite number, or one of the named
   * choices; absent means PyTorch's default.
   */
  static ActivationSpec readActivation(JsonNode node, String path, Activation activation) {
    String key = activation.paramName();
    String what = "a " + activation.typeName() + " layer";
    if (key == null) {
      JsonFields.onlyKeys(node, path, what, "type");
      return new ActivationSpec(activation);
    }
    JsonFields.onlyKeys(node, path, what, "type", key);
    JsonNode v = JsonFields.optional(node, key);
    if (v == null) {
      return new ActivationSpec(activation);
    }
    List<String> choices = activation.param().choices();
    if (choices.isEmpty()) {
      return new ActivationSpec(activation, JsonFields.finiteValue(v, at(path, key)));
    }
    String choice = JsonFields.stringValue(v, at(path, key));
    if (!choices.contains(choice)) {
      throw new InvalidInputException(
          at(path, key), "is '" + choice + "'; expected one of " + String.join(", ", choices));
    }
    return new ActivationSpec(activation, choices.indexOf(choice));
  }

  /** Dropout: {@code p} in [0, 1] (default 0.5); the identity at evaluation. */
  static DropoutSpec readDropout(JsonNode node, String path) {
    JsonFields.onlyKeys(node, path, "a dropout layer", "type", "p");
    JsonNode v = JsonFields.optional(node, "p");
    double p = v == null ? 0.5 : JsonFields.finiteValue(v, at(path, "p"));
    if (p < 0 || p > 1) {
      throw new InvalidInputException(at(path, "p"), "is " + p + " but must lie in [0, 1]");
    }
    return new DropoutSpec(p);
  }

  /**
   * LayerNorm: {@code normalized_shape} (an int or a list), {@code eps} (default 1e-5, positive),
   * {@code elementwise_affine} (default true) with {@code weight} (required) and {@code bias}
   * (optional, PyTorch's {@code bias=False} when absent), both shaped {@code normalized_shape}.
   */
  static LayerNormSpec readLayerNorm(JsonNode node, String path) {
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
    return new LayerNormSpec(shape, eps, weight, ModelReader.readBias(node, path, shape, what));
  }
}
