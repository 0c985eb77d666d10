package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.vivit4j.api.Problem;
import org.vivit4j.layers.AdaptiveAvgPool1dLayer.AdaptiveAvgPool1dSpec;
import org.vivit4j.layers.AdaptiveAvgPool2dLayer.AdaptiveAvgPool2dSpec;
import org.vivit4j.layers.AvgPool2dLayer.AvgPool2dSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;
import org.vivit4j.layers.Pad2dLayer.Pad2dSpec;
import org.vivit4j.layers.Pool1dLayer.Pool1dSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * {@code maxpool2d} and {@code avgpool2d} layers: PyTorch's names and defaults, and every option
 * vivit4j does not compute rejected by name.
 */
class PoolReaderTest {

  /** The MLP fixture behind {@code pool → flatten} on inputs {@code [1, 3, 9]} (pooled to 3). */
  private static ObjectNode pooled(ObjectNode pool) {
    ObjectNode root = ProblemFixtures.mlp("mse");
    root.remove("params");
    root.putArray("input_shape").add(1).add(3).add(9);
    ArrayNode x = root.putArray("X");
    for (int n = 0; n < 3; n++) {
      ArrayNode plane = x.addArray().addArray();
      for (int h = 0; h < 3; h++) {
        ArrayNode row = plane.addArray();
        for (int w = 0; w < 9; w++) {
          row.add((n * 27 + h * 9 + w) % 5 - 2.0);
        }
      }
    }
    root.withArray("model")
        .insert(0, ProblemFixtures.MAPPER.createObjectNode().put("type", "flatten"));
    root.withArray("model").insert(0, pool);
    return root;
  }

  private static ObjectNode pool(String type) {
    ObjectNode p = ProblemFixtures.MAPPER.createObjectNode();
    p.put("type", type);
    p.put("kernel_size", 3);
    return p;
  }

  @Test
  void maxPoolTakesPyTorchsDefaults() {
    ObjectNode p = pool("maxpool2d");
    p.putNull("stride");
    p.put("ceil_mode", false).put("return_indices", false);
    Problem problem = ProblemReader.parse(ProblemFixtures.json(pooled(p)));
    MaxPool2dSpec spec = (MaxPool2dSpec) problem.network().layers().get(0);
    assertArrayEquals(new int[] {3, 3}, spec.kernelSize());
    assertArrayEquals(new int[] {3, 3}, spec.stride(), "stride defaults to the kernel size");
    assertArrayEquals(new int[] {0, 0}, spec.padding());
    assertArrayEquals(new int[] {1, 1}, spec.dilation());
    assertArrayEquals(new int[] {1, 1, 3}, problem.network().shapeBefore(1));
  }

  @Test
  void avgPoolReadsPairsAndTheDefaultCountIncludePad() {
    ObjectNode p = pool("avgpool2d");
    p.putArray("kernel_size").add(3).add(2);
    p.putArray("stride").add(1).add(3);
    p.putArray("padding").add(1).add(0);
    p.put("count_include_pad", true).put("ceil_mode", false).putNull("divisor_override");
    ObjectNode root = pooled(p);
    // output [1, 3, 3] → flatten 9: widen the first linear layer accordingly
    ObjectNode lin = (ObjectNode) root.get("model").get(2);
    lin.put("in", 9);
    lin.set("weight", ProblemFixtures.matrix(4, 9, 0.1));
    Problem problem = ProblemReader.parse(ProblemFixtures.json(root));
    AvgPool2dSpec spec = (AvgPool2dSpec) problem.network().layers().get(0);
    assertArrayEquals(new int[] {3, 2}, spec.kernelSize());
    assertArrayEquals(new int[] {1, 3}, spec.stride());
    assertArrayEquals(new int[] {1, 0}, spec.padding());
    assertArrayEquals(new int[] {1, 3, 3}, problem.network().shapeBefore(1));
  }

