package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.vivit4j.api.Problem;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.InvalidInputException;

/** Encoded arrays: {@code {"encoding": "base64", "dtype": ..., "shape": ..., "data": ...}}. */
class JsonArraysTest {

  private static ObjectNode encoded(String dtype, int[] shape, byte[] bytes) {
    ObjectNode o = ProblemFixtures.MAPPER.createObjectNode();
    o.put("encoding", "base64").put("dtype", dtype).put("byte_order", "little");
    var s = o.putArray("shape");
    for (int d : shape) {
      s.add(d);
    }
    o.put("data", Base64.getEncoder().encodeToString(bytes));
    return o;
  }

  private static byte[] float64(double... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double d : v) {
      b.putDouble(d);
    }
    return b.array();
  }

  private static byte[] float32(float... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return b.array();
  }

  private static double[] read(JsonNode node, int... shape) {
    return JsonArrays.readDoubles(node, "X", shape, "[N] + input_shape");
  }

  @Test
  void float64IsExactInCOrder() {
    double[] v = {0.1, -1.0 / 3.0, Double.MIN_VALUE, -0.0, 1e300, 2.5, 7, -8};
    assertArrayEquals(v, read(encoded("float64", new int[] {2, 4}, float64(v)), 2, 4));
  }

  @Test
  void float32IsWidenedExactly() {
    float[] f = {0.1f, -3.25f, 1e-30f, 65504.5f, 1, 2};
    double[] expected = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      expected[i] = f[i];
    }
    assertArrayEquals(expected, read(encoded("float32", new int[] {3, 2}, float32(f)), 3, 2));
  }

  @Test
  void uint8WithScaleIsUnsignedTimesScale() {
    byte[] codes = {0, 1, (byte) 128, (byte) 255};
    ObjectNode o = encoded("uint8", new int[] {4}, codes);
    o.put("scale", 0.00390625);
    assertArrayEquals(new double[] {0, 1 / 256.0, 0.5, 255 / 256.0}, read(o, 4));
  }

  @Test
  void float64WithScale() {
    ObjectNode o = encoded("float64", new int[] {2}, float64(3, -5));
    o.put("scale", 0.5);
    assertArrayEquals(new double[] {1.5, -2.5}, read(o, 2));
  }

  @Test
  void wrongDeclaredShape() {
    ObjectNode o = encoded("float64", new int[] {4, 2}, float64(1, 2, 3, 4, 5, 6, 7, 8));
    InvalidInputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidInputException.class, () -> read(o, 2, 4));
    assertEquals("X.shape", e.field());
    assertEquals(
        "X.shape: is [4, 2] but expected [2, 4] (shape [N] + input_shape)", e.getMessage());
  }

  @Test
  void dataLengthDisagreesWithShape() {
    ObjectNode o = encoded("float32", new int[] {3}, float32(1, 2));
    InvalidInputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidInputException.class, () -> read(o, 3));
    assertEquals("X.data", e.field());
    assertEquals("X.data: decodes to 8 bytes but shape [3] of float32 needs 12", e.getMessage());
  }

  @Test
  void invalidBase64() {
    ObjectNode o = encoded("float64", new int[] {1}, float64(1));
    o.put("data", "@@@@");
    InvalidInputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidInputException.class, () -> read(o, 1));
    assertEquals("X.data", e.field());
    assertEquals(true, e.getMessage().contains("is not valid base64"), e.getMessage());
  }

  @Test
  void unknownDtype() {
    ObjectNode o = encoded("int16", new int[] {1}, new byte[2]);
    InvalidInputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidInputException.class, () -> read(o, 1));
    assertEquals("X.dtype", e.field());
  }

  @Test
  void bigEndianIsRejected() {
    ObjectNode o = encoded("float64", new int[] {1}, float64(1));
    o.put("byte_order", "big");
    InvalidInputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidInputException.class, () -> read(o, 1));
    assertEquals("X.byte_order", e.field());
  }

  @Test
  void nanAfterDecodingNamesTheElement() {
    ObjectNode root = ProblemFixtures.mlp("mse");
    root.set(
        "X", encoded("float64", new int[] {3, 3}, float64(1, 2, 3, 4, 5, Double.NaN, 7, 8, 9)));
    assertInvalid(root, "X[1][2]", "is NaN; values must be finite");
  }

  @Test
  void infinityInFloat32WeightNamesTheElement() {
    ObjectNode root = ProblemFixtures.mlp("mse");
    float[] w = new float[8];
    w[5] = Float.POSITIVE_INFINITY;
    ((ObjectNode) root.get("model").get(2))
        .set("weight", encoded("float32", new int[] {2, 4}, float32(w)));
    assertInvalid(root, "model[2].weight[1][1]", "is Infinity; values must be finite");
  }

  @Test
  void encodedClassIndices() {
    ObjectNode root = ProblemFixtures.mlp("cross_entropy");
    root.set("y", encoded("uint8", new int[] {3}, new byte[] {1, 0, 1}));
    assertArrayEquals(
        new int[] {1, 0, 1}, ProblemReader.parse(ProblemFixtures.json(root)).batch().yClass());
    root.set("y", encoded("float64", new int[] {3}, float64(1, 0.5, 1)));
    assertInvalid(root, "y[1]", "must be an integer class index, got 0.5");
  }

  @Test
  void encodedGoldenArraysGiveTheSameProblem() throws Exception {
    Path file = Path.of(getClass().getResource("/golden/seed_mlp_relu_mse_mean_top4.json").toURI());
    Problem plain = ProblemReader.read(file);
    ObjectNode root = (ObjectNode) ProblemFixtures.MAPPER.readTree(file.toFile());
    double[] x = plain.batch().x();
    int[] xShape = {plain.batch().n(), x.length / plain.batch().n()};
    root.set("X", encoded("float64", xShape, float64(x)));
    LinearSpec first = (LinearSpec) plain.network().layers().get(0);
    ((ObjectNode) root.get("model").get(0))
        .set(
            "weight",
            encoded("float64", new int[] {first.out(), first.in()}, float64(first.weight())));
    Problem enc = ProblemReader.parse(ProblemFixtures.json(root));
    assertArrayEquals(x, enc.batch().x());
    assertArrayEquals(plain.network().flatParams(), enc.network().flatParams());
  }

  @Test
  void elementPathIsCOrder() {
    assertEquals("X[1][0][2]", JsonArrays.elementPath("X", new int[] {2, 2, 3}, 8));
    assertEquals("b[4]", JsonArrays.elementPath("b", new int[] {5}, 4));
  }
}
