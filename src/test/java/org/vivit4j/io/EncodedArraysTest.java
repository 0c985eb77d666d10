package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vivit4j.model.InvalidInputException;

/**
 * Float arrays of result files written as text or base64 read back bit for bit, from either form,
 * and malformed encoded objects are errors naming the key.
 */
class EncodedArraysTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Values whose decimal or binary forms are easy to get wrong. */
  static final double[] AWKWARD = {
    0.0,
    -0.0,
    Double.MIN_VALUE, // the smallest subnormal, 4.9e-324
    -3 * Double.MIN_VALUE,
    Double.MIN_NORMAL,
    Math.nextDown(Double.MIN_NORMAL), // the largest subnormal
    1e308,
    -1.7976931348623157e308,
    Double.MAX_VALUE,
    1.0 / 3.0,
    0.1 + 0.2,
    1e23, // Double.toString of older JDKs wrote 1.0000000000000001E23 for it
    2e-3, // and 0.0020 for this one
    9007199254740993.0, // 2^53 + 1 rounds to 2^53
    Math.nextUp(1.0),
    -2.5e-17,
    123456789012345680.0,
    1e-7,
    1e7,
    0.001,
  };

  /** {@link #AWKWARD} followed by seeded random bit patterns (every finite one kept). */
  static double[] awkwardAndRandom(int randomCount) {
    Random rnd = new Random(20261204);
    double[] out = new double[AWKWARD.length + randomCount];
    System.arraycopy(AWKWARD, 0, out, 0, AWKWARD.length);
    for (int i = AWKWARD.length; i < out.length; ) {
      double v = Double.longBitsToDouble(rnd.nextLong());
      if (Double.isFinite(v)) {
        out[i++] = v;
      }
    }
    return out;
  }

  private static JsonNode written(ArrayEncoding encoding, double[] values, double[][] matrix)
      throws IOException {
    return JSON.readTree(text(encoding, values, matrix));
  }

  private static String text(ArrayEncoding encoding, double[] values, double[][] matrix)
      throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator g =
        new EncodedArrays.Generator(JSON.getFactory().createGenerator(text), encoding)) {
      g.writeStartObject();
      g.writeFieldName("values");
      EncodedArrays.writeDoubles(g, values);
      g.writeFieldName("matrix");
      EncodedArrays.writeMatrix(g, matrix);
      g.writeEndObject();
    }
    return text.toString();
  }

  private static void assertBitIdentical(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
        throw new AssertionError(
            what + "[" + i + "]: wrote " + expected[i] + ", read back " + actual[i]);
      }
    }
  }

  @Test
  void bothEncodingsReadBackBitForBit() throws IOException {
    double[] values = awkwardAndRandom(50_000);
    double[][] matrix = {{AWKWARD[1], AWKWARD[2], AWKWARD[5]}, {AWKWARD[6], AWKWARD[11], 7.0}};
    for (ArrayEncoding e : ArrayEncoding.values()) {
      JsonNode root = written(e, values, matrix);
      assertEquals(e == ArrayEncoding.BASE64, root.get("values").isObject(), e + ": form");
      assertBitIdentical(values, EncodedArrays.readDoubles(root.get("values"), "values"), "" + e);
      double[][] back = EncodedArrays.readMatrix(root.get("matrix"), "matrix");
      assertEquals(matrix.length, back.length, e + ": rows");
      for (int r = 0; r < matrix.length; r++) {
        assertBitIdentical(matrix[r], back[r], e + " matrix[" + r + "]");
      }
    }
  }

  @Test
  void base64IsTheSchemasFloat64Object() throws IOException {
    JsonNode root = written(ArrayEncoding.BASE64, new double[] {1.0, -0.0}, new double[3][0]);
    JsonNode v = root.get("values");
    assertEquals("base64", v.get("encoding").textValue());
    assertEquals("float64", v.get("dtype").textValue());
    assertEquals("little", v.get("byte_order").textValue());
    assertEquals("[2]", v.get("shape").toString());
    // 1.0 = 0x3FF0000000000000 and -0.0 = 0x8000000000000000, each little-endian
    assertEquals("AAAAAAAA8D8AAAAAAAAAgA==", v.get("data").textValue());
    JsonNode m = root.get("matrix");
    assertEquals("[3,0]", m.get("shape").toString(), "rows without columns keep their count");
    assertEquals(3, EncodedArrays.readMatrix(m, "matrix").length);
    assertEquals(
        "[0,0]",
        written(ArrayEncoding.BASE64, new double[0], new double[0][])
            .get("matrix")
            .get("shape")
            .toString());
  }

  @Test
  void textIsListsOfShortDecimals() throws IOException {
    // Not always the shortest: Jackson's writer gives 1e23 as 9.999999999999999E22, which reads
    // back to the same double (bothEncodingsReadBackBitForBit has it among the awkward values).
    assertEquals(
        "{\n  \"values\" : [ 1.0, -0.0, 0.002, 4.9E-324, 1.0E-7, 1.0E7 ],\n"
            + "  \"matrix\" : [ [ 0.5 ], [ ] ]\n}",
        text(
            ArrayEncoding.TEXT,
            new double[] {1.0, -0.0, 2e-3, Double.MIN_VALUE, 1e-7, 1e7},
            new double[][] {{0.5}, {}}));
  }

  @Test
  void longListsFormattedInParallelAreWhatJacksonWrites() throws IOException {
    double[] values = awkwardAndRandom(2 * LongTextArrays.MIN_LENGTH + 5);
    StringWriter parallel = new StringWriter();
    try (JsonGenerator g =
        new EncodedArrays.Generator(
            JSON.getFactory().createGenerator(parallel), ArrayEncoding.TEXT)) {
      g.writeStartObject();
      g.writeFieldName("values");
      LongTextArrays.write(g, values);
      g.writeFieldName("matrix");
      EncodedArrays.writeMatrix(g, new double[0][]);
      g.writeEndObject();
    }
    String ours = parallel.toString();
    assertEquals(ours, text(ArrayEncoding.TEXT, values, new double[0][]), "the path it takes");
    StringWriter plain = new StringWriter();
    try (JsonGenerator g = JSON.getFactory().createGenerator(plain)) {
      g.useDefaultPrettyPrinter();
      g.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature());
      g.writeStartObject();
      g.writeFieldName("values");
      g.writeArray(values, 0, values.length);
      g.writeFieldName("matrix");
      g.writeStartArray();
      g.writeEndArray();
      g.writeEndObject();
    }
    assertEquals(plain.toString(), ours);
    assertBitIdentical(
        values, EncodedArrays.readDoubles(JSON.readTree(ours).get("values"), "values"), "parallel");
  }

  @Test
  void raggedMatrixCannotBeEncoded() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> written(ArrayEncoding.BASE64, new double[0], new double[][] {{1, 2}, {3}}));
    assertTrue(e.getMessage().contains("no shape"), e.getMessage());
  }

  private static ObjectNode encoded(String data, int... shape) {
    ObjectNode o = JSON.createObjectNode().put("encoding", "base64").put("dtype", "float64");
    var s = o.putArray("shape");
    for (int d : shape) {
      s.add(d);
    }
    return o.put("data", data);
  }

  private static void assertBad(Runnable read, String field, String phrase) {
    InvalidInputException e = assertThrows(InvalidInputException.class, read::run);
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(phrase), e.getMessage());
  }

  @Test
  void malformedArraysNameTheKey() {
    String one = "AAAAAAAA8D8="; // 1.0
    String nan = "AAAAAAAA+H8="; // 0x7FF8000000000000
    assertBad(() -> EncodedArrays.readDoubles(encoded(one, 1, 1), "grad"), "grad.shape", "1 dim");
    assertBad(() -> EncodedArrays.readMatrix(encoded(one, 1), "gammas"), "gammas.shape", "2 dim");
    assertBad(() -> EncodedArrays.readDoubles(encoded(one, 2), "grad"), "grad.data", "needs 16");
    assertBad(() -> EncodedArrays.readMatrix(encoded("", -1, 0), "m"), "m.shape[0]", ">= 0");
    assertBad(() -> EncodedArrays.readDoubles(encoded(nan, 1), "grad"), "grad[0]", "NaN");
    assertBad(
        () -> EncodedArrays.readMatrix(encoded("AAAAAAAA8D8AAAAAAAAAgA==", 1, 1), "m"),
        "m.data",
        "decodes to 16");
    assertBad(
        () -> EncodedArrays.readDoubles(encoded(one, 1).put("encoding", "hex"), "grad"),
        "grad.encoding",
        "only 'base64'");
    assertBad(
        () -> EncodedArrays.readDoubles(JSON.createArrayNode().add(1).add("x"), "grad"),
        "grad[1]",
        "must be a number");
    assertBad(() -> EncodedArrays.readMatrix(JSON.createArrayNode().add(1), "m"), "m[0]", "a list");
  }

  @Test
  void otherSchemaDtypesDecodeToo() throws IOException {
    ObjectNode f32 = encoded("AADAPw==", 1).put("dtype", "float32"); // 1.5f
    assertBitIdentical(new double[] {1.5}, EncodedArrays.readDoubles(f32, "x"), "float32");
    ObjectNode u8 = encoded("AgQ=", 2).put("dtype", "uint8").put("scale", 0.5);
    assertBitIdentical(new double[] {1.0, 2.0}, EncodedArrays.readDoubles(u8, "x"), "uint8");
  }
}
