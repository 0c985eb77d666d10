package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The test-only golden loader, in particular base64-encoded arrays (none of the ten uses them). */
class ReferenceGoldenLoaderTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static ObjectNode encoded(String dtype, byte[] bytes, int[] shape, Double scale) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("encoding", "base64");
    n.put("dtype", dtype);
    n.put("byte_order", "little");
    var s = n.putArray("shape");
    for (int d : shape) {
      s.add(d);
    }
    n.put("data", Base64.getEncoder().encodeToString(bytes));
    if (scale != null) {
      n.put("scale", scale);
    }
    return n;
  }

  @Test
  void decodesFloat64Float32AndScaledUint8() throws IOException {
    double[] f64 = {1.0, -2.5, Math.PI, 1e-300, -0.0, 123456.789};
    ByteBuffer b = ByteBuffer.allocate(f64.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : f64) {
      b.putDouble(v);
    }
    assertArrayEquals(
        f64, ReferenceGoldenCase.doubles(encoded("float64", b.array(), new int[] {2, 3}, null)));

    float[] f32 = {0.1f, -3.75f, 1e-20f, 7f};
    ByteBuffer c = ByteBuffer.allocate(f32.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    double[] expected32 = new double[f32.length];
    for (int i = 0; i < f32.length; i++) {
      c.putFloat(f32[i]);
      expected32[i] = f32[i];
    }
    assertArrayEquals(
        expected32,
        ReferenceGoldenCase.doubles(encoded("float32", c.array(), new int[] {1, 2, 2}, null)));

    byte[] codes = {0, 1, (byte) 128, (byte) 255};
    assertArrayEquals(
        new double[] {0.0, 1.0 / 256, 0.5, 255.0 / 256},
        ReferenceGoldenCase.doubles(encoded("uint8", codes, new int[] {4}, 0.00390625)));

    assertThrows(
        IOException.class,
        () -> ReferenceGoldenCase.doubles(encoded("float64", b.array(), new int[] {5}, null)));
    assertThrows(
        IOException.class,
        () -> ReferenceGoldenCase.doubles(encoded("int16", codes, new int[] {2}, null)));
  }

  @Test
  void encodedAndNestedFormsOfACaseLoadIdentically() throws Exception {
    Path file =
        ReferenceGoldenCase.files().stream()
            .filter(p -> p.getFileName().toString().startsWith("conv2d"))
            .findFirst()
            .orElseThrow();
    ReferenceGoldenCase plain = ReferenceGoldenCase.load(file);
    ObjectNode root = (ObjectNode) MAPPER.readTree(file.toFile());
    double[] x = plain.batch().x();
    ByteBuffer b = ByteBuffer.allocate(x.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : x) {
      b.putDouble(v);
    }
    int[] shape = {plain.batch().n(), 2, 6, 6};
    root.set("X", encoded("float64", b.array(), shape, null));
    Path tmp = java.nio.file.Files.createTempFile("golden-encoded", ".json");
    try {
      MAPPER.writeValue(tmp.toFile(), root);
      ReferenceGoldenCase enc = ReferenceGoldenCase.load(tmp);
      assertArrayEquals(plain.batch().x(), enc.batch().x());
      assertArrayEquals(plain.net().flatParams(), enc.net().flatParams());
      assertEquals(plain.net().numParams(), enc.net().numParams());
    } finally {
      java.nio.file.Files.deleteIfExists(tmp);
    }
  }
}
