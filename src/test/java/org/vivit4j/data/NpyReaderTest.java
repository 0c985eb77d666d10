package org.vivit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyReaderTest {
  @TempDir Path dir;

  /** A version-1 .npy file as NumPy writes it: magic, header padded to 64 bytes, data. */
  static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
    String dict =
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortran ? "True" : "False")
            + ", 'shape': ("
            + shape
            + "), }";
    int pad = 64 - (10 + dict.length() + 1) % 64;
    String header = dict + " ".repeat(pad % 64) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.write(header.length() & 0xFF);
    out.write(header.length() >> 8);
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(data);
    return out.toByteArray();
  }

  private static byte[] doubles(double... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      b.putDouble(x);
    }
    return b.array();
  }

  private Path file(byte[] bytes) throws Exception {
    return Files.write(Files.createTempFile(dir, "a", ".npy"), bytes);
  }

  @Test
  void readsFloat64AndInt64ExactlyInRowMajorOrder() throws Exception {
    double[] v = {1.5, -0.0, Double.MIN_VALUE, 1e308, 3, 4};
    NpyReader.NpyArray a = NpyReader.read(file(npy("<f8", false, "2, 3", doubles(v))));
    assertArrayEquals(new int[] {2, 3}, a.shape());
    assertArrayEquals(v, a.reals());
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(-7).putLong(Long.MAX_VALUE);
    NpyReader.NpyArray i = NpyReader.read(file(npy("<i8", false, "2,", b.array())));
    assertArrayEquals(new long[] {-7, Long.MAX_VALUE}, i.ints());
    NpyReader.NpyArray scalar = NpyReader.read(file(npy("<f8", false, "", doubles(2.5))));
    assertArrayEquals(new int[0], scalar.shape());
    assertArrayEquals(new double[] {2.5}, scalar.reals());
  }

  @Test
  void readsTheShippedExports() throws Exception {
    Path onnx = Path.of("src/test/resources/onnx");
    NpyReader.NpyArray x = NpyReader.read(onnx.resolve("mlp.x.npy"));
    assertArrayEquals(new int[] {4, 1, 28, 28}, x.shape());
    assertEquals(4 * 784, x.reals().length);
    for (double d : x.reals()) {
      assertEquals(d, (float) d, "float32 widened exactly");
    }
    NpyReader.NpyArray y = NpyReader.read(onnx.resolve("mlp.y.npy"));
    assertArrayEquals(new int[] {4}, y.shape());
    assertTrue(y.isInteger());
    assertArrayEquals(new int[] {4, 10}, NpyReader.read(onnx.resolve("mlp.out.npy")).shape());
  }

  @Test
  void refusesWhatItCannotRead() throws Exception {
    String fortran =
        assertThrows(
                DataFormatException.class,
                () -> NpyReader.read(file(npy("<f8", true, "1,", doubles(1)))))
            .getMessage();
    assertTrue(fortran.contains("Fortran"), fortran);
    String bigEndian =
        assertThrows(
                DataFormatException.class,
                () -> NpyReader.read(file(npy(">f8", false, "1,", doubles(1)))))
            .getMessage();
    assertTrue(bigEndian.contains("'>f8' is not read"), bigEndian);
    String truncated =
        assertThrows(
                DataFormatException.class,
                () -> NpyReader.read(file(npy("<f8", false, "3,", doubles(1, 2)))))
            .getMessage();
    assertTrue(truncated.contains("holds 16 data bytes"), truncated);
    Path text = file("hello".getBytes(StandardCharsets.UTF_8));
    String notNpy =
        assertThrows(DataFormatException.class, () -> NpyReader.read(text)).getMessage();
    assertTrue(notNpy.startsWith(text + ": not a .npy file"), notNpy);
  }
}
