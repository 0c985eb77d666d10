package org.vivit4j.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.vivit4j.json.JsonArrays;
import org.vivit4j.json.JsonFields;
import org.vivit4j.model.InvalidInputException;

/**
 * Float arrays of result files in either {@link ArrayEncoding}: written as JSON lists or as the
 * schema's base64 objects ({@code "dtype": "float64"}, little-endian, C order), and read back from
 * either form to bit-identical doubles. Reading accepts any dtype the schema allows ({@code
 * float64}, {@code float32}, {@code uint8} with a {@code scale}), so golden files and result files
 * go through the same code.
 */
public final class EncodedArrays {
  private EncodedArrays() {}

  /**
   * A pretty-printing generator that carries the encoding of the arrays written through it, so that
   * every array field of a result follows {@code --encode} without each writing helper taking it as
   * an argument. It sets Jackson's default pretty printer, whose list separator {@code ", "} the
   * parallel text path ({@link LongTextArrays}) writes too, and Jackson's fast double writer
   * (Schubfach: a shortest decimal that reads back to the same double), which formats a value
   * several times faster than {@code Double.toString} of JDK 17: that took most of the time of
   * writing a 3.27 M-entry gradient as text.
   */
  static final class Generator extends JsonGeneratorDelegate {
    private final ArrayEncoding encoding;

    Generator(JsonGenerator g, ArrayEncoding encoding) {
      super(g, false);
      this.encoding = encoding;
      g.setPrettyPrinter(new DefaultPrettyPrinter());
      g.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature());
    }
  }

  /** The encoding {@code g} carries; {@link ArrayEncoding#TEXT} for a plain generator. */
  static ArrayEncoding encodingOf(JsonGenerator g) {
    return g instanceof Generator e ? e.encoding : ArrayEncoding.TEXT;
  }

  /** Writes {@code values} as a list, or as an encoded object of shape {@code [n]}. */
  static void writeDoubles(JsonGenerator g, double[] values) throws IOException {
    if (encodingOf(g) == ArrayEncoding.TEXT) {
      if (g instanceof Generator && values.length >= LongTextArrays.MIN_LENGTH) {
        LongTextArrays.write(g, values);
      } else {
        g.writeArray(values, 0, values.length);
      }
      return;
    }
    writeObject(g, new LittleEndianDoubles(new double[][] {values}), values.length);
  }

  /**
   * Writes a rectangular row-major matrix as a list of rows, or as one encoded object of shape
   * {@code [rows, columns]} ({@code [0, 0]} without rows).
   *
   * @throws IllegalStateException when the rows differ in length (base64 needs one shape)
   */
  static void writeMatrix(JsonGenerator g, double[][] rows) throws IOException {
    if (encodingOf(g) == ArrayEncoding.TEXT) {
      g.writeStartArray();
      for (double[] row : rows) {
        writeDoubles(g, row); // eigenvectors are rows of millions of values
      }
      g.writeEndArray();
      return;
    }
    int columns = rows.length == 0 ? 0 : rows[0].length;
    for (double[] row : rows) {
      if (row.length != columns) {
        throw new IllegalStateException(
            "a matrix with rows of " + columns + " and " + row.length + " values has no shape");
      }
    }
    writeObject(g, new LittleEndianDoubles(rows), rows.length, columns);
  }

  private static void writeObject(JsonGenerator g, InputStream data, int... shape)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("encoding", "base64");
    g.writeStringField("dtype", "float64");
    g.writeStringField("byte_order", "little");
    g.writeFieldName("shape");
    g.writeArray(shape, 0, shape.length);
    g.writeFieldName("data");
    // Jackson's default variant is the standard alphabet with padding and no line breaks, which
    // the schema's readers (java.util.Base64, Python's base64) decode as they are. The bytes are
    // streamed (length -1: until the end), so no copy of an array is held, whatever its size.
    g.writeBinary(data, -1);
    g.writeEndObject();
  }

  /**
   * The IEEE-754 bits of the values of {@code rows}, row after row, little-endian, produced as they
   * are read.
   */
  private static final class LittleEndianDoubles extends InputStream {
    private final double[][] rows;
    private int row;
    private int column;
    private long bits;
    private int byteOfValue = Double.BYTES; // all bytes of the current value are out

    LittleEndianDoubles(double[][] rows) {
      this.rows = rows;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      int n = 0;
      while (n < len && (byteOfValue < Double.BYTES || nextValue())) {
        b[off + n++] = (byte) (bits >>> (8 * byteOfValue++));
      }
      return n == 0 && len > 0 ? -1 : n;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    private boolean nextValue() {
      while (row < rows.length && column == rows[row].length) {
        row++;
        column = 0;
      }
      if (row == rows.length) {
        return false;
      }
      bits = Double.doubleToRawLongBits(rows[row][column++]);
      byteOfValue = 0;
      return true;
    }
  }

  /**
   * Reads a one-dimensional float array: a list of numbers or an encoded object of shape {@code
   * [n]}.
   *
   * @param path the JSON path for messages, e.g. {@code grad}
   * @throws InvalidInputException naming the element or key that is wrong
   */
  public static double[] readDoubles(JsonNode node, String path) {
    if (node.isObject()) {
      return decode(node, path, 1);
    }
    JsonFields.list(node, path);
    double[] out = new double[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isNumber()) {
        throw new InvalidInputException(
            JsonFields.at(path, i), "must be a number, got " + JsonFields.describe(v));
      }
      out[i] = v.doubleValue();
      if (!Double.isFinite(out[i])) {
        JsonFields.checkFinite(out[i], JsonFields.at(path, i));
      }
    }
    return out;
  }

  /**
   * Reads a row-major float matrix: a list of rows (lists of numbers; their lengths are not
   * compared) or an encoded object of shape {@code [rows, columns]}.
   *
   * @throws InvalidInputException naming the element or key that is wrong
   */
  public static double[][] readMatrix(JsonNode node, String path) {
    if (node.isObject()) {
      int[] shape = shape(node, path, 2);
      double[] flat = decode(node, path, 2);
      double[][] rows = new double[shape[0]][];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = Arrays.copyOfRange(flat, i * shape[1], (i + 1) * shape[1]);
      }
      return rows;
    }
    JsonFields.list(node, path);
    double[][] rows = new double[node.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = readDoubles(node.get(i), JsonFields.at(path, i));
    }
    return rows;
  }

  /** Decodes an encoded object whose declared shape has {@code rank} dimensions. */
  private static double[] decode(JsonNode node, String path, int rank) {
    int[] shape = shape(node, path, rank);
    return JsonArrays.readDoubles(node, path, shape, "as declared");
  }

  private static int[] shape(JsonNode node, String path, int rank) {
    String at = JsonFields.at(path, "shape");
    int[] shape = JsonFields.intList(JsonFields.required(node, path, "shape"), at);
    if (shape.length != rank) {
      throw new InvalidInputException(
          at, "is " + JsonFields.shape(shape) + " but this field has " + rank + " dimension(s)");
    }
    for (int d = 0; d < rank; d++) {
      JsonFields.atLeast(shape[d], 0, JsonFields.at(at, d));
    }
    return shape;
  }
}
