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
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * Reading and writing {@code conv1d}, {@code convtranspose2d} and {@code embedding} with PyTorch's
 * keys and defaults, on the fixtures of {@code src/test/resources/layers} (written by PyTorch): a
 * file round-trips through the writer, each bad or unsupported hyper-parameter is one error naming
 * its field.
 */
class NewLayersReaderTest {
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
  void conv1dReadsPyTorchsKeysAndRoundTrips(@TempDir Path dir) throws IOException {
    Problem problem = ProblemReader.read(Path.of("src/test/resources/layers/conv1d_strided.json"));
    Conv1dSpec c = (Conv1dSpec) problem.network().layers().get(0);
    assertEquals(3, c.inChannels());
    assertEquals(4, c.outChannels());
    assertEquals(3, c.kernelSize());
    assertEquals(2, c.stride());
    assertEquals(2, c.padding());
    assertEquals(2, c.dilation());
    // (11 + 4 − 2·2 − 1)/2 + 1 = 6
    assertArrayEquals(new int[] {4, 6}, problem.network().shapeBefore(1));
    assertRoundTrips(problem, dir);
    Problem same = ProblemReader.read(Path.of("src/test/resources/layers/conv1d_same.json"));
    Conv1dSpec s = (Conv1dSpec) same.network().layers().get(0);
    assertEquals(3, s.padding(), "'same' pads d(k − 1)/2 = 2·3/2");
    assertNull(s.bias());
    assertRoundTrips(same, dir);
  }

  @Test
  void conv1dTakesPyTorchsDefaultsAndOneElementLists() throws IOException {
    ObjectNode root = fixture("conv1d_strided");
    ObjectNode l = layer0(root);
    l.remove("dilation");
    l.remove("groups");
    l.remove("padding_mode");
    l.putArray("stride").add(2);
    l.putArray("kernel_size").add(3);
    l.putArray("padding").add(2);
    // dilation 1: (11 + 4 − 2 − 1)/2 + 1 = 7 positions of 4 channels
    root.set("y", ProblemFixtures.matrix(2, 28, 0));
    Conv1dSpec c =
        (Conv1dSpec) ProblemReader.parse(ProblemFixtures.json(root)).network().layers().get(0);
    assertEquals(1, c.dilation());
    assertEquals(2, c.padding());
    assertEquals(2, c.stride());
    assertEquals(3, c.kernelSize());
  }

