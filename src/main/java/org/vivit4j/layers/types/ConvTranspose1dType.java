package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.ConvTranspose2dLayer;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.ConvTranspose1dSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code convtranspose1d} with PyTorch's {@code nn.ConvTranspose1d} keys and defaults: {@code
 * kernel_size} (required), {@code stride} (1), {@code padding} (0), {@code output_padding} (0),
 * {@code dilation} (1), each an int or a one-element list; {@code groups} only 1, {@code
 * padding_mode} only {@code "zeros"}; weight {@code [in_channels][out_channels][kernel_size]}. On
 * the fast path the ConvTranspose2d layer over a {@code [C, 1, L]} view ({@link
 * ConvTranspose1dSpec#as2d}).
 */
final class ConvTranspose1dType extends LayerType<ConvTranspose1dSpec> {
  ConvTranspose1dType() {
    super(ConvTranspose1dSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("convtranspose1d");
  }

  @Override
  public ConvTranspose1dSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "a convtranspose1d layer",
        "type",
        "in_channels",
        "out_channels",
        "kernel_size",
        "stride",
        "padding",
        "output_padding",
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
    int padding = singleOr(node, path, "padding", 0, 0);
    int outputPadding = singleOr(node, path, "output_padding", 0, 0);
    int dilation = singleOr(node, path, "dilation", 1, 1);
    Conv2dType.refuseGroupsAndPaddingMode(node, path, "convtranspose1d");
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"),
            at(path, "weight"),
            new int[] {cin, cout, kernel},
            "[in_channels, out_channels, kernel_size]");
    double[] bias = JsonArrays.optional(node, path, "bias", new int[] {cout}, "[out_channels]");
    ConvTranspose1dSpec spec =
        new ConvTranspose1dSpec(
            cin, cout, kernel, stride, padding, outputPadding, dilation, weight, bias);
    spec.checkHyperParameters(path);
    return spec;
  }

  /** The int (or one-element list) at {@code key}, {@code ≥ min}; {@code dflt} when absent. */
  private static int singleOr(JsonNode node, String path, String key, int dflt, int min) {
    JsonNode v = JsonFields.optional(node, key);
    return v == null ? dflt : Pool1dType.single(v, at(path, key), min);
  }

  @Override
  public void writeFields(JsonGenerator g, ConvTranspose1dSpec spec, ArrayWriter arrays)
      throws IOException {
    g.writeNumberField("in_channels", spec.inChannels());
    g.writeNumberField("out_channels", spec.outChannels());
    g.writeNumberField("kernel_size", spec.kernelSize());
    g.writeNumberField("stride", spec.stride());
    g.writeNumberField("padding", spec.padding());
    g.writeNumberField("output_padding", spec.outputPadding());
    g.writeNumberField("dilation", spec.dilation());
    g.writeNumberField("groups", 1);
    g.writeFieldName("weight");
    arrays.write(
        g, spec.weight(), new int[] {spec.inChannels(), spec.outChannels(), spec.kernelSize()});
    LinearType.writeBias(g, spec.bias(), arrays);
  }

  @Override
  public Layer create(
      ConvTranspose1dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    int[] in = net.shapeBefore(index);
    int[] out = net.shapeAfter(index);
    return new ConvTranspose2dLayer(
        spec.as2d(), new int[] {in[0], 1, in[1]}, new int[] {out[0], 1, out[1]});
  }
}
