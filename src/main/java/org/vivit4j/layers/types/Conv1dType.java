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
import org.vivit4j.model.Conv1dSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code conv1d} with PyTorch's {@code nn.Conv1d} keys and defaults: {@code kernel_size}
 * (required), {@code stride} (1), {@code padding} (0, or {@code "valid"} / {@code "same"}), {@code
 * dilation} (1), each an int or a one-element list; {@code groups} only 1, {@code padding_mode}
 * only {@code "zeros"}. On the fast path the Conv2d layer over a {@code [C, 1, L]} view ({@link
 * Conv1dSpec#as2d}), with its fused Gram contractions.
 */
final class Conv1dType extends LayerType<Conv1dSpec> {
  Conv1dType() {
    super(Conv1dSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("conv1d");
  }

  @Override
  public Conv1dSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "a conv1d layer",
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
    int kernel =
        Pool1dType.single(
            JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    int stride = singleOr(node, path, "stride", 1, 1);
    int dilation = singleOr(node, path, "dilation", 1, 1);
    JsonNode padNode = JsonFields.optional(node, "padding");
    int padding =
        padNode != null && padNode.isTextual()
            ? Conv2dType.namedPadding(
                padNode.textValue(),
                new int[] {1, kernel},
                new int[] {1, stride},
                new int[] {1, dilation},
                path)[1]
            : singleOr(node, path, "padding", 0, 0);
    Conv2dType.refuseGroupsAndPaddingMode(node, path, "conv1d");
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"),
            at(path, "weight"),
            new int[] {cout, cin, kernel},
            "[out_channels, in_channels, kernel_size]");
    double[] bias = JsonArrays.optional(node, path, "bias", new int[] {cout}, "[out_channels]");
    return new Conv1dSpec(cin, cout, kernel, stride, padding, dilation, weight, bias);
  }

  /** The int (or one-element list) at {@code key}, {@code ≥ min}; {@code dflt} when absent. */
  private static int singleOr(JsonNode node, String path, String key, int dflt, int min) {
    JsonNode v = JsonFields.optional(node, key);
    return v == null ? dflt : Pool1dType.single(v, at(path, key), min);
  }

  @Override
  public void writeFields(JsonGenerator g, Conv1dSpec spec, ArrayWriter arrays) throws IOException {
    g.writeNumberField("in_channels", spec.inChannels());
    g.writeNumberField("out_channels", spec.outChannels());
    g.writeNumberField("kernel_size", spec.kernelSize());
    g.writeNumberField("stride", spec.stride());
    g.writeNumberField("padding", spec.padding());
    g.writeNumberField("dilation", spec.dilation());
    g.writeNumberField("groups", 1);
    g.writeFieldName("weight");
    arrays.write(
        g, spec.weight(), new int[] {spec.outChannels(), spec.inChannels(), spec.kernelSize()});
    LinearType.writeBias(g, spec.bias(), arrays);
  }

  @Override
  public Layer create(Conv1dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    int[] in = net.shapeBefore(index);
    return new Conv2dLayer(
        "model[" + index + "] (conv1d)", spec.as2d(), new int[] {in[0], 1, in[1]}, convGram);
  }
}
