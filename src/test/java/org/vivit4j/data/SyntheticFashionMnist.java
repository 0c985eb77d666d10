package org.vivit4j.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A tiny seeded stand-in for Fashion-MNIST in its own IDX format (28×28 unsigned-byte images, 10
 * classes), so command-line tests of {@code experiment} need no download. Each class lights up its
 * own band of rows on top of noise, so the data can be learnt.
 */
public final class SyntheticFashionMnist {
  private SyntheticFashionMnist() {}

  /** Writes the four plain IDX files into {@code dir} (created if needed); returns {@code dir}. */
  public static Path write(Path dir, int trainSamples, int testSamples, long seed)
      throws IOException {
    Files.createDirectories(dir);
    SplittableRandom rnd = new SplittableRandom(seed);
    split(dir, "train", trainSamples, rnd);
    split(dir, "t10k", testSamples, rnd);
    return dir;
  }

  private static void split(Path dir, String prefix, int n, SplittableRandom rnd)
      throws IOException {
    byte[] labels = new byte[n];
    byte[] pixels = new byte[n * 28 * 28];
    for (int s = 0; s < n; s++) {
      int label = rnd.nextInt(10);
      labels[s] = (byte) label;
      for (int r = 0; r < 28; r++) {
        for (int c = 0; c < 28; c++) {
          int v = rnd.nextInt(64) + (r / 3 == label ? 160 : 0);
          pixels[(s * 28 + r) * 28 + c] = (byte) v;
        }
      }
    }
    idx(dir.resolve(prefix + "-images-idx3-ubyte"), new int[] {n, 28, 28}, pixels);
    idx(dir.resolve(prefix + "-labels-idx1-ubyte"), new int[] {n}, labels);
  }

  private static void idx(Path file, int[] dims, byte[] data) throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(raw)) {
      out.writeInt((0x08 << 8) | dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}