  @Test
  void conv1dRefusesBadHyperParametersByName() throws IOException {
    ObjectNode root = fixture("conv1d_strided");
    layer0(root).put("kernel_size", 0);
    assertInvalid(root, "model[0].kernel_size", ">= 1");
    root = fixture("conv1d_strided");
    layer0(root).put("stride", 0);
    assertInvalid(root, "model[0].stride", ">= 1");
    root = fixture("conv1d_strided");
    layer0(root).put("padding", -1);
    assertInvalid(root, "model[0].padding", ">= 0");
    root = fixture("conv1d_strided");
    layer0(root).putArray("kernel_size").add(3).add(3);
    assertInvalid(root, "model[0].kernel_size", "has 2 values");
    root = fixture("conv1d_strided");
    layer0(root).put("padding", "same");
    assertInvalid(root, "model[0].padding", "'same' needs stride 1");
    root = fixture("conv1d_strided");
    layer0(root).put("in_channels", 2);
    assertInvalid(
        root, "model[0].weight[0]", "[out_channels, in_channels, kernel_size] = [4, 2, 3]");
    root = fixture("conv1d_strided");
    root.putArray("input_shape").add(3).add(1).add(11);
    assertInvalid(root, "model[0].in_channels", "expected [C, L]");
    root = fixture("conv1d_strided");
    layer0(root).put("kernal_size", 3);
    assertInvalid(root, "model[0].kernal_size", "not a known field");
    root = fixture("conv1d_strided");
    layer0(root).put("groups", 3);
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].groups", "groups = 3 (only 1)"));
    root = fixture("conv1d_strided");
    layer0(root).put("padding_mode", "circular");
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].padding_mode", "'circular'"));
    root = fixture("conv1d_strided");
    // the dilated kernel spans 8·2 + 1 = 17 > 11 + 2·2
    layer0(root).put("dilation", 8);
    assertInvalid(root, "model[0].kernel_size", "does not fit the padded input");
  }

  @Test
  void conv1dBuiltThroughTheApiIsCheckedByName() {
    Conv1dSpec bad = new Conv1dSpec(2, 3, 2, 0, 0, 1, new double[12], null);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> bad.checkHyperParameters("model[0]"));
    assertEquals("model[0].stride", e.field());
    Conv1dSpec shortWeight = new Conv1dSpec(2, 3, 2, 1, 0, 1, new double[11], null);
    e =
        assertThrows(
            InvalidInputException.class, () -> shortWeight.checkHyperParameters("model[0]"));
    assertEquals("model[0].weight", e.field());
    Conv1dSpec longBias = new Conv1dSpec(2, 3, 2, 1, 0, 1, new double[12], new double[4]);
    e = assertThrows(InvalidInputException.class, () -> longBias.checkHyperParameters("model[0]"));
    assertEquals("model[0].bias", e.field());
  }

  @Test
  void convTranspose2dReadsPyTorchsKeysAndRoundTrips(@TempDir Path dir) throws IOException {
    Problem problem =
        ProblemReader.read(Path.of("src/test/resources/layers/convtranspose2d_strided.json"));
    ConvTranspose2dSpec c = (ConvTranspose2dSpec) problem.network().layers().get(0);
    assertEquals(3, c.inChannels());
    assertEquals(2, c.outChannels());
    assertArrayEquals(new int[] {3, 2}, c.kernelSize());
    assertArrayEquals(new int[] {2, 3}, c.stride());
    assertArrayEquals(new int[] {1, 0}, c.padding());
    assertArrayEquals(new int[] {1, 2}, c.outputPadding());
    assertArrayEquals(new int[] {1, 2}, c.dilation());
    // H: 3·2 − 2 + 2 + 1 + 1 = 8; W: 4·3 − 0 + 2 + 2 + 1 = 17
    assertArrayEquals(new int[] {2, 8, 17}, problem.network().shapeBefore(1));
    assertRoundTrips(problem, dir);
    Problem plain =
        ProblemReader.read(Path.of("src/test/resources/layers/convtranspose2d_plain.json"));
    assertNull(((ConvTranspose2dSpec) plain.network().layers().get(0)).bias());
    assertRoundTrips(plain, dir);
  }

  @Test
  void convTranspose2dTakesPyTorchsDefaults() throws IOException {
    ObjectNode root = fixture("convtranspose2d_plain");
    ObjectNode l = layer0(root);
    for (String key : new String[] {"stride", "output_padding", "dilation", "groups"}) {
      l.remove(key);
    }
    l.remove("padding_mode");
    ConvTranspose2dSpec c =
        (ConvTranspose2dSpec)
            ProblemReader.parse(ProblemFixtures.json(root)).network().layers().get(0);
    assertArrayEquals(new int[] {1, 1}, c.stride());
    assertArrayEquals(new int[] {0, 0}, c.outputPadding());
    assertArrayEquals(new int[] {1, 1}, c.dilation());
    assertArrayEquals(new int[] {1, 1}, c.padding());
  }

  @Test
  void convTranspose2dRefusesBadHyperParametersByName() throws IOException {
    ObjectNode root = fixture("convtranspose2d_strided");
    layer0(root).putArray("output_padding").add(2).add(2);
    assertInvalid(
        root, "model[0].output_padding[0]", "must lie in [0, max(stride, dilation)) = [0, 2)");
    root = fixture("convtranspose2d_strided");
    // stride 1, dilation 2: PyTorch accepts output_padding 1, vivit4j does not compute it
    layer0(root).putArray("stride").add(1).add(3);
    layer0(root).putArray("dilation").add(2).add(2);
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].output_padding[0]", "output_padding 1 >= stride 1"));
    root = fixture("convtranspose2d_strided");
    layer0(root).put("kernel_size", 0);
    assertInvalid(root, "model[0].kernel_size", ">= 1");
    root = fixture("convtranspose2d_strided");
    layer0(root).put("padding", -1);
    assertInvalid(root, "model[0].padding", ">= 0");
    root = fixture("convtranspose2d_strided");
    layer0(root).putArray("padding").add(9).add(0);
    assertInvalid(root, "model[0].padding", "leaves an output of size");
    root = fixture("convtranspose2d_strided");
    layer0(root).put("padding", "same");
    assertInvalid(root, "model[0].padding", "integer");
    root = fixture("convtranspose2d_strided");
    layer0(root).put("groups", 3);
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].groups", "groups = 3 (only 1)"));
    root = fixture("convtranspose2d_strided");
    layer0(root).put("padding_mode", "reflect");
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].padding_mode", "'reflect'"));
    root = fixture("convtranspose2d_strided");
    root.putArray("input_shape").add(2).add(4).add(5);
    assertInvalid(root, "model[0].in_channels", "expected [C, H, W]");
    root = fixture("convtranspose2d_strided");
    layer0(root).put("out_channels", 3);
    assertInvalid(root, "model[0].weight[0]", "[in_channels, out_channels, kh, kw] = [3, 3, 3, 2]");
    root = fixture("convtranspose2d_strided");
    layer0(root).put("outputpadding", 1);
    assertInvalid(root, "model[0].outputpadding", "not a known field");
  }

  @Test
  void convTranspose2dBuiltThroughTheApiIsCheckedByName() {
    int[] one = {1, 1};
    int[] zero = {0, 0};
    ConvTranspose2dSpec bad =
        new ConvTranspose2dSpec(2, 3, one, one, zero, new int[] {0, 1}, one, new double[6], null);
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> bad.checkHyperParameters("model[2]"));
    assertEquals("model[2].output_padding[1]", e.field());
    ConvTranspose2dSpec shortWeight =
        new ConvTranspose2dSpec(2, 3, one, one, zero, zero, one, new double[5], null);
    e =
        assertThrows(
            InvalidInputException.class, () -> shortWeight.checkHyperParameters("model[2]"));
    assertEquals("model[2].weight", e.field());
  }

  @Test
  void embeddingReadsPyTorchsKeysAndRoundTrips(@TempDir Path dir) throws IOException {
    Problem problem = ProblemReader.read(Path.of("src/test/resources/layers/embedding.json"));
    EmbeddingSpec e = (EmbeddingSpec) problem.network().layers().get(0);
    assertEquals(7, e.numEmbeddings());
    assertEquals(3, e.embeddingDim());
    assertArrayEquals(new int[] {5, 3}, problem.network().shapeBefore(1));
    assertRoundTrips(problem, dir);
    ObjectNode root = fixture("embedding");
    layer0(root).putNull("padding_idx").putNull("max_norm").put("norm_type", 2.0);
    layer0(root).put("scale_grad_by_freq", false).put("sparse", true);
    ProblemReader.parse(ProblemFixtures.json(root));
  }

  @Test
  void embeddingReadsPaddingIdxNormalisedAsPyTorchAndRoundTrips(@TempDir Path dir)
      throws IOException {
    for (int given : new int[] {0, 6, -1, -7}) {
      ObjectNode root = fixture("embedding");
      layer0(root).put("padding_idx", given);
      Problem problem = ProblemReader.parse(ProblemFixtures.json(root));
      EmbeddingSpec e = (EmbeddingSpec) problem.network().layers().get(0);
      int normalised = given < 0 ? given + 7 : given;
      assertEquals(normalised, e.paddingIdx(), "padding_idx " + given);
      assertEquals(normalised, e.paddingRow(), "padding_idx " + given);
      assertRoundTrips(problem, dir);
    }
  }

  @Test
  void embeddingRefusesWhatItDoesNotComputeByName() throws IOException {
    ObjectNode root = fixture("embedding");
    layer0(root).put("padding_idx", 7);
    assertInvalid(
        root, "model[0].padding_idx", "is 7 but must lie within num_embeddings: in [-7, 7)");
    root = fixture("embedding");
    layer0(root).put("padding_idx", -8);
    assertInvalid(root, "model[0].padding_idx", "is -8 but must lie within num_embeddings");
    root = fixture("embedding");
    layer0(root).put("padding_idx", 1.5);
    assertInvalid(root, "model[0].padding_idx", "must be an integer");
    root = fixture("embedding");
    layer0(root).put("max_norm", 1.0);
    assertInstanceOf(
        UnsupportedFeatureException.class, assertInvalid(root, "model[0].max_norm", "max_norm"));
    root = fixture("embedding");
    layer0(root).put("scale_grad_by_freq", true);
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(root, "model[0].scale_grad_by_freq", "scale_grad_by_freq = true"));
    root = fixture("embedding");
    layer0(root).put("num_embeddings", 0);
    assertInvalid(root, "model[0].num_embeddings", ">= 1");
    root = fixture("embedding");
    layer0(root).put("embedding_dim", 4);
    assertInvalid(root, "model[0].weight[0]", "[num_embeddings, embedding_dim] = [7, 4]");
    root = fixture("embedding");
    layer0(root).put("sparse", "yes");
    assertInvalid(root, "model[0].sparse", "true or false");
  }

  @Test
  void embeddingInputsMustBeIndicesInRange() throws IOException {
    ObjectNode root = fixture("embedding");
    ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("X").get(1)).set(3, 2.5);
    assertInvalid(
        root, "X[1][3]", "is 2.5 but the embedding (model[0]) takes integer indices in [0, 7)");
    root = fixture("embedding");
    ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("X").get(0)).set(4, 7);
    assertInvalid(root, "X[0][4]", "is 7.0");
    root = fixture("embedding");
    ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("X").get(0)).set(0, -1);
    assertInvalid(root, "X[0][0]", "is -1.0");
  }

  @Test
  void anEmbeddingMustBeTheFirstLayer() throws IOException {
    ObjectNode root = fixture("embedding");
    com.fasterxml.jackson.databind.node.ArrayNode model = root.withArray("model");
    model.insert(0, ProblemFixtures.MAPPER.createObjectNode().put("type", "identity"));
    assertInvalid(root, "model[1].type", "embedding reads integer indices");
  }
}
