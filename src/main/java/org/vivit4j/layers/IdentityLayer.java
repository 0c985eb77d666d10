package org.vivit4j.layers;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * The identity {@code z = a}: PyTorch's {@code nn.Identity}, and {@code nn.Dropout} in evaluation
 * mode (curvature is measured at evaluation, where dropout passes its input through unchanged).
 * Jacobian {@code I}, so {@code B_in = B_out} and {@code δ_in = δ_out}: no device work, no kernel.
 */
public final class IdentityLayer extends Layer {
  /** PyTorch's {@code nn.Identity}: {@code z = a}. */
  public record IdentitySpec() implements LayerSpec {
    @Override
    public String type() {
      return "identity";
    }

    /** Element-wise: the output has the input's shape. */
    @Override
    public int[] outputShape(int[] in, String where) {
      return in.clone();
    }
  }

  /** The problem-file type of {@link IdentitySpec}. */
  public static final LayerType<IdentitySpec> TYPE = new IdentityType();

  /** {@code identity}: no keys besides {@code type}. */
  private static final class IdentityType extends LayerType<IdentitySpec> {
    IdentityType() {
      super(IdentitySpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("identity");
    }

    @Override
    public IdentitySpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "an identity layer", "type");
      return new IdentitySpec();
    }

    @Override
    public void writeFields(JsonGenerator g, IdentitySpec spec, ArrayWriter arrays)
        throws IOException {
      // no fields
    }

    @Override
    public Layer create(IdentitySpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new IdentityLayer(net.sizeBefore(index), "Identity");
    }
  }

  private final String label;

  /**
   * @param label how {@link #toString()} names the layer, e.g. {@code "Dropout(p=0.5, eval)"}
   */
  public IdentityLayer(int size, String label) {
    super(size, size);
    this.label = label;
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
    return label + "(" + inSize + ")";
  }
}
