package org.vivit4j.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy's {@code .npy} files (format versions 1–3, C order): float32 and float64 arrays as
 * doubles (float32 widened exactly), int64, int32, int16, int8, uint8 and bool arrays as longs.
 * Anything else (Fortran order, object arrays, big-endian data) is a {@link DataFormatException}
 * naming the file.
 */
public final class NpyReader {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private NpyReader() {}

  /**
   * An array: its shape and row-major values, {@code reals} for floating-point files, {@code ints}
   * for integer and bool files (the other is null).
   */
  public record NpyArray(int[] shape, double[] reals, long[] ints) {
    public boolean isInteger() {
      return ints != null;
    }
  }

  public static NpyArray read(Path file) throws IOException {
    String name = file.toString();
    long size = Files.size(file);
    if (size > Integer.MAX_VALUE - 8) {
      throw new DataFormatException(name, "larger than 2 GB");
    }
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    for (byte m : MAGIC) {
      if (!b.hasRemaining() || b.get() != m) {
        throw new DataFormatException(name, "not a .npy file (no \\x93NUMPY magic)");
      }
    }
    if (b.remaining() < 4) {
      throw new DataFormatException(name, "truncated header");
    }
    int major = b.get();
    b.get(); // minor version: no meaning for reading
    long headerLength = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt() & 0xFFFFFFFFL;
    if (major < 1 || major > 3) {
      throw new DataFormatException(name, "unknown .npy format version " + major);
    }
    if (headerLength > b.remaining()) {
      throw new DataFormatException(name, "truncated header");
    }
    byte[] h = new byte[(int) headerLength];
    b.get(h);
    String header =
        new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = group(DESCR, header, name, "descr");
    if ("True".equals(group(ORDER, header, name, "fortran_order"))) {
      throw new DataFormatException(name, "Fortran-ordered arrays are not read; save C order");
    }
    int[] shape = shape(group(SHAPE, header, name, "shape"), name);
    long count = 1;
    for (int d : shape) {
      count = Math.multiplyExact(count, (long) d);
    }
    int width = width(descr, name);
    if ((long) b.remaining() != count * width) {
      throw new DataFormatException(
          name,
          "holds "
              + b.remaining()
              + " data bytes, shape and type "
              + descr
              + " need "
              + count * width);
    }
    int n = (int) count;
    switch (descr) {
      case "<f8":
        {
          double[] v = new double[n];
          b.asDoubleBuffer().get(v);
          return new NpyArray(shape, v, null);
        }
      case "<f4":
        {
          double[] v = new double[n];
          for (int i = 0; i < n; i++) {
            v[i] = b.getFloat();
          }
          return new NpyArray(shape, v, null);
        }
      default:
        {
          long[] v = new long[n];
          for (int i = 0; i < n; i++) {
            v[i] =
                switch (descr) {
                  case "<i8" -> b.getLong();
                  case "<i4" -> b.getInt();
                  case "<i2" -> b.getShort();
                  case "|i1" -> b.get();
                  default -> Byte.toUnsignedInt(b.get()); // |u1, |b1
                };
          }
          return new NpyArray(shape, null, v);
        }
    }
  }

  private static int width(String descr, String name) {
    return switch (descr) {
      case "<f8", "<i8" -> 8;
      case "<f4", "<i4" -> 4;
      case "<i2" -> 2;
      case "|i1", "|u1", "|b1" -> 1;
      default ->
          throw new DataFormatException(
              name,
              "element type '"
                  + descr
                  + "' is not read (float32/float64 or int64/int32/int16/int8/uint8/bool,"
                  + " little-endian)");
    };
  }

  private static String group(Pattern p, String header, String name, String key) {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new DataFormatException(name, "header has no '" + key + "'");
    }
    return m.group(1);
  }

  private static int[] shape(String text, String name) {
    String t = text.strip();
    if (t.isEmpty()) {
      return new int[0];
    }
    String[] parts = t.split(",");
    int k = 0;
    int[] shape = new int[parts.length];
    for (String p : parts) {
      if (p.isBlank()) {
        continue;
      }
      try {
        shape[k++] = Integer.parseInt(p.strip());
      } catch (NumberFormatException e) {
        throw new DataFormatException(name, "shape (" + text + ") is not a list of sizes");
      }
      if (shape[k - 1] < 0) {
        throw new DataFormatException(name, "negative size in shape (" + text + ")");
      }
    }
    return java.util.Arrays.copyOf(shape, k);
  }
}