  /**
   * PyTorch's 2-d pools take a one-element list for {@code k} in both dimensions ({@code
   * nn.MaxPool2d([3], stride=[3], padding=[1], dilation=[1])} is {@code nn.MaxPool2d(3, 3, 1, 1)},
   * {@code F.max_pool2d}'s "a single int, or a tuple of two ints" accepting a list of one); its
   * convolutions do not, so {@code conv2d} keeps refusing it.
   */
  @Test
  void twoDimensionalPoolsReadAOneElementListAsBothDimensions() {
    for (String type : new String[] {"maxpool2d", "avgpool2d"}) {
      ObjectNode single = pool(type);
      single.putArray("kernel_size").add(3);
      single.putArray("stride").add(3);
      single.putArray("padding").add(1);
      ObjectNode plain = pool(type).put("stride", 3).put("padding", 1);
      if (type.equals("maxpool2d")) {
        single.putArray("dilation").add(1);
        plain.put("dilation", 1);
      }
      // [1, 3, 9] padded by 1 → windows of 3 with stride 3: [1, 1, 3], flatten 3 as the fixture
      Problem a = ProblemReader.parse(ProblemFixtures.json(pooled(single)));
      Problem b = ProblemReader.parse(ProblemFixtures.json(pooled(plain)));
      assertArrayEquals(fields(b.network().layers().get(0)), fields(a.network().layers().get(0)));
      assertArrayEquals(new int[] {1, 1, 3}, a.network().shapeBefore(1), type);
      ObjectNode three = pool(type);
      three.putArray("kernel_size").add(3).add(3).add(3);
      assertInvalid(pooled(three), "model[0].kernel_size", "pair");
    }
  }

  /** A 2-d pool spec's kernel, stride, padding (and dilation) pairs. */
  private static int[][] fields(Object spec) {
    if (spec instanceof MaxPool2dSpec m) {
      return new int[][] {m.kernelSize(), m.stride(), m.padding(), m.dilation()};
    }
    AvgPool2dSpec v = (AvgPool2dSpec) spec;
    return new int[][] {v.kernelSize(), v.stride(), v.padding()};
  }

  /**
   * {@code adaptiveavgpool2d} to {@code [1, 3]} of {@code [1, 3, 9]}: flatten 3, as the fixture.
   */
  private static ObjectNode adaptive(com.fasterxml.jackson.databind.JsonNode outputSize) {
    ObjectNode p = ProblemFixtures.MAPPER.createObjectNode().put("type", "adaptiveavgpool2d");
    p.set("output_size", outputSize);
    return pooled(p);
  }

  @Test
  void adaptiveAvgPoolReadsPyTorchsOutputSizes() {
    ArrayNode keepHeight = ProblemFixtures.MAPPER.createArrayNode().addNull().add(1);
    ObjectNode root = adaptive(keepHeight);
    Problem problem = ProblemReader.parse(ProblemFixtures.json(root));
    AdaptiveAvgPool2dSpec spec = (AdaptiveAvgPool2dSpec) problem.network().layers().get(0);
    assertArrayEquals(new int[] {0, 1}, spec.outputSize(), "null keeps the input's size");
    assertArrayEquals(new int[] {1, 3, 1}, problem.network().shapeBefore(1));
    ArrayNode pair = ProblemFixtures.MAPPER.createArrayNode().add(1).add(3);
    problem = ProblemReader.parse(ProblemFixtures.json(adaptive(pair)));
    assertArrayEquals(new int[] {1, 1, 3}, problem.network().shapeBefore(1));
    // "output_size": 3 means [3, 3]: [1, 3, 9] → [1, 3, 3], flatten 9
    ObjectNode square = adaptive(ProblemFixtures.MAPPER.getNodeFactory().numberNode(3));
    ObjectNode lin = (ObjectNode) square.get("model").get(2);
    lin.put("in", 9);
    lin.set("weight", ProblemFixtures.matrix(4, 9, 0.1));
    problem = ProblemReader.parse(ProblemFixtures.json(square));
    assertArrayEquals(
        new int[] {3, 3}, ((AdaptiveAvgPool2dSpec) problem.network().layers().get(0)).outputSize());
  }

