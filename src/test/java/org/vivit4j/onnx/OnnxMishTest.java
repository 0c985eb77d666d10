package org.vivit4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.model.NetworkSpec;

/**
 * PyTorch's {@code nn.Mish}, which torch 1.13 exports as {@code Mul(h, Tanh(Softplus(h)))} ({@code
 * mish_mlp} of {@code export_models.py}, opset 14, outputs computed by PyTorch in float64), imports
 * as the {@code mish} activation; ONNX's own {@code Mish} node (opset 18) too; the three nodes with
 * another reader in between are not Mish.
 */
class OnnxMishTest {
  private static List<String> types(NetworkSpec net) {
    return net.layers().stream().map(l -> l.type()).toList();
  }

  private static ModelProto.Builder mishMlp() throws Exception {
    return ModelProto.parseFrom(Files.readAllBytes(OnnxModelTest.DIR.resolve("mish_mlp.onnx")))
        .toBuilder();
  }

  @Test
  void mishAsPyTorchWritesItImportsAsTheMishActivation() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("mish_mlp"));
    assertEquals(List.of("linear", "mish", "linear", "mish", "linear"), types(imp.network()));
    assertEquals(
        List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"),
        imp.paramNames());
    OnnxImporterTest.assertMatchesPyTorch(imp, "mish_mlp");
  }

  /** The first Softplus, Tanh and Mul replaced by one {@code Mish} node reading the same value. */
  @Test
  void onnxsMishNodeImportsAsTheMishActivation() throws Exception {
    ModelProto.Builder b = mishMlp();
    var graph = b.getGraphBuilder();
    List<NodeProto> nodes = List.copyOf(graph.getNodeList());
    graph.clearNode();
    for (NodeProto n : nodes) {
      switch (n.getName()) {
        case "/1/Softplus", "/1/Tanh" -> {}
        case "/1/Mul" ->
            graph.addNode(
                NodeProto.newBuilder()
                    .setName("/1/Mish")
                    .setOpType("Mish")
                    .addInput("/0/Gemm_output_0")
                    .addOutput("/1/Mul_output_0"));
        default -> graph.addNode(n);
      }
    }
    for (int i = 0; i < b.getOpsetImportCount(); i++) {
      if (b.getOpsetImport(i).getDomain().isEmpty()) {
        b.setOpsetImport(i, b.getOpsetImport(i).toBuilder().setVersion(18));
      }
    }
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModel.read(b.build().toByteArray()));
    assertEquals(List.of("linear", "mish", "linear", "mish", "linear"), types(imp.network()));
    OnnxImporterTest.assertMatchesPyTorch(imp, "mish_mlp");
  }

  /**
   * The Tanh's output also read by the next layer: the Softplus–Tanh–Mul chain is not Mish alone,
   * and the node-by-node mapping names the Mul that combines two data values.
   */
  @Test
  void aTanhReadBeyondTheMulIsNotMish() throws Exception {
    ModelProto.Builder b = mishMlp();
    var graph = b.getGraphBuilder();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto n = graph.getNode(i);
      if (n.getName().equals("/3/Softplus")) {
        // the second Mish's Softplus now reads the first Tanh: that Tanh has two readers
        graph.setNode(i, n.toBuilder().setInput(0, "/1/Tanh_output_0"));
      }
    }
    OnnxModel m = OnnxModel.read(b.build().toByteArray());
    String e =
        assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(m)).getMessage();
    assertTrue(e.contains("node '/1/Mul' (Mul) combines the data values"), e);
  }
}
