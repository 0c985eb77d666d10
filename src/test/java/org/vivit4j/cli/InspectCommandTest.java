package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
  static final String DIR = "src/test/resources/onnx/";

  @Test
  void listsLayersShapesAndParameterNames() {
    CliRun r = CliRun.of("inspect", DIR + "mlp.onnx");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("input: x FLOAT [N, 1, 28, 28]"), r.out());
    assertTrue(
        r.out().contains("   1 linear     [784] -> [16]  1.weight [16, 784], 1.bias [16]"),
        r.out());
    assertTrue(r.out().contains("parameters: 6 tensors, 12894 entries"), r.out());
  }

  @Test
  void anEmbeddingModelShowsItsIntegerInputAndTheRangeOfX() {
    CliRun r = CliRun.of("inspect", DIR + "embedding_mlp.onnx");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("input: x INT64 [N, 5]"), r.out());
    assertTrue(r.out().contains("   0 embedding  [5] -> [5, 4]  emb.weight [10, 4]"), r.out());
    assertTrue(r.out().contains("X: integer indices in [0, 10)"), r.out());
    CliRun floats = CliRun.of("inspect", DIR + "mlp.onnx");
    assertTrue(!floats.out().contains("X: integer"), floats.out());
  }

  @Test
  void namesTheFirstReasonAndExitsTwo() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("sub", ".onnx");
    java.nio.file.Files.write(
        f, org.vivit4j.onnx.OnnxTestModels.withOpType("resnet_tiny", "Add", "Sub"));
    CliRun residual = CliRun.of("inspect", f.toString());
    java.nio.file.Files.delete(f);
    assertEquals(Main.EXIT_BAD_INPUT, residual.exitCode(), residual.err());
    assertTrue(
        residual.err().startsWith("error: " + f + ": node '/layer1/Add' (Sub) combines"),
        residual.err());
    assertEquals(1, residual.err().strip().split("\n").length, residual.err());
  }

  @Test
  void listsTheNodesOfAResidualNetwork() {
    CliRun r = CliRun.of("inspect", DIR + "resnet_tiny.onnx");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(
        r.out()
            .contains(
                " add        [4, 12, 12] + [4, 12, 12] -> [4, 12, 12]  (node /layer1/Add_output_0"
                    + " reads layer1.bn2, /stem/stem.2/Relu_output_0)"),
        r.out());
    assertTrue(r.out().contains("layer2.shortcut.0.weight"), r.out());
  }

  @Test
  void namesEveryUnsupportedNode() throws Exception {
    // an operator vivit4j has no layer for, in two places
    ai.onnx.proto.OnnxMl.ModelProto.Builder m =
        ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
            java.nio.file.Files.readAllBytes(java.nio.file.Path.of(DIR + "mlp.onnx")))
            .toBuilder();
    m.getGraphBuilder().setNode(2, m.getGraph().getNode(2).toBuilder().setOpType("HardSwish"));
    m.getGraphBuilder().setNode(4, m.getGraph().getNode(4).toBuilder().setOpType("HardSwish"));
    java.nio.file.Path f = java.nio.file.Files.createTempFile("hardswish", ".onnx");
    java.nio.file.Files.write(f, m.build().toByteArray());
    CliRun r = CliRun.of("inspect", f.toString());
    java.nio.file.Files.delete(f);
    assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
    assertEquals(2, r.out().split("unsupported: ", -1).length - 1, r.out());
    assertTrue(r.err().contains("(HardSwish): op type HardSwish is not supported"), r.err());
  }

  @Test
  void aDefaultExportWithBatchNormFoldedIsWarnedAbout() {
    CliRun r = CliRun.of("inspect", DIR + "folded_batchnorm.onnx");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("warning: the ONNX model's parameters [onnx::Conv_"), r.out());
    assertTrue(r.out().contains("do_constant_folding=False"), r.out());
    CliRun plain = CliRun.of("inspect", DIR + "mlp.onnx");
    assertTrue(!plain.out().contains("warning:"), plain.out());
  }

  @Test
  void nodesOfRecognisedPatternsAreNotListedAsUnsupported() {
    CliRun r = CliRun.of("inspect", DIR + "layernorm_gelu_opset13.onnx");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(!r.out().contains("unsupported:"), r.out());
    assertTrue(r.out().contains(" gelu "), r.out());
  }

  @Test
  void badFilesAreOneLine(@TempDir Path dir) throws Exception {
    Path text = Files.writeString(dir.resolve("net.onnx"), "{\"not\": \"onnx\"}");
    for (String arg : new String[] {text.toString(), dir.toString(), dir + "/missing.onnx"}) {
      CliRun r = CliRun.of("inspect", arg);
      assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), arg + ": " + r.err());
      assertEquals(1, r.err().strip().split("\n").length, r.err());
      assertTrue(r.err().startsWith("error: " + arg), r.err());
    }
  }
}
