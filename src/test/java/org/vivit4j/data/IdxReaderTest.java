package org.vivit4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
  @TempDir Path dir;

  private static byte[] idx(int type, int[] dims, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt((type << 8) | dims.length);
    for (int d : dims) {
      out.writeInt(d);
    }
    out.write(data);
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] content, boolean gzip) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream out =
        gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
      out.write(content);
    }
    return p;
  }

  private static byte[] pixels(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 37);
    }
    return b;
  }

  @Test
  void readsPlainAndGzippedImagesAndLabels() throws IOException {
    for (boolean gz : new boolean[] {false, true}) {
      Path images = write("img" + gz, idx(8, new int[] {3, 2, 4}, pixels(24)), gz);
      Path labels = write("lab" + gz, idx(8, new int[] {3}, new byte[] {9, 0, 4}), gz);
      Dataset d = IdxReader.readImagesAndLabels(images, labels, 10);
      assertEquals(3, d.size());
      assertArrayEquals(new int[] {1, 2, 4}, d.sampleShape());
      assertArrayEquals(new int[] {9, 0, 4}, d.labels());
      assertEquals((byte) (5 * 37) & 0xff, Math.round(d.x()[5] * 255));
      assertTrue(d.x()[0] >= 0 && d.x()[23] <= 1);
    }
  }

  private void assertRejected(byte[] content, int rank, String phrase) throws IOException {
    Path p = write("bad", content, false);
    DataFormatException e = assertThrows(DataFormatException.class, () -> IdxReader.read(p, rank));
    assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
    assertTrue(e.getMessage().contains(phrase), e.getMessage());
  }

  @Test
  void truncatedDataIsAnError() throws IOException {
    byte[] full = idx(8, new int[] {3, 2, 4}, pixels(24));
    assertRejected(java.util.Arrays.copyOf(full, full.length - 5), 3, "truncated");
  }

  @Test
  void truncatedHeaderIsAnError() throws IOException {
    assertRejected(new byte[] {0, 0, 8, 3, 0, 0}, 3, "truncated in the header");
    assertRejected(new byte[] {0, 0}, 3, "truncated");
  }

  @Test
  void badMagicNumberIsAnError() throws IOException {
    byte[] b = idx(8, new int[] {3}, pixels(3));
    b[0] = 0x50;
    assertRejected(b, 1, "bad magic number");
  }

  @Test
  void wrongRankOrTypeIsAnError() throws IOException {
    assertRejected(idx(8, new int[] {3}, pixels(3)), 3, "rank 1, expected 3");
    assertRejected(idx(0x0d, new int[] {3}, new byte[12]), 1, "only unsigned bytes");
  }

  @Test
  void trailingDataIsAnError() throws IOException {
    byte[] b = idx(8, new int[] {3}, pixels(4));
    assertRejected(b, 1, "continues after");
  }

  @Test
  void corruptGzipIsAnError() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(idx(8, new int[] {100}, pixels(100)));
    }
    byte[] b = bytes.toByteArray();
    for (int i = 12; i < b.length - 8; i++) {
      b[i] ^= 0x5a;
    }
    Path p = write("corrupt.gz", b, false);
    assertThrows(DataFormatException.class, () -> IdxReader.read(p, 1));
  }

  @Test
  void labelsMustMatchImagesAndClasses() throws IOException {
    Path images = write("i", idx(8, new int[] {3, 1, 1}, pixels(3)), false);
    Path two = write("l2", idx(8, new int[] {2}, new byte[] {1, 2}), false);
    var e1 =
        assertThrows(
            DataFormatException.class, () -> IdxReader.readImagesAndLabels(images, two, 10));
    assertTrue(e1.getMessage().contains("2 labels for 3 images"), e1.getMessage());
    Path big = write("l3", idx(8, new int[] {3}, new byte[] {1, 12, 2}), false);
    var e2 =
        assertThrows(
            DataFormatException.class, () -> IdxReader.readImagesAndLabels(images, big, 10));
    assertTrue(e2.getMessage().contains("label 12 of sample 1"), e2.getMessage());
  }
}
