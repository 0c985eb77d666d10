package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.UnsupportedFeatureException;

/** Problem-file field helpers shared by several layer types. */
public final class TypeFields {
  private TypeFields() {}

  /** {@code "bias"}: the array, or {@code null} for a layer without one. */
  public static void writeBias(JsonGenerator g, double[] bias, ArrayWriter arrays)
      throws IOException {
    g.writeFieldName("bias");
    if (bias == null) {
      g.writeNull();
    } else {
      arrays.write(g, bias, new int[] {bias.length});
    }
  }

  /**
   * PyTorch's string paddings of {@code Conv2d}: {@code "valid"} is 0; {@code "same"} (stride 1
   * only) pads {@code d(k − 1)/2} on each side, which is symmetric only when {@code d(k − 1)} is
   * even; PyTorch pads the odd case asymmetrically, which vivit4j does not compute.
   */
  public static int[] namedPadding(
      String name, int[] kernel, int[] stride, int[] dilation, String path) {
    String field = at(path, "padding");
    if ("valid".equals(name)) {
      return new int[] {0, 0};
    }
    if (!"same".equals(name)) {
      throw new InvalidInputException(
          field, "is '" + name + "'; expected an int, an [h, w] pair, 'same' or 'valid'");
    }
    if (stride[0] != 1 || stride[1] != 1) {
      throw new InvalidInputException(field, "'same' needs stride 1 (PyTorch's rule)");
    }
    int[] p = new int[2];
    for (int d = 0; d < 2; d++) {
      int total = dilation[d] * (kernel[d] - 1);
      if (total % 2 != 0) {
        throw new UnsupportedFeatureException(
            field,
            "padding 'same' with an odd total padding d·(k − 1) = "
                + total
                + " (PyTorch pads it asymmetrically)");
      }
      p[d] = total / 2;
    }
    return p;
  }

  /**
   * PyTorch's {@code groups} (only 1) and {@code padding_mode} (only {@code "zeros"}) of a
   * convolution layer {@code type}: other values are unsupported, naming the field.
   */
  public static void refuseGroupsAndPaddingMode(JsonNode node, String path, String type) {
    int groups = JsonFields.intOr(node, path, "groups", 1);
    if (groups != 1) {
      JsonFields.atLeast(groups, 1, at(path, "groups"));
      throw new UnsupportedFeatureException(
          at(path, "groups"), type + " with groups = " + groups + " (only 1)");
    }
    JsonNode mode = JsonFields.optional(node, "padding_mode");
    if (mode != null && !"zeros".equals(JsonFields.stringValue(mode, at(path, "padding_mode")))) {
      throw new UnsupportedFeatureException(
          at(path, "padding_mode"), "padding_mode '" + mode.textValue() + "' (only 'zeros')");
    }
  }

  /** PyTorch's pooling stride defaults to the kernel size (absent or {@code null}). */
  public static int[] strideOr(JsonNode node, String path, int[] kernel) {
    JsonNode v = JsonFields.optional(node, "stride");
    return v == null ? kernel.clone() : poolPair(v, at(path, "stride"), 1);
  }

  /**
   * A 2-d pool's size: an int, an {@code [h, w]} pair, or a one-element list {@code [k]} meaning
   * {@code [k, k]}, each {@code ≥ min}. PyTorch's {@code max_pool2d}/{@code avg_pool2d} take "a
   * single int, or a tuple of two ints" and accept a list of one ({@code nn.MaxPool2d([3])} is
   * {@code nn.MaxPool2d(3)}); its 2-d convolutions do not, so they keep {@link JsonFields#pair}.
   */
  public static int[] poolPair(JsonNode v, String path, int min) {
    if (v.isArray() && v.size() == 1) {
      int k = JsonFields.atLeast(JsonFields.intValue(v.get(0), at(path, 0)), min, at(path, 0));
      return new int[] {k, k};
    }
    return JsonFields.pair(v, path, min);
  }

  /** {@link #poolPair} at {@code key}, or {@code [dflt, dflt]} when absent or {@code null}. */
  public static int[] poolPairOr(JsonNode node, String path, String key, int dflt, int min) {
    JsonNode v = JsonFields.optional(node, key);
    return v == null ? new int[] {dflt, dflt} : poolPair(v, at(path, key), min);
  }

  /** An int, or PyTorch's one-element tuple as a list, {@code ≥ min}. */
  public static int single(JsonNode v, String path, int min) {
    if (v.isArray()) {
      if (v.size() != 1) {
        throw new InvalidInputException(path, "has " + v.size() + " values; expected an int");
      }
      return JsonFields.atLeast(JsonFields.intValue(v.get(0), at(path, 0)), min, at(path, 0));
    }
    return JsonFields.atLeast(JsonFields.intValue(v, path), min, path);
  }

  /** The optional one-int field {@code key} ({@link #single}), or {@code dflt} when absent. */
  public static int singleOr(JsonNode node, String path, String key, int dflt, int min) {
    JsonNode v = JsonFields.optional(node, key);
    return v == null ? dflt : single(v, at(path, key), min);
  }

  /**
   * PyTorch's {@code inplace} flag of activations and dropout, as a module dump writes it:
   * optional, a boolean when present, either value accepted (it does not change the function).
   */
  public static void inplace(JsonNode node, String path) {
    JsonNode v = JsonFields.optional(node, "inplace");
    if (v != null) {
      JsonFields.bool(v, at(path, "inplace"));
    }
  }
}
