package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.Conv2dLayer;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.Conv2dSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code conv2d} with PyTorch's {@code nn.Conv2d} keys and defaults (groups = 1, zero padding;
 * {@code "same"}/{@code "valid"} paddings).
 */
final class Conv2dType extends LayerType<Conv2dSpec> {
  Conv2dType() {
    super(Conv2dSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("conv2d");
  }

  @Override
  public Conv2dSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "a conv2d layer",
        "type",
        "in_channels",
        "out_channels",
        "kernel_size",
        "stride",
        "padding",
        "dilation",
        "groups",
        "padding_mode",
        "weight",
        "bias");
    int cin = JsonFields.requiredInt(node, path, "in_channels");
    JsonFields.atLeast(cin, 1, at(path, "in_channels"));
    int cout = JsonFields.requiredInt(node, path, "out_channels");
    JsonFields.atLeast(cout, 1, at(path, "out_channels"));
    int[] kernel =
        JsonFields.pair(JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    // Absent hyper-parameters take PyTorch's nn.Conv2d defaults.
    int[] stride = JsonFields.pairOr(node, path, "stride", 1, 1);
    int[] dilation = JsonFields.pairOr(node, path, "dilation", 1, 1);
    JsonNode padNode = JsonFields.optional(node, "padding");
    int[] padding =
        padNode != null && padNode.isTextual()
            ? namedPadding(padNode.textValue(), kernel, stride, dilation, path)
            : JsonFields.pairOr(node, path, "padding", 0, 0);
    Conv2dType.refuseGroupsAndPaddingMode(node, path, "conv2d");
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"),
            at(path, "weight"),
            new int[] {cout, cin, kernel[0], kernel[1]},
            "[out_channels, in_channels, kh, kw]");
    double[] bias = JsonArrays.optional(node, path, "bias", new int[] {cout}, "[out_channels]");
    return new Conv2dSpec(cin, cout, kernel, stride, padding, dilation, weight, bias);
  }

  @Override
  public void writeFields(JsonGenerator g, Conv2dSpec spec, ArrayWriter arrays) throws IOException {
    g.writeNumberField("in_channels", spec.inChannels());
    g.writeNumberField("out_channels", spec.outChannels());
    JsonFields.writePair(g, "kernel_size", spec.kernelSize());
    JsonFields.writePair(g, "stride", spec.stride());
    JsonFields.writePair(g, "padding", spec.padding());
    JsonFields.writePair(g, "dilation", spec.dilation());
    g.writeNumberField("groups", 1);
    g.writeFieldName("weight");
    int[] shape = {
      spec.outChannels(), spec.inChannels(), spec.kernelSize()[0], spec.kernelSize()[1]
    };
    arrays.write(g, spec.weight(), shape);
    LinearType.writeBias(g, spec.bias(), arrays);
  }

  @Override
  public Layer create(Conv2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new Conv2dLayer(net.where(index), spec, net.shapeBefore(index), convGram);
  }

  /**
   * PyTorch's string paddings of {@code Conv2d}: {@code "valid"} is 0; {@code "same"} (stride 1
   * only) pads {@code d(k − 1)/2} on each side, which is symmetric only when {@code d(k − 1)} is
   * even; PyTorch pads the odd case asymmetrically, which vivit4j does not compute.
   */
  static int[] namedPadding(String name, int[] kernel, int[] stride, int[] dilation, String path) {
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
  static void refuseGroupsAndPaddingMode(JsonNode node, String path, String type) {
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
}
