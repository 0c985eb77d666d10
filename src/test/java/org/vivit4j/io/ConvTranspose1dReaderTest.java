package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.layers.ConvTranspose1dLayer.ConvTranspose1dSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * Reading and writing {@code convtranspose1d} with PyTorch's keys and defaults, on the fixtures of
 * {@code src/test/resources/layers} (written by PyTorch): a file round-trips through the writer,
 * each bad or unsupported hyper-parameter is one error naming its field.
 */
class ConvTranspose1dReaderTest {
  private static ObjectNode fixture(String name) throws IOException {
    return (ObjectNode)
        ProblemFixtures.MAPPER.readTree(
            Path.of("src/test/resources/layers", name + ".json").toFile());
  }

  private static ObjectNode layer0(ObjectNode root) {
    return (ObjectNode) root.get("model").get(0);
  }

  private static void assertRoundTrips(Problem problem, Path dir) throws IOException {
    Path file = dir.resolve("written.json");
    ProblemWriter.write(file, problem, null);
    Problem back = ProblemReader.read(file);
    ProblemWriterTest.assertSameProblem(problem, back);
    // the int hyper-parameters (record text without the arrays' identities); arrays compared above
    assertEquals(
        problem.network().layers().get(0).toString().replaceAll("@\\w+", ""),
        back.network().layers().get(0).toString().replaceAll("@\\w+", ""));
  }

  @Test
  void readsPyTorchsKeysAndRoundTrips(@TempDir Path dir) throws IOException {
    Problem problem =
        ProblemReader.read(Path.of("src/test/resources/layers/convtranspose1d_strided.json"));
    ConvTranspose1dSpec c = (ConvTranspose1dSpec) problem.network().layers().get(0);
    assertEquals(3, c.inChannels());
    assertEquals(2, c.outChannels());
    assertEquals(3, c.kernelSize());
    assertEquals(3, c.stride());
    assertEquals(1, c.padding());
    assertEquals(2, c.outputPadding());
    assertEquals(2, c.dilation());
    // (5 − 1)·3 − 2 + 2·2 + 2 + 1 = 17
    assertArrayEquals(new int[] {2, 17}, problem.network().shapeBefore(1));
    assertEquals(2, problem.network().params().size());
    assertArrayEquals(new int[] {3, 2, 3}, problem.network().params().get(0).shape());
    assertRoundTrips(problem, dir);
    Problem plain =
        ProblemReader.read(Path.of("src/test/resources/layers/convtranspose1d_plain.json"));
    assertNull(((ConvTranspose1dSpec) plain.network().layers().get(0)).bias());
    assertRoundTrips(plain, dir);
  }

  @Test
  void takesPyTorchsDefaultsAndOneElementLists() throws IOException {
    ObjectNode root = fixture("convtranspose1d_plain");
    ObjectNode l = layer0(root);
    for (String key : new String[] {"stride", "output_padding", "dilation", "groups"}) {
      l.remove(key);
    }
    l.remove("padding_mode");
    l.putArray("kernel_size").add(4);
    l.putArray("padding").add(1);
    ConvTranspose1dSpec c =
        (ConvTranspose1dSpec)
            ProblemReader.parse(ProblemFixtures.json(root)).network().layers().get(0);
    assertEquals(1, c.stride());
    assertEquals(0, c.outputPadding());
    assertEquals(1, c.dilation());
    assertEquals(1, c.padding());
    assertEquals(4, c.kernelSize());
  }

  @Test
  void refusesBadHyperParametersByName() throws IOException {
    ObjectNode root = fixture("convtranspose1d_strided");
    layer0(root).put("output_padding", 3);
    assertInvalid(
        root, "model[0].output_padding", "must lie in [0, max(stride, dilation)) = [0, 3)");
    root = fixture("convtranspose1d_strided");
    // stride 1, dilation 2: PyTorch accepts output_padding 1, vivit4j does not compute it
    layer0(root).put("stride", 1);
    layer0(root).put("output_padding", 1);
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].output_padding", "output_padding 1 >= stride 1"));
    root = fixture("convtranspose1d_strided");
    layer0(root).put("kernel_size", 0);
    assertInvalid(root, "model[0].kernel_size", ">= 1");
    root = fixture("convtranspose1d_strided");
    layer0(root).put("stride", 0);
    assertInvalid(root, "model[0].stride", ">= 1");
    root = fixture("convtranspose1d_strided");
    layer0(root).put("padding", -1);
    assertInvalid(root, "model[0].padding", ">= 0");
    root = fixture("convtranspose1d_strided");
    layer0(root).put("padding", 12);
    assertInvalid(root, "model[0].padding", "leaves an output of size");
    root = fixture("convtranspose1d_strided");
    layer0(root).put("padding", "same");
    assertInvalid(root, "model[0].padding", "integer");
    root = fixture("convtranspose1d_strided");
    layer0(root).putArray("kernel_size").add(3).add(3);
    assertInvalid(root, "model[0].kernel_size", "has 2 values");
    root = fixture("convtranspose1d_strided");
    layer0(root).put("groups", 3);
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].groups", "groups = 3 (only 1)"));
    root = fixture("convtranspose1d_strided");
    layer0(root).put("padding_mode", "reflect");
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].padding_mode", "'reflect'"));
    root = fixture("convtranspose1d_strided");
    root.putArray("input_shape").add(3).add(1).add(5);
    assertInvalid(root, "model[0].in_channels", "expected [C, L]");
    root = fixture("convtranspose1d_strided");
    layer0(root).put("out_channels", 3);
    assertInvalid(
        root, "model[0].weight[0]", "[in_channels, out_channels, kernel_size] = [3, 3, 3]");
    root = fixture("convtranspose1d_strided");
    layer0(root).putArray("bias").add(1.0);
    assertInvalid(root, "model[0].bias", "[out_channels]");
    root = fixture("convtranspose1d_strided");
    layer0(root).put("outputpadding", 1);
    assertInvalid(root, "model[0].outputpadding", "not a known field");
  }

  @Test
  void builtThroughTheApiIsCheckedByName() {
    ConvTranspose1dSpec badOp = new ConvTranspose1dSpec(2, 3, 1, 1, 0, 1, 1, new double[6], null);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> badOp.checkHyperParameters("model[2]"));
    assertEquals("model[2].output_padding", e.field());
    ConvTranspose1dSpec shortWeight =
        new ConvTranspose1dSpec(2, 3, 1, 1, 0, 0, 1, new double[5], null);
    e =
        assertThrows(
            InvalidInputException.class, () -> shortWeight.checkHyperParameters("model[2]"));
    assertEquals("model[2].weight", e.field());
    ConvTranspose1dSpec longBias =
        new ConvTranspose1dSpec(2, 3, 1, 1, 0, 0, 1, new double[6], new double[4]);
    e = assertThrows(InvalidInputException.class, () -> longBias.checkHyperParameters("model[2]"));
    assertEquals("model[2].bias", e.field());
  }
}
