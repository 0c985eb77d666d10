package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.AvgPool2dLayer.AvgPool2dSpec;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code adaptiveavgpool1d} (PyTorch's {@code nn.AdaptiveAvgPool1d}): its spec and problem-file
 * type. Output cell {@code i} of {@code L → O} averages the window {@code [⌊iL/O⌋, ⌈(i+1)L/O⌉)};
 * when {@code O} divides {@code L} these are the windows of an AvgPool with kernel and stride
 * {@code L/O}, so its fast path is {@link AvgPool2dLayer} on the {@code [C, 1, L]} view. Unequal
 * windows (O not dividing L) are refused, as for {@link AdaptiveAvgPool2dLayer}.
 */
public final class AdaptiveAvgPool1dLayer {
  /**
   * PyTorch's {@code nn.AdaptiveAvgPool1d(output_size)} on {@code [C, L]} samples.
   *
   * @param outputSize O ≥ 1
   */
  public record AdaptiveAvgPool1dSpec(int outputSize) implements LayerSpec {
    @Override
    public String type() {
      return "adaptiveavgpool1d";
    }

    /** {@code [C, L] → [C, O]}; O must divide L. */
    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 2) {
        throw new InvalidInputException(
            where + ".type",
            "adaptiveavgpool1d needs input of shape [C, L], got " + Arrays.toString(in));
      }
      checkHyperParameters(where);
      if (in[1] % outputSize != 0) {
        throw new UnsupportedFeatureException(
            where + ".output_size",
            "adaptiveavgpool1d with output size "
                + outputSize
                + " not dividing the input length "
                + in[1]
                + " (windows of unequal sizes; BackPACK refuses them too)");
      }
      return new int[] {in[0], outputSize};
    }

    @Override
    public void checkHyperParameters(String where) {
      if (outputSize < 1) {
        throw new InvalidInputException(
            where + ".output_size", "is " + outputSize + " but must be at least 1");
      }
    }

    /** The AvgPool2d over the {@code [C, 1, L]} view of an input of length {@code length}. */
    public AvgPool2dSpec asAvgPool(int length) {
      int k = length / outputSize;
      return new AvgPool2dSpec(new int[] {1, k}, new int[] {1, k}, new int[] {0, 0});
    }
  }

  /** The problem-file type of {@link AdaptiveAvgPool1dSpec}. */
  public static final LayerType<AdaptiveAvgPool1dSpec> TYPE = new AdaptiveAvgPool1dType();

  /** {@code adaptiveavgpool1d}: {@code output_size}, an int (or a one-int list). */
  private static final class AdaptiveAvgPool1dType extends LayerType<AdaptiveAvgPool1dSpec> {
    AdaptiveAvgPool1dType() {
      super(AdaptiveAvgPool1dSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("adaptiveavgpool1d");
    }

    @Override
    public AdaptiveAvgPool1dSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "an adaptiveavgpool1d layer", "type", "output_size");
      JsonNode v = JsonFields.required(node, path, "output_size");
      return new AdaptiveAvgPool1dSpec(TypeFields.single(v, at(path, "output_size"), 1));
    }

    @Override
    public void writeFields(JsonGenerator g, AdaptiveAvgPool1dSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("output_size", spec.outputSize());
    }

    @Override
    public Layer create(
        AdaptiveAvgPool1dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      int[] in = net.shapeBefore(index);
      return new AvgPool2dLayer(spec.asAvgPool(in[1]), new int[] {in[0], 1, in[1]});
    }
  }

  private AdaptiveAvgPool1dLayer() {}
}
