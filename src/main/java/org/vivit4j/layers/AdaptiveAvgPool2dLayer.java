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
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code adaptiveavgpool2d} (PyTorch's {@code nn.AdaptiveAvgPool2d}): its spec and problem-file
 * type. PyTorch averages output cell {@code i} of an axis of input size {@code H} and output size
 * {@code O} over the window {@code [⌊iH/O⌋, ⌈(i+1)H/O⌉)}; when {@code O} divides {@code H} these
 * windows are those of an AvgPool2d with kernel and stride {@code H/O} and no padding, which is its
 * fast path ({@link AvgPool2dLayer}). Windows of unequal sizes (O not dividing H) are refused, as
 * BackPACK refuses them; {@code output_size (1, 1)}, the global average pool of ResNets, always
 * divides.
 */
public final class AdaptiveAvgPool2dLayer {
  /**
   * PyTorch's {@code nn.AdaptiveAvgPool2d(output_size)} on {@code [C, H, W]} samples.
   *
   * @param outputSize {@code [O_h, O_w]}; an entry 0 keeps that axis's input size (PyTorch's {@code
   *     None})
   */
  public record AdaptiveAvgPool2dSpec(int[] outputSize) implements LayerSpec {
    @Override
    public String type() {
      return "adaptiveavgpool2d";
    }

    /** {@code [C, H, W] → [C, O_h, O_w]}; each {@code O} must divide its input size. */
    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 3) {
        throw new InvalidInputException(
            where + ".type",
            "a pooling layer needs input of shape [C, H, W], got " + Arrays.toString(in));
      }
      int[] out = {in[0], 0, 0};
      for (int d = 0; d < 2; d++) {
        int o = outputSize[d] == 0 ? in[1 + d] : outputSize[d];
        if (in[1 + d] % o != 0) {
          throw new UnsupportedFeatureException(
              where + ".output_size",
              "adaptiveavgpool2d with output size "
                  + o
                  + " not dividing the input size "
                  + in[1 + d]
                  + " (windows of unequal sizes; BackPACK refuses them too)");
        }
        out[1 + d] = o;
      }
      return out;
    }

    @Override
    public void checkHyperParameters(String where) {
      if (outputSize == null || outputSize.length != 2 || outputSize[0] < 0 || outputSize[1] < 0) {
        throw new InvalidInputException(
            where + ".output_size",
            "is "
                + Arrays.toString(outputSize)
                + " but must be two sizes ≥ 1 (0 keeps the input's)");
      }
    }

    /** The AvgPool2d with the same windows on an input of per-sample shape {@code in}. */
    public AvgPool2dSpec asAvgPool(int[] in) {
      int[] out = outputShape(in, "adaptiveavgpool2d");
      int[] k = {in[1] / out[1], in[2] / out[2]};
      return new AvgPool2dSpec(k, k.clone(), new int[] {0, 0});
    }
  }

  /** The problem-file type of {@link AdaptiveAvgPool2dSpec}. */
  public static final LayerType<AdaptiveAvgPool2dSpec> TYPE = new AdaptiveAvgPool2dType();

  /** {@code adaptiveavgpool2d}: {@code output_size}, an int or {@code [h, w]} (null keeps). */
  private static final class AdaptiveAvgPool2dType extends LayerType<AdaptiveAvgPool2dSpec> {
    AdaptiveAvgPool2dType() {
      super(AdaptiveAvgPool2dSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("adaptiveavgpool2d");
    }

    @Override
    public AdaptiveAvgPool2dSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "an adaptiveavgpool2d layer", "type", "output_size");
      JsonNode v = JsonFields.required(node, path, "output_size");
      String field = at(path, "output_size");
      int[] size = new int[2];
      if (v.isArray()) {
        if (v.size() != 2) {
          throw new InvalidInputException(
              field, "has " + v.size() + " entries; expected an int or an [h, w] pair");
        }
        for (int d = 0; d < 2; d++) {
          size[d] = v.get(d).isNull() ? 0 : oneSize(v.get(d), at(field, d));
        }
      } else {
        size[0] = size[1] = oneSize(v, field);
      }
      return new AdaptiveAvgPool2dSpec(size);
    }

    private static int oneSize(JsonNode v, String field) {
      return JsonFields.atLeast(JsonFields.intValue(v, field), 1, field);
    }

    @Override
    public void writeFields(JsonGenerator g, AdaptiveAvgPool2dSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeArrayFieldStart("output_size");
      for (int o : spec.outputSize()) {
        if (o == 0) {
          g.writeNull();
        } else {
          g.writeNumber(o);
        }
      }
      g.writeEndArray();
    }

    @Override
    public Layer create(
        AdaptiveAvgPool2dSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      int[] in = net.shapeBefore(index);
      return new AvgPool2dLayer(spec.asAvgPool(in), in);
    }
  }

  private AdaptiveAvgPool2dLayer() {}
}