  @Test
  void adaptiveAvgPoolRefusesBadAndUnequalOutputSizes() {
    var f = ProblemFixtures.MAPPER.getNodeFactory();
    ObjectNode missing =
        pooled(ProblemFixtures.MAPPER.createObjectNode().put("type", "adaptiveavgpool2d"));
    assertInvalid(missing, "model[0].output_size", "required");
    assertInvalid(adaptive(f.numberNode(0)), "model[0].output_size", ">= 1");
    assertInvalid(adaptive(f.arrayNode().add(1).add(-2)), "model[0].output_size[1]", ">= 1");
    assertInvalid(adaptive(f.arrayNode().add(1).add(3).add(1)), "model[0].output_size", "entries");
    assertInvalid(adaptive(f.textNode("same")), "model[0].output_size", "");
    InvalidInputException e =
        assertInvalid(adaptive(f.arrayNode().add(1).add(2)), "model[0].output_size", "dividing");
    assertInstanceOf(UnsupportedFeatureException.class, e);
    ObjectNode extra = adaptive(f.numberNode(1));
    ((ObjectNode) extra.get("model").get(0)).put("ceil_mode", false);
    assertInvalid(extra, "model[0].ceil_mode", "not a known");
  }

  @Test
  void ceilModeIsUnsupported() {
    for (String type : new String[] {"maxpool2d", "avgpool2d"}) {
      ObjectNode p = pool(type).put("ceil_mode", true);
      InvalidInputException e =
          assertInvalid(pooled(p), "model[0].ceil_mode", "ceil_mode = true is not supported yet");
      assertInstanceOf(UnsupportedFeatureException.class, e);
    }
  }

