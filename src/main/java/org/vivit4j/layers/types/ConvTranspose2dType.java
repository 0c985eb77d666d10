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
import org.vivit4j.model.ConvTranspose2dSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code convtranspose2d} with PyTorch's {@code nn.ConvTranspose2d} keys and defaults: {@code
 * kernel_size} (required), {@code stride} (1), {@code padding} (0), {@code output_padding} (0),
 * {@code dilation} (1), each an int or an {@code [h, w]} pair; {@code groups} only 1, {@code
 * padding_mode} only {@code "zeros"}; weight {@code [in_channels][out_channels][kh][kw]}.
 */
final class ConvTranspose2dType extends LayerType<ConvTranspose2dSpec> {
  ConvTranspose2dType() {
    super(ConvTranspose2dSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("convtranspose2d");
  }

  @Override
  public ConvTranspose2dSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "a convtranspose2d layer",
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
    int[] kernel =
        JsonFields.pair(JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
    int[] stride = JsonFields.pairOr(node, path, "stride", 1, 1);
    int[] padding = JsonFields.pairOr(node, path, "padding", 0, 0);
    int[] outputPadding = JsonFields.pairOr(node, path, "output_padding", 0, 0);
    int[] dilation = JsonFields.pairOr(node, path, "dilation", 1, 1);
    Conv2dType.refuseGroupsAndPaddingMode(node, path, "convtranspose2d");
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"),
            at(path, "weight"),
            new int[] {cin, cout, kernel[0], kernel[1]},
            "[in_channels, out_channels, kh, kw]");
    double[] bias = JsonArrays.optional(node, path, "bias", new int[] {cout}, "[out_channels]");
    ConvTranspose2dSpec spec =
        new ConvTranspose2dSpec(
            cin, cout, kernel, stride, padding, outputPadding, dilation, weight, bias);
    spec.checkHyperParameters(path);
    return spec;
  }

  @Override
  public void writeFields(JsonGenerator g, ConvTranspose2dSpec spec, ArrayWriter arrays)
      throws IOException {
    g.writeNumberField("in_channels", spec.inChannels());
    g.writeNumberField("out_channels", spec.outChannels());
    JsonFields.writePair(g, "kernel_size", spec.kernelSize());
    JsonFields.writePair(g, "stride", spec.stride());
    JsonFields.writePair(g, "padding", spec.padding());
    JsonFields.writePair(g, "output_padding", spec.outputPadding());
    JsonFields.writePair(g, "dilation", spec.dilation());
    g.writeNumberField("groups", 1);
    g.writeFieldName("weight");
    int[] shape = {
      spec.inChannels(), spec.outChannels(), spec.kernelSize()[0], spec.kernelSize()[1]
    };
    arrays.write(g, spec.weight(), shape);
    LinearType.writeBias(g, spec.bias(), arrays);
  }

  @Override
  public Layer create(
      ConvTranspose2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new ConvTranspose2dLayer(spec, net.shapeBefore(index), net.shapeAfter(index));
  }
}
