package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.TypeFields;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code dropout} (PyTorch's {@code nn.Dropout}): its spec and problem-file type. At evaluation it
 * is the identity, so its fast path is an {@link IdentityLayer}.
 */
public final class DropoutLayer {
  /**
   * PyTorch's {@code nn.Dropout(p)}. Curvature is measured in evaluation mode, where dropout is the
   * identity {@code z = a}; {@code p} only documents the training-time layer.
   *
   * @param p the drop probability, in {@code [0, 1]}
   */
  public record DropoutSpec(double p) implements LayerSpec {
    @Override
    public String type() {
      return "dropout";
    }

    /** Element-wise: the output has the input's shape. */
    @Override
    public int[] outputShape(int[] in, String where) {
      return in.clone();
    }

    @Override
    public void checkHyperParameters(String where) {
      if (!(p >= 0 && p <= 1)) {
        throw new InvalidInputException(where + ".p", "is " + p + " but must lie in [0, 1]");
      }
    }
  }

  /** The problem-file type of {@link DropoutSpec}. */
  public static final LayerType<DropoutSpec> TYPE = new DropoutType();

  /** {@code dropout}: {@code p} in [0, 1] (default 0.5); the identity at evaluation. */
  private static final class DropoutType extends LayerType<DropoutSpec> {
    DropoutType() {
      super(DropoutSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("dropout");
    }

    @Override
    public DropoutSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "a dropout layer", "type", "p", "inplace");
      TypeFields.inplace(node, path);
      JsonNode v = JsonFields.optional(node, "p");
      double p = v == null ? 0.5 : JsonFields.finiteValue(v, at(path, "p"));
      if (p < 0 || p > 1) {
        throw new InvalidInputException(at(path, "p"), "is " + p + " but must lie in [0, 1]");
      }
      return new DropoutSpec(p);
    }

    @Override
    public void writeFields(JsonGenerator g, DropoutSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("p", spec.p());
    }

    @Override
    public Layer create(DropoutSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new IdentityLayer(net.sizeBefore(index), "Dropout(p=" + spec.p() + ", eval)");
    }
  }

  private DropoutLayer() {}
}
