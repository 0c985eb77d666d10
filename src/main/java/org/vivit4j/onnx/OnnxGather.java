package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import java.util.Set;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;

/**
 * ONNX {@code Gather} on data as PyTorch exports {@code nn.Embedding}: {@code Gather(W, x)} with
 * {@code axis = 0}, {@code W} a real initializer {@code [V, D]} (the parameter, keeping its name,
 * {@code emb.weight}) and {@code x} the integer graph input; it maps onto an {@code embedding}. Any
 * other form is refused naming the node. PyTorch's {@code padding_idx} is a training option that
 * the export does not record, so the imported embedding has none.
 */
final class OnnxGather {
  private OnnxGather() {}

  /**
   * The embedding of {@code n}.
   *
   * @param input the graph input's name
   * @param integerInput whether the graph input holds integers
   * @throws OnnxImportException naming the node for any other Gather
   */
  static OnnxLayers.Layer embedding(
      NodeProto n, StaticValues values, String input, boolean integerInput) {
    long axis = new OnnxAttributes(n).only(Set.of("axis")).integer("axis", 0);
    if (axis != 0) {
      throw OnnxLayers.refuse(
          n,
          "Gather along axis "
              + axis
              + " of data; vivit4j maps Gather onto an embedding, which gathers the rows (axis 0)"
              + " of an initializer");
    }
    if (n.getInputCount() != 2 || !n.getInput(1).equals(input)) {
      throw OnnxLayers.refuse(
          n,
          "Gather of data by '"
              + (n.getInputCount() > 1 ? n.getInput(1) : "")
              + "'; vivit4j maps Gather onto an embedding, whose indices are the graph input '"
              + input
              + "' itself");
    }
    if (!integerInput) {
      throw OnnxLayers.refuse(
          n,
          "its indices, the graph input '"
              + input
              + "', are real numbers; an embedding's indices are integers (int64)");
    }
    String w = n.getInput(0);
    if (!values.isInitializer(w)) {
      throw OnnxLayers.refuse(
          n,
          "it gathers from '"
              + w
              + "', which is not an initializer; an embedding gathers the rows of its weight");
    }
    int[] shape = values.get(w).a().shape();
    if (shape.length != 2) {
      throw OnnxLayers.refuse(
          n,
          "its table '"
              + w
              + "' has shape "
              + OnnxImporter.shape(shape)
              + "; an embedding's weight is [num_embeddings, embedding_dim]");
    }
    double[] weight = OnnxLayers.parameter(n, values, w, "weight", shape).reals().clone();
    return new OnnxLayers.Layer(new EmbeddingSpec(shape[0], shape[1], weight), List.of(w));
  }
}
