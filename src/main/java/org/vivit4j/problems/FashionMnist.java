package org.vivit4j.problems;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the first images and labels of Fashion-MNIST's training set from the IDX files of Debian's
 * {@code dataset-fashion-mnist} package ({@value #DEBIAN_DIR}): {@code train-images-idx3-ubyte.gz}
 * (magic 2051, then count, rows, columns and one byte per pixel) and {@code
 * train-labels-idx1-ubyte.gz} (magic 2049, count, one byte per label), big-endian.
 */
public final class FashionMnist {
  private FashionMnist() {}

  /** Where Debian's package installs the data. */
  public static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

  /**
   * The first {@code n} training samples.
   *
   * @param codes pixel codes {@code 0..255}, {@code [n × 28·28]} row-major
   * @param labels classes {@code 0..9}
   */
  public record Samples(int[] codes, int[] labels, int rows, int cols) {}

  /** Whether {@code dir} holds the two training files. */
  public static boolean available(Path dir) {
    return Files.isReadable(dir.resolve("train-images-idx3-ubyte.gz"))
        && Files.isReadable(dir.resolve("train-labels-idx1-ubyte.gz"));
  }

  public static Samples readTraining(Path dir, int n) throws IOException {
    int rows;
    int cols;
    int[] codes;
    try (DataInputStream in = open(dir.resolve("train-images-idx3-ubyte.gz"))) {
      expect(in.readInt(), 2051, "images");
      int count = in.readInt();
      rows = in.readInt();
      cols = in.readInt();
      if (n > count) {
        throw new IOException("asked for " + n + " images, the file holds " + count);
      }
      byte[] bytes = new byte[n * rows * cols];
      in.readFully(bytes);
      codes = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        codes[i] = bytes[i] & 0xff;
      }
    }
    int[] labels = new int[n];
    try (DataInputStream in = open(dir.resolve("train-labels-idx1-ubyte.gz"))) {
      expect(in.readInt(), 2049, "labels");
      if (n > in.readInt()) {
        throw new IOException("the label file holds fewer than " + n + " labels");
      }
      for (int i = 0; i < n; i++) {
        labels[i] = in.readUnsignedByte();
      }
    }
    return new Samples(codes, labels, rows, cols);
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream raw = Files.newInputStream(file);
    return new DataInputStream(new GZIPInputStream(raw, 1 << 16));
  }

  private static void expect(int magic, int expected, String what) throws IOException {
    if (magic != expected) {
      throw new IOException("not an IDX " + what + " file: magic " + magic + " != " + expected);
    }
  }
}
