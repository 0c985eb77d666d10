package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/** Flatten: a reshape, so every map is the identity on the sample-major flat layout. */
public final class FlattenLayer extends Layer {
  /** {@code [N, C, H, W] -> [N, C*H*W]} in row-major order; a no-op on flat inputs. */
  public record FlattenSpec(int startDim, int endDim) implements LayerSpec {
    @Override
    public String type() {
      return "flatten";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      return new int[] {Arrays.stream(in).reduce(1, (a, b) -> a * b)};
    }
  }

  /** The problem-file type of {@link FlattenSpec}. */
  public static final LayerType<FlattenSpec> TYPE = new FlattenType();

  /**
   * {@code flatten}: {@code start_dim} (only 1) and {@code end_dim} (only −1), PyTorch's defaults.
   */
  private static final class FlattenType extends LayerType<FlattenSpec> {
    FlattenType() {
      super(FlattenSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("flatten");
    }

    @Override
    public FlattenSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "a flatten layer", "type", "start_dim", "end_dim");
      // PyTorch's defaults for nn.Flatten are start_dim=1, end_dim=-1.
      int start = JsonFields.intOr(node, path, "start_dim", 1);
      int end = JsonFields.intOr(node, path, "end_dim", -1);
      if (start != 1) {
        throw new UnsupportedFeatureException(
            at(path, "start_dim"), "flatten with start_dim = " + start + " (only 1)");
      }
      if (end != -1) {
        throw new UnsupportedFeatureException(
            at(path, "end_dim"), "flatten with end_dim = " + end + " (only -1)");
      }
      return new FlattenSpec(start, end);
    }

    @Override
    public void writeFields(JsonGenerator g, FlattenSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("start_dim", spec.startDim());
      g.writeNumberField("end_dim", spec.endDim());
    }

    @Override
    public Layer create(FlattenSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new FlattenLayer(net.sizeBefore(index));
    }
  }

  public FlattenLayer(int size) {
    super(size, size);
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    return in.clone();
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return deltaOut.clone();
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    return ctx.factorOut();
  }

  @Override
  public String toString() {
    return "Flatten(" + inSize + ")";
  }
}
