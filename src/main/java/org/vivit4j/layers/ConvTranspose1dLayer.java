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
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerParam;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code convtranspose1d} (PyTorch's {@code nn.ConvTranspose1d}): its spec and problem-file type.
 * Its fast path is {@link ConvTranspose2dLayer} on the {@code [C, 1, L]} views of its input and
 * output.
 */
public final class ConvTranspose1dLayer {
  /**
   * PyTorch's {@code nn.ConvTranspose1d(in_channels, out_channels, kernel_size, stride, padding,
   * output_padding, groups=1, bias, dilation)} on {@code [C_in, L]} samples: {@code z[o, i·s − p +
   * a·d] += W[c, o, a] · x[c, i]} over every input position and tap whose target lies in the
   * output, plus {@code b[o]}; output {@code [C_out, (L − 1)·s − 2p + d(k − 1) + op + 1]}. It is
   * the ConvTranspose2d of a {@code [C_in, 1, L]} view with kernel {@code [1, k]}, stride {@code
   * [1, s]}, padding {@code [0, p]}, output padding {@code [0, op]} and dilation {@code [1, d]}
   * ({@link #as2d}), whose weight {@code [C_in, C_out, 1, k]} has the same values in the same
   * order; exact while {@code op < stride} (PyTorch also accepts {@code stride ≤ op < dilation},
   * which vivit4j does not compute).
   *
   * @param weight {@code [C_in, C_out, k]} row-major (PyTorch's layout)
   * @param bias {@code [C_out]} or {@code null}
   */
  public record ConvTranspose1dSpec(
      int inChannels,
      int outChannels,
      int kernelSize,
      int stride,
      int padding,
      int outputPadding,
      int dilation,
      double[] weight,
      double[] bias)
      implements LayerSpec {

    @Override
    public String type() {
      return "convtranspose1d";
    }

    /**
     * The ConvTranspose2d over the {@code [C_in, 1, L]} view, sharing the weight and bias arrays.
     */
    public ConvTranspose2dSpec as2d() {
      return new ConvTranspose2dSpec(
          inChannels,
          outChannels,
          new int[] {1, kernelSize},
          new int[] {1, stride},
          new int[] {0, padding},
          new int[] {0, outputPadding},
          new int[] {1, dilation},
          weight,
          bias);
    }

    /** {@code [C_in, L] → [C_out, L_out]}, sizes in {@code long}. */
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
      checkHyperParameters(where); // errors name the 1-D fields, before the 2-D form's
      int[] out = as2d().outputShape(new int[] {in[0], 1, in[1]}, where);
      return new int[] {out[0], out[2]};
    }

    @Override
    public List<LayerParam> params() {
      LayerParam w =
          new LayerParam("weight", new int[] {inChannels, outChannels, kernelSize}, weight);
      return bias == null
          ? List.of(w)
          : List.of(w, new LayerParam("bias", new int[] {outChannels}, bias));
    }

    /**
     * Channels, kernel size, stride and dilation ≥ 1, padding ≥ 0, output padding in {@code [0,
     * stride)} (PyTorch's bound is {@code max(stride, dilation)}: between the two an {@link
     * UnsupportedFeatureException}), a weight of {@code C_in·C_out·k} and a bias of {@code C_out}
     * values.
     */
    @Override
    public void checkHyperParameters(String where) {
      Conv1dSpec.positive(inChannels, where + ".in_channels");
      Conv1dSpec.positive(outChannels, where + ".out_channels");
      Conv1dSpec.positive(kernelSize, where + ".kernel_size");
      Conv1dSpec.positive(stride, where + ".stride");
      Conv1dSpec.positive(dilation, where + ".dilation");
      if (padding < 0) {
        throw new InvalidInputException(where + ".padding", "is " + padding + "; must be >= 0");
      }
      int bound = Math.max(stride, dilation);
      if (outputPadding < 0 || outputPadding >= bound) {
        throw new InvalidInputException(
            where + ".output_padding",
            "is "
                + outputPadding
                + "; must lie in [0, max(stride, dilation)) = [0, "
                + bound
                + ") (PyTorch's rule)");
      }
      if (outputPadding >= stride) {
        throw new UnsupportedFeatureException(
            where + ".output_padding",
            "convtranspose1d with output_padding "
                + outputPadding
                + " >= stride "
                + stride
                + " (PyTorch allows it below the dilation)");
      }
      long numel = ArraySizes.product(inChannels, outChannels, kernelSize);
      if (weight == null || weight.length != numel) {
        throw new InvalidInputException(
            where + ".weight",
            "must hold in_channels·out_channels·kernel_size = " + numel + " values");
      }
      if (bias != null && bias.length != outChannels) {
        throw new InvalidInputException(
            where + ".bias",
            "has " + bias.length + " values; expected out_channels = " + outChannels);
      }
    }
  }

  /** The problem-file type of {@link ConvTranspose1dSpec}. */
  public static final LayerType<ConvTranspose1dSpec> TYPE = new ConvTranspose1dType();

  /**
   * {@code convtranspose1d} with PyTorch's {@code nn.ConvTranspose1d} keys and defaults: {@code
   * kernel_size} (required), {@code stride} (1), {@code padding} (0), {@code output_padding} (0),
   * {@code dilation} (1), each an int or a one-element list; {@code groups} only 1, {@code
   * padding_mode} only {@code "zeros"}; weight {@code [in_channels][out_channels][kernel_size]}. On
   * the fast path the ConvTranspose2d layer over a {@code [C, 1, L]} view ({@link
   * ConvTranspose1dSpec#as2d}).
   */
  private static final class ConvTranspose1dType extends LayerType<ConvTranspose1dSpec> {
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
          TypeFields.single(
              JsonFields.required(node, path, "kernel_size"), at(path, "kernel_size"), 1);
      int stride = TypeFields.singleOr(node, path, "stride", 1, 1);
      int padding = TypeFields.singleOr(node, path, "padding", 0, 0);
      int outputPadding = TypeFields.singleOr(node, path, "output_padding", 0, 0);
      int dilation = TypeFields.singleOr(node, path, "dilation", 1, 1);
      TypeFields.refuseGroupsAndPaddingMode(node, path, "convtranspose1d");
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
      TypeFields.writeBias(g, spec.bias(), arrays);
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

  private ConvTranspose1dLayer() {}
}
