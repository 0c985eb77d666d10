package org.vivit4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.nio.file.Files;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.ScaleLayer.ScaleSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * Gemm with alpha and beta (the hand-made {@code gemm_alpha.onnx} of {@code make_gemm_models.py},
 * its outputs computed by numpy in float64): mapped exactly where the stored parameters allow it,
 * refused naming the node otherwise; and SiLU whose input also feeds a residual Add ({@code
 * silu_residual}, exported by PyTorch).
 */
class OnnxGemmAndSiluTest {
  private static List<String> types(NetworkSpec net) {
    return net.layers().stream().map(l -> l.type()).toList();
  }

  @Test
  void gemmAlphaAndBetaEqualToItMapToALinearLayerAndAScale() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("gemm_alpha"));
    NetworkSpec net = imp.network();
    assertEquals(
        List.of("linear", "scale", "relu", "linear", "scale", "tanh", "linear"), types(net));
    assertEquals(List.of("g1.weight", "g2.weight", "g2.bias", "g3.weight"), imp.paramNames());
    assertNull(((LinearSpec) net.layers().get(0)).bias(), "no C: no bias");
    assertEquals(0.5, ((ScaleSpec) net.layers().get(1)).scale());
    assertEquals(1.5, ((ScaleSpec) net.layers().get(4)).scale());
    assertEquals(3, ((LinearSpec) net.layers().get(3)).bias().length);
    // the parameters are the stored tensors, not rescaled copies
    assertEquals(4, net.params().size());
    OnnxImporterTest.assertMatchesPyTorch(imp, "gemm_alpha");
  }

  /** gemm_alpha with node {@code node} changed by {@code edit}: the import's error message. */
  private static String refusal(String node, UnaryOperator<NodeProto.Builder> edit)
      throws Exception {
    ModelProto.Builder b =
        ModelProto.parseFrom(Files.readAllBytes(OnnxModelTest.DIR.resolve("gemm_alpha.onnx")))
            .toBuilder();
    for (int i = 0; i < b.getGraph().getNodeCount(); i++) {
      if (b.getGraph().getNode(i).getName().equals(node)) {
        b.getGraphBuilder().setNode(i, edit.apply(b.getGraph().getNode(i).toBuilder()));
      }
    }
    OnnxModel m = OnnxModel.read(b.build().toByteArray());
    return assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(m)).getMessage();
  }

  private static NodeProto.Builder setFloat(NodeProto.Builder n, String name, float value) {
    for (int a = n.getAttributeCount() - 1; a >= 0; a--) {
      if (n.getAttribute(a).getName().equals(name)) {
        n.removeAttribute(a);
      }
    }
    return n.addAttribute(
        AttributeProto.newBuilder()
            .setName(name)
            .setType(AttributeProto.AttributeType.FLOAT)
            .setF(value));
  }

  @Test
  void gemmBetaApartFromAlphaAndTransAAreRefusedNamingTheNode() throws Exception {
    String beta = refusal("g2", n -> setFloat(n, "beta", 1f));
    assertTrue(beta.contains("node 'g2' (Gemm): alpha = 1.5, beta = 1.0: beta scales"), beta);
    String bothOne = refusal("g2", n -> setFloat(n, "alpha", 1f));
    assertTrue(bothOne.contains("node 'g2' (Gemm): alpha = 1.0, beta = 1.5"), bothOne);
    String transA =
        refusal(
            "g1",
            n ->
                n.addAttribute(
                    AttributeProto.newBuilder()
                        .setName("transA")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(1)));
    assertTrue(transA.contains("node 'g1' (Gemm): transA = 1 transposes the batch"), transA);
    String nan = refusal("g1", n -> setFloat(n, "alpha", Float.NaN));
    assertTrue(nan.contains("node 'g1' (Gemm): alpha = NaN is not finite"), nan);
  }

  @Test
  void anInitializerSharedByTwoLayersIsRefusedNamingBoth() throws Exception {
    OnnxModel m = OnnxModelTest.shipped("tied_gemm");
    String e =
        assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(m)).getMessage();
    assertTrue(
        e.contains(
            "node 'second' (Gemm): its initializer 'w' is also a parameter of node 'first'"
                + " (Gemm) (tied weights)"),
        e);
  }

  @Test
  void siluWhoseInputAlsoFeedsAResidualImportsAsAGraph() throws Exception {
    OnnxImporter.Imported imp = OnnxImporter.importModel(OnnxModelTest.shipped("silu_residual"));
    NetworkSpec net = imp.network();
    assertTrue(net.isGraph());
    assertEquals(List.of("linear", "silu", "add", "linear"), types(net));
    // the add reads the linear layer's output and the SiLU's
    assertEquals(
        List.of("fc1", "/Mul_output_0"),
        java.util.Arrays.stream(net.inputsOf(2)).mapToObj(v -> net.nodeName(v - 1)).toList());
    assertEquals(List.of("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"), imp.paramNames());
    OnnxImporterTest.assertMatchesPyTorch(imp, "silu_residual");
  }

  @Test
  void aSigmoidReadBeyondTheMulIsNotSilu() throws Exception {
    ModelProto.Builder b =
        ModelProto.parseFrom(Files.readAllBytes(OnnxModelTest.DIR.resolve("silu_residual.onnx")))
            .toBuilder();
    for (int i = 0; i < b.getGraph().getNodeCount(); i++) {
      NodeProto n = b.getGraph().getNode(i);
      if (n.getOpType().equals("Add")) {
        // the residual now adds the Sigmoid's output: Sigmoid(h) has two readers
        b.getGraphBuilder().setNode(i, n.toBuilder().setInput(0, "/Sigmoid_output_0"));
      }
    }
    OnnxModel m = OnnxModel.read(b.build().toByteArray());
    String e =
        assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(m)).getMessage();
    assertTrue(e.contains("node '/Mul' (Mul) combines the data values"), e);
  }
}
