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
  void namesEveryUnsupportedNodeAndExitsTwo() {
    CliRun r = CliRun.of("inspect", DIR + "zeropad_conv.onnx");
    assertEquals(Main.EXIT_BAD_INPUT, r.exitCode(), r.err());
    assertTrue(
        r.err()
            .startsWith(
                "error: "
                    + DIR
                    + "zeropad_conv.onnx: node '/0/Pad' (Pad): pads H by (0, 1) and W by (1, 2)"),
        r.err());
    assertEquals(1, r.err().strip().split("\n").length, r.err());
    CliRun residual = CliRun.of("inspect", DIR + "resnet_tiny.onnx");
    assertEquals(Main.EXIT_BAD_INPUT, residual.exitCode(), residual.err());
    assertTrue(residual.err().contains("(a branch)"), residual.err());
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
