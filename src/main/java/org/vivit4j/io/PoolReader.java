package org.vivit4j.io;

import static org.vivit4j.io.JsonFields.at;

import com.fasterxml.jackson.databind.JsonNode;
import org.vivit4j.model.AvgPool2dSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.MaxPool2dSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * Reads {@code maxpool2d} and {@code avgpool2d} layers with PyTorch's names and defaults: {@code
 * kernel_size} (required), {@code stride} (default: the kernel size, also when {@code null}),
 * {@code padding} (0), {@code dilation} (1, max pooling only), each an int or an {@code [h, w]}
 * pair. Options PyTorch has but vivit4j does not compute ({@code ceil_mode = true}, {@code
 * return_indices = true}, {@code count_include_pad = false}, a {@code divisor_override}) are errors
 * naming the field.
 */
final class PoolReader {
  private PoolReader() {}

  static MaxPool2dSpec readMaxPool(JsonNode node, String path) {
    JsonFields.onlyKeys(
        node,
        path,
        "a maxpool2d layer",
        "type",
        "kernel_size",
        "stride",
        "padding",
        "dilation",
        "ceil_mode",
        "return_indices");
    int[] kernel =
        ModelReader.pair(
            JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    int[] stride = strideOr(node, path, kernel);
    int[] padding = ModelReader.pairOr(node, path, "padding", 0, 0);
    int[] dilation = ModelReader.pairOr(node, path, "dilation", 1, 1);
    onlyFalse(node, path, "ceil_mode", "maxpool2d with ceil_mode = true");
    onlyFalse(node, path, "return_indices", "maxpool2d with return_indices = true");
    return new MaxPool2dSpec(kernel, stride, padding, dilation);
  }

  static AvgPool2dSpec readAvgPool(JsonNode node, String path) {
    JsonFields.onlyKeys(
        node,
        path,
        "an avgpool2d layer",
        "type",
        "kernel_size",
        "stride",
        "padding",
        "ceil_mode",
        "count_include_pad",
        "divisor_override");
    int[] kernel =
        ModelReader.pair(
            JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    int[] stride = strideOr(node, path, kernel);
    int[] padding = ModelReader.pairOr(node, path, "padding", 0, 0);
    onlyFalse(node, path, "ceil_mode", "avgpool2d with ceil_mode = true");
    JsonNode include = JsonFields.optional(node, "count_include_pad");
    if (include != null && !bool(include, at(path, "count_include_pad"))) {
      throw new UnsupportedFeatureException(
          at(path, "count_include_pad"), "avgpool2d with count_include_pad = false");
    }
    JsonNode divisor = JsonFields.optional(node, "divisor_override");
    if (divisor != null) {
      JsonFields.intValue(divisor, at(path, "divisor_override"));
      throw new UnsupportedFeatureException(
          at(path, "divisor_override"), "avgpool2d with a divisor_override");
    }
    return new AvgPool2dSpec(kernel, stride, padding);
  }

  /**
   * PyTorch's string paddings of {@code Conv2d}: {@code "valid"} is 0; {@code "same"} (stride 1
   * only) pads {@code d(k − 1)/2} on each side, which is symmetric only when {@code d(k − 1)} is
   * even; PyTorch pads the odd case asymmetrically, which vivit4j does not compute.
   */
  static int[] namedConvPadding(
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

  /** PyTorch's pooling stride defaults to the kernel size (absent or {@code null}). */
  private static int[] strideOr(JsonNode node, String path, int[] kernel) {
    JsonNode v = JsonFields.optional(node, "stride");
    return v == null ? kernel.clone() : ModelReader.pair(v, at(path, "stride"), 1);
  }

  private static void onlyFalse(JsonNode node, String path, String key, String what) {
    JsonNode v = JsonFields.optional(node, key);
    if (v != null && bool(v, at(path, key))) {
      throw new UnsupportedFeatureException(at(path, key), what);
    }
  }

  private static boolean bool(JsonNode v, String path) {
    if (!v.isBoolean()) {
      throw new InvalidInputException(path, "must be true or false, got " + v);
    }
    return v.booleanValue();
  }
}
