package org.vivit4j.layers;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code z = s·a}: Jacobian {@code s I}, so {@code B_in = s B_out} (one backend product per entry,
 * {@link JoinLayer#scaled}; {@code B_out} itself for {@code s = 1}) and {@code δ_in = s δ_out}.
 */
public final class ScaleLayer extends Layer {
  /**
   * Multiplication by a constant, {@code z = s·a} (BackPACK's {@code ScaleModule}, what {@code
   * torch.fx} records for {@code x * 0.5}): no parameters, the output has the input's shape.
   *
   * @param scale the finite factor {@code s}
   */
  public record ScaleSpec(double scale) implements LayerSpec {
    @Override
    public String type() {
      return "scale";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      return in.clone();
    }

    @Override
    public void checkHyperParameters(String where) {
      if (!Double.isFinite(scale)) {
        throw new InvalidInputException(where + ".scale", "is " + scale + "; it must be finite");
      }
    }
  }

  /** The problem-file type of {@link ScaleSpec}. */
  public static final LayerType<ScaleSpec> TYPE = new ScaleType();

  /** {@code scale}: {@code scale} (required, finite): {@code z = scale·a}. */
  private static final class ScaleType extends LayerType<ScaleSpec> {
    ScaleType() {
      super(ScaleSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("scale");
    }

    @Override
    public ScaleSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "a scale node", "type", "scale");
      return new ScaleSpec(
          JsonFields.finiteValue(JsonFields.required(node, path, "scale"), path + ".scale"));
    }

    @Override
    public void writeFields(JsonGenerator g, ScaleSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("scale", spec.scale());
    }

    @Override
    public Layer create(ScaleSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new ScaleLayer(spec.scale(), net.sizeBefore(index));
    }
  }

  private final double scale;

  public ScaleLayer(double scale, int size) {
    super(size, size);
    this.scale = scale;
  }

  @Override
  protected double[] forwardImpl(double[] in, int n) {
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = scale * in[i];
    }
    return out;
  }

  @Override
  protected double[] backpropGradientImpl(double[] in, double[] deltaOut, int n) {
    return forwardImpl(deltaOut, n);
  }

  @Override
  protected DeviceMatrix jacTImpl(LayerContext ctx) {
    DeviceMatrix b = ctx.factorOut();
    return scale == 1.0 ? b : JoinLayer.scaled(ctx.backend(), b, scale);
  }

  @Override
  public String toString() {
    return "Scale(" + scale + ", " + inSize + ")";
  }
}
