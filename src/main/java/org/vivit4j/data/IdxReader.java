package org.vivit4j.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of (Fashion-)MNIST, plain or gzip-compressed: a big-endian header {@code 0,
 * 0, type, rank}, {@code rank} 32-bit dimensions, then the data. Only unsigned bytes (type {@code
 * 0x08}) occur in these files. Truncated or corrupt files give a {@link DataFormatException}.
 */
public final class IdxReader {
  private IdxReader() {}

  /** An IDX array: its dimensions and its unsigned bytes. */
  public record IdxArray(int[] dims, byte[] data) {
    public int count() {
      return dims[0];
    }
  }

  /** Reads an IDX file of unsigned bytes with the expected rank. */
  public static IdxArray read(Path file, int expectedRank) throws IOException {
    String name = file.toString();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      InputStream in = (b0 == 0x1f && b1 == 0x8b) ? new GZIPInputStream(raw) : raw;
      DataInputStream data = new DataInputStream(new BufferedInputStream(in));
      int magic;
      try {
        magic = data.readInt();
      } catch (EOFException e) {
        throw new DataFormatException(name, "truncated: no IDX header");
      }
      if ((magic >>> 16) != 0) {
        throw new DataFormatException(
            name, String.format("bad magic number 0x%08x: not an IDX file", magic));
      }
      int type = (magic >>> 8) & 0xff;
      int rank = magic & 0xff;
      if (type != 0x08) {
        throw new DataFormatException(
            name,
            String.format("element type 0x%02x; only unsigned bytes (0x08) are supported", type));
      }
      if (rank != expectedRank) {
        throw new DataFormatException(name, "rank " + rank + ", expected " + expectedRank);
      }
      int[] dims = new int[rank];
      long total = 1;
      for (int i = 0; i < rank; i++) {
        try {
          dims[i] = data.readInt();
        } catch (EOFException e) {
          throw new DataFormatException(name, "truncated in the header (dimension " + i + ")");
        }
        if (dims[i] < 0) {
          throw new DataFormatException(name, "negative dimension " + dims[i]);
        }
        total *= dims[i];
      }
      if (total > Integer.MAX_VALUE) {
        throw new DataFormatException(name, "too large: " + total + " elements");
      }
      byte[] bytes = new byte[(int) total];
      int read = data.readNBytes(bytes, 0, bytes.length);
      if (read != bytes.length) {
        throw new DataFormatException(
            name,
            "truncated: the header announces " + total + " bytes of data, the file has " + read);
      }
      if (data.read() != -1) {
        throw new DataFormatException(
            name, "corrupt: data continues after the " + total + " announced bytes");
      }
      return new IdxArray(dims, bytes);
    } catch (java.util.zip.ZipException e) {
      throw new DataFormatException(name, "corrupt gzip stream: " + e.getMessage());
    }
  }

  /**
   * Images and labels as a data set: pixels scaled to {@code [0, 1]}, sample shape {@code [1, H,
   * W]}.
   */
  public static Dataset readImagesAndLabels(Path images, Path labels, int numClasses)
      throws IOException {
    IdxArray img = read(images, 3);
    IdxArray lab = read(labels, 1);
    if (img.count() != lab.count()) {
      throw new DataFormatException(
          labels.toString(), lab.count() + " labels for " + img.count() + " images in " + images);
    }
    double[] x = new double[img.data().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (img.data()[i] & 0xff) / 255.0;
    }
    int[] y = new int[lab.count()];
    for (int i = 0; i < y.length; i++) {
      y[i] = lab.data()[i] & 0xff;
      if (y[i] >= numClasses) {
        throw new DataFormatException(
            labels.toString(), "label " + y[i] + " of sample " + i + " is not below " + numClasses);
      }
    }
    return new Dataset(x, y, new int[] {1, img.dims()[1], img.dims()[2]}, numClasses);
  }
}
