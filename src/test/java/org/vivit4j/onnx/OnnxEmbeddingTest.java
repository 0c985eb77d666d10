package org.vivit4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.Scaling;
import org.vivit4j.data.NpyReader;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * ONNX {@code Gather(emb.weight, x)}, PyTorch's export of {@code nn.Embedding} on an int64 input
 * ({@code embedding_mlp}, written by {@code export_models.py}): imported as an embedding with
 * PyTorch's parameter name and float64 outputs; other Gather forms refused naming the node.
 */
class OnnxEmbeddingTest {
  private static final String NAME = "embedding_mlp";

  /** The int64 indices of {@code embedding_mlp.x.npy} as the doubles of {@code X}. */
  static double[] indices() throws Exception {
    long[] x = NpyReader.read(OnnxModelTest.DIR.resolve(NAME + ".x.npy")).ints();
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  @Test
  void gatherImportsAsAnEmbeddingWithPyTorchsNameAndOutputs() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped(NAME));
    assertEquals(List.of("emb.weight", "fc.weight", "fc.bias"), imp.paramNames());
    assertArrayEquals(new int[] {5}, imp.network().inputShape());
    EmbeddingSpec e = (EmbeddingSpec) imp.network().layers().get(0);
    assertEquals(10, e.numEmbeddings());
    assertEquals(4, e.embeddingDim());
    assertNull(e.paddingIdx());
    double[] x = indices();
    int n = x.length / 5;
    long[] y = NpyReader.read(OnnxModelTest.DIR.resolve(NAME + ".y.npy")).ints();
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (int) y[i];
    }
    Backend cpu = TestBackends.get("cpu-float64");
    double[] out;
    try (FactorEngine engine =
        new FactorEngine(
            imp.network(), new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN), cpu)) {
      out =
          engine
              .forward(new Batch(n, x, null, labels), new Scaling(Reduction.MEAN, n, n))
              .outputs();
    }
    double[] expected = NpyReader.read(OnnxModelTest.DIR.resolve(NAME + ".out.npy")).reals();
    assertEquals(expected.length, out.length);
    for (int i = 0; i < out.length; i++) {
      assertEquals(
          expected[i],
          out[i],
          Tolerances.F64_ONNX_FORWARD * Math.max(1, Math.abs(expected[i])),
          "output " + i);
    }
  }

  private static ModelProto.Builder shipped() throws Exception {
    return ModelProto.parseFrom(Files.readAllBytes(OnnxModelTest.DIR.resolve(NAME + ".onnx")))
        .toBuilder();
  }

  private static String refusal(ModelProto.Builder b) throws Exception {
    OnnxModel m = OnnxModel.read(b.build().toByteArray());
    return assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(m)).getMessage();
  }

  @Test
  void aGatherAlongAnotherAxisIsRefusedNamingTheNode() throws Exception {
    ModelProto.Builder b = shipped();
    b.getGraphBuilder()
        .getNodeBuilder(0)
        .addAttribute(
            AttributeProto.newBuilder()
                .setName("axis")
                .setType(AttributeProto.AttributeType.INT)
                .setI(1));
    String why = refusal(b);
    assertTrue(why.contains("node '/emb/Gather' (Gather): Gather along axis 1"), why);
  }

  @Test
  void realIndicesAreRefusedNamingTheNode() throws Exception {
    ModelProto.Builder b = shipped();
    b.getGraphBuilder()
        .getInputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .setElemType(TensorProto.DataType.FLOAT_VALUE);
    String why = refusal(b);
    assertTrue(why.contains("node '/emb/Gather' (Gather): its indices, the graph input 'x'"), why);
  }

  @Test
  void indicesThatAreNotTheGraphInputAreRefusedNamingTheNode() throws Exception {
    ModelProto.Builder b = shipped();
    // Gather(emb.weight, Flatten(x)): the indices are computed, not the input itself
    var gather = b.getGraphBuilder().getNodeBuilder(0);
    var flatten = b.getGraphBuilder().getNodeBuilder(1);
    String gathered = gather.getOutput(0);
    flatten.setInput(0, "x").setOutput(0, "flat_x");
    gather.setInput(1, "flat_x");
    b.getGraphBuilder().getNodeBuilder(2).setInput(0, gathered);
    var g = b.getGraphBuilder();
    var flat = g.getNode(1);
    g.removeNode(1);
    g.addNode(0, flat);
    String why = refusal(b);
    assertTrue(why.contains("reads the integer graph input 'x'"), why);
  }

  @Test
  void anIntegerInputWithoutAGatherIsRefused() throws Exception {
    ModelProto.Builder b = shipped();
    b.getGraphBuilder().setNode(0, b.getGraph().getNode(0).toBuilder().setOpType("Identity"));
    String why = refusal(b);
    assertTrue(why.contains("integer"), why);
  }
}
