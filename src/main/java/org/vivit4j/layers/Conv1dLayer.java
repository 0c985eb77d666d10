package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerParam;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code conv1d} (PyTorch's {@code nn.Conv1d}): its spec and problem-file type. Its fast path is
 * {@link Conv2dLayer} on the {@code [C, 1, L]} view of its input.
 */
public final class Conv1dLayer {
  /**
   * PyTorch's {@code nn.Conv1d(in_channels, out_channels, kernel_size, stride, padding, dilation,
   * groups=1, bias)} on {@code [C, L]} samples (cross-correlation, zero padding): {@code z[o, j] =
   * b[o] + Σ_{c, a} W[o, c, a] · x[c, j·s − p + a·d]}, output {@code [O, ⌊(L + 2p − d(k − 1) −
   * 1)/s⌋ + 1]}. It is the Conv2d of a {@code [C, 1, L]} view with kernel {@code [1, k]}, stride
   * {@code [1, s]}, padding {@code [0, p]} and dilation {@code [1, d]} ({@link #as2d}), whose
   * weight {@code [O, C, 1, k]} has the same values in the same order.
   *
   * @param weight {@code [O, C, k]} row-major
   * @param bias {@code [O]} or {@code null}
   */
  public record Conv1dSpec(
      int inChannels,
      int outChannels,
      int kernelSize,
      int stride,
      int padding,
      int dilation,
      double[] weight,
      double[] bias)
      implements LayerSpec {

    @Override
    public String type() {
      return "conv1d";
    }

    /** The Conv2d over the {@code [C, 1, L]} view, sharing the weight and bias arrays. */
    public Conv2dSpec as2d() {
      return new Conv2dSpec(
          inChannels,
          outChannels,
          new int[] {1, kernelSize},
          new int[] {1, stride},
          new int[] {0, padding},
          new int[] {1, dilation},
          weight,
          bias);
    }

    /** {@code [C, L] → [O, L_out]}. */
    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 2 || in[0] != inChannels) {
        throw new InvalidInputException(
            where + ".in_channels",
            "is "
                + inChannels
                + " but the layer receives input of shape "
                + Arrays.toString(in)
                + " (expected [C, L])");
      }
      int[] out = as2d().outputShape(new int[] {in[0], 1, in[1]}, where);
      return new int[] {out[0], out[2]};
    }

    @Override
    public List<LayerParam> params() {
      LayerParam w =
          new LayerParam("weight", new int[] {outChannels, inChannels, kernelSize}, weight);
      return bias == null
          ? List.of(w)
          : List.of(w, new LayerParam("bias", new int[] {outChannels}, bias));
    }

    /**
     * Channels, kernel size, stride and dilation ≥ 1, padding ≥ 0, a weight of {@code O·C·k} and a
     * bias of {@code O} values.
     */
    @Override
    public void checkHyperParameters(String where) {
      positive(inChannels, where + ".in_channels");
      positive(outChannels, where + ".out_channels");
      positive(kernelSize, where + ".kernel_size");
      positive(stride, where + ".stride");
      positive(dilation, where + ".dilation");
      if (padding < 0) {
        throw new InvalidInputException(where + ".padding", "is " + padding + "; must be >= 0");
      }
      long numel = ArraySizes.product(outChannels, inChannels, kernelSize);
      if (weight == null || weight.length != numel) {
        throw new InvalidInputException(
            where + ".weight",
            "must hold out_channels·in_channels·kernel_size = " + numel + " values");
      }
      if (bias != null && bias.length != outChannels) {
        throw new InvalidInputException(
            where + ".bias",
            "has " + bias.length + " values; expected out_channels = " + outChannels);
      }
    }

    static void positive(int value, String field) {
      if (value < 1) {
        throw new InvalidInputException(field, "is " + value + "; must be >= 1");
      }
    }
  }

  /** The problem-file type of {@link Conv1dSpec}. */
  public static final LayerType<Conv1dSpec> TYPE = new Conv1dType();

  /**
   * {@code conv1d} with PyTorch's {@code nn.Conv1d} keys and defaults: {@code kernel_size}
   * (required), {@code stride} (1), {@code padding} (0, or {@code "valid"} / {@code "same"}),
   * {@code dilation} (1), each an int or a one-element list; {@code groups} only 1, {@code
   * padding_mode} only {@code "zeros"}. On the fast path the Conv2d layer over a {@code [C, 1, L]}
   * view ({@link Conv1dSpec#as2d}), with its fused Gram contractions.
   */
  private static final class Conv1dType extends LayerType<Conv1dSpec> {
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
          TypeFields.single(
              JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
      int stride = TypeFields.singleOr(node, path, "stride", 1, 1);
      int dilation = TypeFields.singleOr(node, path, "dilation", 1, 1);
      JsonNode padNode = JsonFields.optional(node, "padding");
      int padding =
          padNode != null && padNode.isTextual()
              ? TypeFields.namedPadding(
                  padNode.textValue(),
                  new int[] {1, kernel},
                  new int[] {1, stride},
                  new int[] {1, dilation},
                  path)[1]
              : TypeFields.singleOr(node, path, "padding", 0, 0);
      TypeFields.refuseGroupsAndPaddingMode(node, path, "conv1d");
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
    @Override
    public void writeFields(JsonGenerator g, Conv1dSpec spec, ArrayWriter arrays)
        throws IOException {
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
      TypeFields.writeBias(g, spec.bias(), arrays);
    }

    @Override
    public Layer create(Conv1dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      int[] in = net.shapeBefore(index);
      return new Conv2dLayer(
          "model[" + index + "] (conv1d)", spec.as2d(), new int[] {in[0], 1, in[1]}, convGram);
    }
  }

  private Conv1dLayer() {}
}
