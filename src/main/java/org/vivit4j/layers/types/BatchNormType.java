package org.vivit4j.layers.types;

import static org.vivit4j.json.JsonFields.at;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.layers.BatchNormLayer;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.BatchNormSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;

/**
 * {@code batchnorm1d}, {@code batchnorm2d} (PyTorch's {@code nn.BatchNorm1d/2d}) in evaluation
 * mode: {@code num_features} (required), {@code eps} (default 1e-5), {@code momentum} (any number
 * or {@code null}; it only updates the statistics in training), {@code affine} (default true:
 * {@code weight} and {@code bias} required, the layer's parameters), {@code running_mean}, {@code
 * running_var} (required constants), {@code num_batches_tracked} (optional, ignored). {@code
 * "training": true} and {@code "track_running_stats": false} ask for batch statistics, which couple
 * the samples of a batch: refused.
 */
final class BatchNormType extends LayerType<BatchNormSpec> {
  BatchNormType() {
    super(BatchNormSpec.class);
  }

  @Override
  public List<String> names() {
    return List.of("batchnorm1d", "batchnorm2d");
  }

  @Override
  public BatchNormSpec read(JsonNode node, String path, String name) {
    JsonFields.onlyKeys(
        node,
        path,
        "a " + name + " layer",
        "type",
        "num_features",
        "eps",
        "momentum",
        "affine",
        "track_running_stats",
        "training",
        "weight",
        "bias",
        "running_mean",
        "running_var",
        "num_batches_tracked");
    String batchStats =
        " asks for batch statistics, which couple the samples of a batch (per-sample curvature"
            + " needs evaluation mode with running_mean and running_var)";
    JsonNode training = JsonFields.optional(node, "training");
    if (training != null && JsonFields.bool(training, at(path, "training"))) {
      throw new InvalidInputException(
          at(path, "training"), name + " in training mode" + batchStats);
    }
    JsonNode track = JsonFields.optional(node, "track_running_stats");
    if (track != null && !JsonFields.bool(track, at(path, "track_running_stats"))) {
      throw new InvalidInputException(at(path, "track_running_stats"), "false" + batchStats);
    }
    JsonNode momentum = JsonFields.optional(node, "momentum");
    if (momentum != null && !momentum.isNull()) {
      JsonFields.finiteValue(momentum, at(path, "momentum"));
    }
    JsonNode tracked = JsonFields.optional(node, "num_batches_tracked");
    if (tracked != null && !tracked.isNull()) {
      JsonFields.atLeast(
          JsonFields.intValue(tracked, at(path, "num_batches_tracked")),
          0,
          at(path, "num_batches_tracked"));
    }
    int c =
        JsonFields.atLeast(
            JsonFields.requiredInt(node, path, "num_features"), 1, at(path, "num_features"));
    JsonNode epsNode = JsonFields.optional(node, "eps");
    double eps = epsNode == null ? 1e-5 : JsonFields.finiteValue(epsNode, at(path, "eps"));
    JsonNode affineNode = JsonFields.optional(node, "affine");
    boolean affine = affineNode == null || JsonFields.bool(affineNode, at(path, "affine"));
    int[] shape = {c};
    String what = "[" + c + "] (num_features)";
    double[] weight = null;
    double[] bias = null;
    if (affine) {
      weight = vector(node, path, "weight", shape, what);
      bias = vector(node, path, "bias", shape, what);
    } else {
      for (String key : new String[] {"weight", "bias"}) {
        JsonNode v = JsonFields.optional(node, key);
        if (v != null && !v.isNull()) {
          throw new InvalidInputException(at(path, key), "must be absent when affine is false");
        }
      }
    }
    BatchNormSpec spec =
        new BatchNormSpec(
            name.equals("batchnorm1d") ? 1 : 2,
            c,
            eps,
            weight,
            bias,
            vector(node, path, "running_mean", shape, what),
            vector(node, path, "running_var", shape, what));
    spec.checkHyperParameters(path);
    return spec;
  }

  private static double[] vector(JsonNode node, String path, String key, int[] shape, String what) {
    return JsonArrays.readDoubles(JsonFields.required(node, path, key), at(path, key), shape, what);
  }

  @Override
  public void writeFields(JsonGenerator g, BatchNormSpec spec, ArrayWriter arrays)
      throws IOException {
    int[] shape = {spec.numFeatures()};
    g.writeNumberField("num_features", spec.numFeatures());
    g.writeNumberField("eps", spec.eps());
    g.writeBooleanField("affine", spec.weight() != null);
    if (spec.weight() != null) {
      g.writeFieldName("weight");
      arrays.write(g, spec.weight(), shape);
      g.writeFieldName("bias");
      arrays.write(g, spec.bias(), shape);
    }
    g.writeFieldName("running_mean");
    arrays.write(g, spec.runningMean(), shape);
    g.writeFieldName("running_var");
    arrays.write(g, spec.runningVar(), shape);
  }

  @Override
  public Layer create(BatchNormSpec spec, NetworkSpec net, int index, ConvGramPolicy convGram) {
    return new BatchNormLayer(spec, net.sizeBefore(index));
  }
}