  @Test
  void returnIndicesIsUnsupported() {
    ObjectNode p = pool("maxpool2d").put("return_indices", true);
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(pooled(p), "model[0].return_indices", "is not supported yet"));
  }

  @Test
  void countIncludePadFalseAndDivisorOverrideAreUnsupported() {
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(
            pooled(pool("avgpool2d").put("count_include_pad", false)),
            "model[0].count_include_pad",
            "count_include_pad = false is not supported yet"));
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(
            pooled(pool("avgpool2d").put("divisor_override", 2)),
            "model[0].divisor_override",
            "is not supported yet"));
  }

  @Test
  void aBooleanOptionMustBeABoolean() {
    assertInvalid(
        pooled(pool("maxpool2d").put("ceil_mode", "no")), "model[0].ceil_mode", "true or false");
  }

  @Test
  void paddingAboveHalfTheKernelIsRejected() {
    ObjectNode p = pool("maxpool2d");
    p.putArray("padding").add(1).add(2);
    assertInvalid(pooled(p), "model[0].padding", "at most half the kernel size 3");
  }

  @Test
  void dilationOnMaxPoolOnlyAndUnknownKeysAreNamed() {
    assertInvalid(pooled(pool("avgpool2d").put("dilation", 2)), "model[0].dilation", "not a known");
    assertInvalid(
        pooled(pool("maxpool2d").put("kernal_size", 2)), "model[0].kernal_size", "not a known");
  }

  @Test
  void aWindowOnPaddingOnlyIsRejected() {
    // width 9, kernel 2 with dilation 9 and padding 1: the window at column 0 reads −1 and 8,
    // at column 1 reads 0 and 9: fine; a dilation of 10 puts column 0's taps at −1 and 9.
    ObjectNode p = pool("maxpool2d");
    p.putArray("kernel_size").add(1).add(2);
    p.putArray("padding").add(0).add(1);
    p.putArray("dilation").add(1).add(10);
    p.putArray("stride").add(1).add(1);
    assertInvalid(pooled(p), "model[0].dilation", "on padding only");
  }

  @Test
  void poolingAFlatInputIsRejected() {
    ObjectNode root = ProblemFixtures.mlp("mse");
    root.remove("params");
    root.withArray("model").insert(0, pool("maxpool2d"));
    assertInvalid(root, "model[0].type", "needs input of shape [C, H, W]");
  }

  @Test
  void kernelSizeIsRequiredAndPositive() {
    ObjectNode p = ProblemFixtures.MAPPER.createObjectNode().put("type", "avgpool2d");
    assertInvalid(pooled(p), "model[0].kernel_size", "required");
    assertInvalid(pooled(pool("avgpool2d").put("kernel_size", 0)), "model[0].kernel_size", ">= 1");
  }

  /**
   * {@code pad → maxpool2d [3, 4] → flatten}: {@code [1, 3, 9]} padded by 3 columns to width 12.
   */
  private static ObjectNode padded(ObjectNode pad) {
    ObjectNode p = pool("maxpool2d");
    p.putArray("kernel_size").add(3).add(4);
    ObjectNode root = pooled(p);
    root.withArray("model").insert(0, pad);
    return root;
  }

  private static ObjectNode pad(String type, int... padding) {
    ObjectNode p = ProblemFixtures.MAPPER.createObjectNode().put("type", type);
    ArrayNode a = p.putArray("padding");
    for (int v : padding) {
      a.add(v);
    }
    return p;
  }

  @Test
  void padsTakePyTorchsLeftRightTopBottomAndAreChecked(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    Problem problem =
        ProblemReader.parse(ProblemFixtures.json(padded(pad("zeropad2d", 1, 2, 0, 0))));
    Pad2dSpec spec = (Pad2dSpec) problem.network().layers().get(0);
    assertArrayEquals(new int[] {1, 2, 0, 0}, spec.padding());
    assertArrayEquals(new int[] {1, 3, 12}, problem.network().shapeBefore(1));
    java.nio.file.Path file = dir.resolve("pad.json");
    ProblemWriter.write(file, problem, null);
    ProblemWriterTest.assertSameProblem(problem, ProblemReader.read(file));
    ObjectNode constant = pad("constantpad2d", 0, 3, 0, 0).put("value", -0.5);
    Pad2dSpec c =
        (Pad2dSpec)
            ProblemReader.parse(ProblemFixtures.json(padded(constant))).network().layers().get(0);
    org.junit.jupiter.api.Assertions.assertEquals(-0.5, c.value());
    org.junit.jupiter.api.Assertions.assertEquals("constantpad2d", c.type());
    ObjectNode all =
        ProblemFixtures.MAPPER.createObjectNode().put("type", "zeropad2d").put("padding", 1);
    ObjectNode root = padded(all);
    // [1, 5, 11] pooled by [3, 4] is [1, 1, 2]: the first linear layer takes 2
    ObjectNode lin = (ObjectNode) root.get("model").get(3);
    lin.put("in", 2);
    lin.set("weight", ProblemFixtures.matrix(4, 2, 0.1));
    assertArrayEquals(
        new int[] {1, 1, 1, 1},
        ((Pad2dSpec) ProblemReader.parse(ProblemFixtures.json(root)).network().layers().get(0))
            .padding());
    assertInvalid(padded(pad("zeropad2d", 1, 2, 0)), "model[0].padding", "has 3 values");
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(
            padded(pad("zeropad2d", 1, 2, -1, 1)), "model[0].padding[2]", "negative padding"));
    assertInvalid(padded(pad("constantpad2d", 1, 2, 0, 0)), "model[0].value", "is missing");
    assertInvalid(
        padded(pad("zeropad2d", 1, 2, 0, 0).put("value", 1)),
        "model[0].value",
        "not a known field");
  }

  /** {@code flatten → unflatten [3, 9] → pool → flatten} on the {@code [1, 3, 9]} inputs. */
  private static ObjectNode pooled1d(ObjectNode pool) {
    ObjectNode root = pooled(pool);
    ArrayNode model = root.withArray("model");
    model.insert(0, ProblemFixtures.MAPPER.createObjectNode().put("type", "flatten"));
    ObjectNode unflatten = ProblemFixtures.MAPPER.createObjectNode().put("type", "unflatten");
    unflatten.put("dim", 1).putArray("unflattened_size").add(3).add(9);
    model.insert(1, unflatten);
    return root;
  }

  @Test
  void pools1dTakePyTorchsDefaultsAndAreChecked(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    // [3, 9] max-pooled by 9 → [3, 1] → flatten 3
    ObjectNode max = pool("maxpool1d").put("kernel_size", 9);
    max.putNull("stride");
    max.put("ceil_mode", false).put("return_indices", false);
    Problem problem = ProblemReader.parse(ProblemFixtures.json(pooled1d(max)));
    assertEquals(new Pool1dSpec(true, 9, 9, 0, 1), problem.network().layers().get(2));
    assertArrayEquals(new int[] {3, 1}, problem.network().shapeBefore(3));
    java.nio.file.Path file = dir.resolve("pool1d.json");
    ProblemWriter.write(file, problem, null);
    ProblemWriterTest.assertSameProblem(problem, ProblemReader.read(file));
    ObjectNode avg = pool("avgpool1d").put("padding", 1).put("count_include_pad", true);
    avg.putArray("kernel_size").add(3);
    avg.put("stride", 5); // (9 + 2 − 3)/5 + 1 = 2 per channel: flatten 6
    ObjectNode root = pooled1d(avg);
    ObjectNode lin = (ObjectNode) root.get("model").get(4);
    lin.put("in", 6);
    lin.set("weight", ProblemFixtures.matrix(4, 6, 0.1));
    assertEquals(
        new Pool1dSpec(false, 3, 5, 1, 1),
        ProblemReader.parse(ProblemFixtures.json(root)).network().layers().get(2));
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(
            pooled1d(pool("avgpool1d").put("count_include_pad", false)),
            "model[2].count_include_pad",
            "is not supported yet"));
    assertInvalid(
        pooled1d(pool("avgpool1d").put("dilation", 2)), "model[2].dilation", "not a known field");
    assertInvalid(
        pooled1d(pool("maxpool1d").put("padding", 2)),
        "model[2].padding",
        "must lie in [0, kernel_size / 2]");
    assertInvalid(pooled(pool("maxpool1d")), "model[0]", "maxpool1d needs a [C, L] input");
  }

  /** {@code adaptiveavgpool1d} of {@code [3, 9]} to 3 (flatten 9) and its bad output sizes. */
  @Test
  void adaptiveAvgPool1dReadsItsOutputSizeAndIsChecked() {
    ObjectNode p = ProblemFixtures.MAPPER.createObjectNode().put("type", "adaptiveavgpool1d");
    p.put("output_size", 3);
    ObjectNode root = pooled1d(p);
    ObjectNode lin = (ObjectNode) root.get("model").get(4);
    lin.put("in", 9);
    lin.set("weight", ProblemFixtures.matrix(4, 9, 0.1));
    Problem problem = ProblemReader.parse(ProblemFixtures.json(root));
    assertEquals(new AdaptiveAvgPool1dSpec(3), problem.network().layers().get(2));
    assertArrayEquals(new int[] {3, 3}, problem.network().shapeBefore(3));
    var f = ProblemFixtures.MAPPER.getNodeFactory();
    ObjectNode zero = pooled1d(p.deepCopy().put("output_size", 0));
    assertInvalid(zero, "model[2].output_size", ">= 1");
    ObjectNode pair = p.deepCopy();
    pair.set("output_size", f.arrayNode().add(1).add(3));
    assertInvalid(pooled1d(pair), "model[2].output_size", "expected an int");
    assertInstanceOf(
        UnsupportedFeatureException.class,
        assertInvalid(
            pooled1d(p.deepCopy().put("output_size", 2)), "model[2].output_size", "dividing"));
    assertInvalid(
        pooled1d(ProblemFixtures.MAPPER.createObjectNode().put("type", "adaptiveavgpool1d")),
        "model[2].output_size",
        "required");
    assertInvalid(pooled(p.deepCopy()), "model[0].type", "needs input of shape [C, L]");
  }
}
