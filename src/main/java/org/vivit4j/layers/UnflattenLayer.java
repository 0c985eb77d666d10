package org.vivit4j.layers;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code unflatten} (PyTorch's {@code nn.Unflatten}): its spec and problem-file type. Samples are
 * stored flat, so its fast path is an {@link IdentityLayer}.
 */
public final class UnflattenLayer {
  /**
   * PyTorch's {@code nn.Unflatten(dim, unflattened_size)} on a flat sample: {@code [N, D] → [N] +
   * unflattened_size} with {@code prod(unflattened_size) = D}, row-major, so the values and their
   * order are unchanged (the Jacobian is the identity). Only {@code dim = 1} (or {@code −1}, the
   * same axis of a flat sample).
   *
   * @param dim PyTorch's dimension, counting the batch dimension
   * @param unflattenedSize the per-sample shape after the layer
   */
  public record UnflattenSpec(int dim, int[] unflattenedSize) implements LayerSpec {
    @Override
    public String type() {
      return "unflatten";
    }

    @Override
    public int[] outputShape(int[] in, String where) {
      if (in.length != 1 || (dim != 1 && dim != -1)) {
        throw new UnsupportedFeatureException(
            where + ".dim",
            "unflatten with dim = "
                + dim
                + " of a sample "
                + Arrays.toString(in)
                + " (only 1 of [D])");
      }
      long numel = ArraySizes.product(unflattenedSize);
      if (numel != in[0]) {
        throw new InvalidInputException(
            where + ".unflattened_size",
            "is "
                + Arrays.toString(unflattenedSize)
                + " ("
                + numel
                + " values) but the layer receives "
                + in[0]);
      }
      return unflattenedSize.clone();
    }
  }

  /** The problem-file type of {@link UnflattenSpec}. */
  public static final LayerType<UnflattenSpec> TYPE = new UnflattenType();

  /**
   * {@code unflatten}: {@code dim} and {@code unflattened_size} (an int list, each ≥ 1), both
   * required as in {@code nn.Unflatten}; on the fast path the identity (same values, same order).
   */
  private static final class UnflattenType extends LayerType<UnflattenSpec> {
    UnflattenType() {
      super(UnflattenSpec.class);
    }

    @Override
    public List<String> names() {
      return List.of("unflatten");
    }

    @Override
    public UnflattenSpec read(JsonNode node, String path, String name) {
      JsonFields.onlyKeys(node, path, "an unflatten layer", "type", "dim", "unflattened_size");
      int dim = JsonFields.requiredInt(node, path, "dim");
      String sp = at(path, "unflattened_size");
      int[] size = JsonFields.intList(JsonFields.required(node, path, "unflattened_size"), sp);
      if (size.length == 0) {
        throw new InvalidInputException(sp, "must not be empty");
      }
      for (int d = 0; d < size.length; d++) {
        JsonFields.atLeast(size[d], 1, at(sp, d));
      }
      return new UnflattenSpec(dim, size);
    }

    @Override
    public void writeFields(JsonGenerator g, UnflattenSpec spec, ArrayWriter arrays)
        throws IOException {
      g.writeNumberField("dim", spec.dim());
      g.writeFieldName("unflattened_size");
      g.writeArray(spec.unflattenedSize(), 0, spec.unflattenedSize().length);
    }

    @Override
    public Layer create(UnflattenSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
      return new IdentityLayer(net.sizeBefore(index), "Unflatten");
    }
  }

  private UnflattenLayer() {}
}
