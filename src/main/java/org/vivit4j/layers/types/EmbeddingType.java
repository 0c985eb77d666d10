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
import org.vivit4j.layers.EmbeddingLayer;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.EmbeddingSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code embedding} with PyTorch's {@code nn.Embedding} keys: {@code num_embeddings}, {@code
 * embedding_dim} (required, ≥ 1), {@code weight} {@code [num_embeddings][embedding_dim]}; {@code
 * padding_idx} (optional int in {@code [−V, V)}, stored normalised as PyTorch does), {@code
 * max_norm} only absent or {@code null}, {@code scale_grad_by_freq} only false; {@code norm_type}
 * (ignored without {@code max_norm}) and {@code sparse} (the gradient's storage in PyTorch, not its
 * values) accepted.
 */
final class EmbeddingType extends LayerType<EmbeddingSpec> {
  EmbeddingType() {
    super(EmbeddingSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("embedding");
  }

  @Override
  public EmbeddingSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "an embedding layer",
        "type",
        "num_embeddings",
        "embedding_dim",
        "padding_idx",
        "max_norm",
        "norm_type",
        "scale_grad_by_freq",
        "sparse",
        "weight");
    int v =
        JsonFields.atLeast(
            JsonFields.requiredInt(node, path, "num_embeddings"), 1, at(path, "num_embeddings"));
    int d =
        JsonFields.atLeast(
            JsonFields.requiredInt(node, path, "embedding_dim"), 1, at(path, "embedding_dim"));
    Integer padding = null;
    JsonNode pad = JsonFields.optional(node, "padding_idx");
    if (pad != null) {
      padding = JsonFields.intValue(pad, at(path, "padding_idx"));
      EmbeddingSpec.checkPaddingIdx(padding, v, at(path, "padding_idx"));
      // PyTorch stores the normalised index (padding_idx + num_embeddings for a negative one)
      padding = padding < 0 ? padding + v : padding;
    }
    JsonNode maxNorm = JsonFields.optional(node, "max_norm");
    if (maxNorm != null) {
      throw new UnsupportedFeatureException(
          at(path, "max_norm"), "embedding with max_norm = " + JsonFields.describe(maxNorm));
    }
    JsonNode norm = JsonFields.optional(node, "norm_type");
    if (norm != null) {
      JsonFields.finiteValue(norm, at(path, "norm_type"));
    }
    JsonFields.onlyFalse(
        node, path, "scale_grad_by_freq", "embedding with scale_grad_by_freq = true");
    JsonNode sparse = JsonFields.optional(node, "sparse");
    if (sparse != null) {
      JsonFields.bool(sparse, at(path, "sparse"));
    }
    double[] weight =
        JsonArrays.readDoubles(
            JsonFields.required(node, path, "weight"),
            at(path, "weight"),
            new int[] {v, d},
            "[num_embeddings, embedding_dim]");
    return new EmbeddingSpec(v, d, weight, padding);
  }

  @Override
  public void writeFields(JsonGenerator g, EmbeddingSpec spec, ArrayWriter arrays)
      throws IOException {
    g.writeNumberField("num_embeddings", spec.numEmbeddings());
    g.writeNumberField("embedding_dim", spec.embeddingDim());
    if (spec.paddingIdx() != null) {
      g.writeNumberField("padding_idx", spec.paddingRow());
    }
    g.writeFieldName("weight");
    arrays.write(g, spec.weight(), new int[] {spec.numEmbeddings(), spec.embeddingDim()});
  }

  @Override
  public Layer create(EmbeddingSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new EmbeddingLayer(spec, net.sizeBefore(index));
  }
}
