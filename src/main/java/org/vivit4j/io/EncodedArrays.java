package org.vivit4j.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.Arrays;
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
    ByteBuffer bytes = littleEndian(values.length);
    bytes.asDoubleBuffer().put(values);
    writeObject(g, bytes.array(), values.length);
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
        g.writeArray(row, 0, row.length);
      }
      g.writeEndArray();
      return;
    }
    int columns = rows.length == 0 ? 0 : rows[0].length;
    ByteBuffer bytes = littleEndian(Math.multiplyExact(rows.length, columns));
    DoubleBuffer doubles = bytes.asDoubleBuffer();
    for (double[] row : rows) {
      if (row.length != columns) {
        throw new IllegalStateException(
            "a matrix with rows of " + columns + " and " + row.length + " values has no shape");
      }
      doubles.put(row);
    }
    writeObject(g, bytes.array(), rows.length, columns);
  }

  private static ByteBuffer littleEndian(int values) {
    return ByteBuffer.allocate(Math.multiplyExact(values, Double.BYTES))
        .order(ByteOrder.LITTLE_ENDIAN);
  }

  private static void writeObject(JsonGenerator g, byte[] data, int... shape) throws IOException {
    g.writeStartObject();
    g.writeStringField("encoding", "base64");
    g.writeStringField("dtype", "float64");
    g.writeStringField("byte_order", "little");
    g.writeFieldName("shape");
    g.writeArray(shape, 0, shape.length);
    g.writeFieldName("data");
    // Jackson's default variant is the standard alphabet with padding and no line breaks, which
    // the schema's readers (java.util.Base64, Python's base64) decode as they are.
    g.writeBinary(data);
    g.writeEndObject();
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
