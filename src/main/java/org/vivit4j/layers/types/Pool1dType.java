package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.AvgPool2dLayer;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.MaxPool2dLayer;
import org.vivit4j.model.AvgPool2dSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.MaxPool2dSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Pool1dSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code maxpool1d}, {@code avgpool1d}: {@code kernel_size} (required), {@code stride} (default:
 * the kernel size, also when {@code null}), {@code padding} (0), {@code dilation} (maxpool1d, 1),
 * each an int or a one-element list; {@code ceil_mode} only false, {@code return_indices}
 * (maxpool1d) only false, {@code count_include_pad} (avgpool1d) only true. On the fast path the 2-d
 * pooling layers over a {@code [C, 1, L]} view.
 */
final class Pool1dType extends LayerType<Pool1dSpec> {
  Pool1dType() {
    super(Pool1dSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("maxpool1d", "avgpool1d");
  }

  @Override
  public Pool1dSpec read(JsonNode node, String path, String name) {
    boolean max = name.equals("maxpool1d");
    String what = "a " + name + " layer";
    if (max) {
      JsonFields.onlyKeys(
          node,
          path,
          what,
          "type",
          "kernel_size",
          "stride",
          "padding",
          "dilation",
          "ceil_mode",
          "return_indices");
      JsonFields.onlyFalse(node, path, "return_indices", "maxpool1d with return_indices = true");
    } else {
      JsonFields.onlyKeys(
          node,
          path,
          what,
          "type",
          "kernel_size",
          "stride",
          "padding",
          "ceil_mode",
          "count_include_pad");
      JsonNode include = JsonFields.optional(node, "count_include_pad");
      if (include != null && !JsonFields.bool(include, at(path, "count_include_pad"))) {
        throw new UnsupportedFeatureException(
            at(path, "count_include_pad"), "avgpool1d with count_include_pad = false");
      }
    }
    JsonFields.onlyFalse(node, path, "ceil_mode", name + " with ceil_mode = true");
    int kernel = single(JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    JsonNode s = JsonFields.optional(node, "stride");
    int stride = s == null || s.isNull() ? kernel : single(s, at(path, "stride"), 1);
    JsonNode p = JsonFields.optional(node, "padding");
    int padding = p == null ? 0 : single(p, at(path, "padding"), 0);
    JsonNode d = max ? JsonFields.optional(node, "dilation") : null;
    int dilation = d == null ? 1 : single(d, at(path, "dilation"), 1);
    Pool1dSpec spec = new Pool1dSpec(max, kernel, stride, padding, dilation);
    spec.checkHyperParameters(path);
    return spec;
  }

  /** An int, or PyTorch's one-element tuple as a list, {@code ≥ min}. */
  static int single(JsonNode v, String path, int min) {
    if (v.isArray()) {
      if (v.size() != 1) {
        throw new InvalidInputException(path, "has " + v.size() + " values; expected an int");
      }
      return JsonFields.atLeast(JsonFields.intValue(v.get(0), at(path, 0)), min, at(path, 0));
    }
    return JsonFields.atLeast(JsonFields.intValue(v, path), min, path);
  }

  @Override
  public void writeFields(JsonGenerator g, Pool1dSpec spec, ArrayWriter arrays) throws IOException {
    g.writeNumberField("kernel_size", spec.kernel());
    g.writeNumberField("stride", spec.stride());
    g.writeNumberField("padding", spec.padding());
    if (spec.max()) {
      g.writeNumberField("dilation", spec.dilation());
    }
  }

  @Override
  public Layer create(Pool1dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    int[] in = net.shapeBefore(index);
    int[] view = {in[0], 1, in[1]};
    return spec.max()
        ? new MaxPool2dLayer((MaxPool2dSpec) spec.as2d(), view)
        : new AvgPool2dLayer((AvgPool2dSpec) spec.as2d(), view);
  }
}
