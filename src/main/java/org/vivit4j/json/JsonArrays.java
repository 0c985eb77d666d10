package org.vivit4j.json;

import static org.vivit4j.json.JsonFields.at;
import static org.vivit4j.json.JsonFields.describe;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.vivit4j.model.InvalidInputException;

/**
 * Reads the numeric arrays of a problem file. An array is either a nested row-major list or an
 * encoded object {@code {"encoding": "base64", "dtype": "float32"|"float64"|"uint8", "byte_order":
 * "little", "shape": [...], "data": "...", "scale": s}}. Either way the result is flat in C order,
 * has exactly the expected shape and contains no NaN or infinity; errors name the element, e.g.
 * {@code X[4][2]}. Whitespace in base64 {@code data} (line breaks included) is ignored.
 */
public final class JsonArrays {
  private JsonArrays() {}

  /** Whitespace that may separate the characters of base64 data. */
  private static final Pattern WHITESPACE = Pattern.compile("[ \\t\\n\\r\\f]+");

  /**
   * Reads a float array of exactly {@code shape}.
   *
   * @param what describes the expected shape for messages, e.g. {@code "[out, in]"}
   */
  public static double[] readDoubles(JsonNode node, String path, int[] shape, String what) {
    double[] out;
    if (node.isObject()) {
      out = decode(node, path, shape, what);
    } else if (node.isArray()) {
      // Check the structure before allocating so that a bogus huge shape cannot exhaust memory.
      checkNested(node, path, shape, 0, what);
      out = new double[numel(shape, path)];
      fillNested(node, shape.length, out, 0);
    } else {
      throw new InvalidInputException(
          path, "must be a nested list or an encoded array object, got " + describe(node));
    }
    for (int i = 0; i < out.length; i++) {
      if (!Double.isFinite(out[i])) {
        JsonFields.checkFinite(out[i], elementPath(path, shape, i));
      }
    }
    return out;
  }

  /**
   * Reads {@code n} class indices in {@code [0, numClasses)}. One rule for both forms: every
   * element must be an integral number, so {@code 1} and {@code 1.0} are class 1 whether written as
   * JSON or decoded from a float array, and {@code 1.5} is an error naming the element.
   */
  public static int[] readClassIndices(JsonNode node, String path, int n, int numClasses) {
    int[] shape = {n};
    int[] out = new int[n];
    if (node.isArray()) {
      checkLength(node, path, n, "[N] = [" + n + "]");
      for (int i = 0; i < n; i++) {
        JsonNode v = node.get(i);
        if (!v.isNumber()) {
          throw new InvalidInputException(
              at(path, i), "must be an integer class index, got " + describe(v));
        }
        out[i] = classIndex(v.doubleValue(), at(path, i));
      }
    } else if (node.isObject()) {
      double[] values = decode(node, path, shape, "[N]");
      for (int i = 0; i < n; i++) {
        out[i] = classIndex(values[i], at(path, i));
      }
    } else {
      throw new InvalidInputException(
          path, "must be a list or an encoded array object, got " + describe(node));
    }
    for (int i = 0; i < n; i++) {
      if (out[i] < 0 || out[i] >= numClasses) {
        throw new InvalidInputException(
            at(path, i),
            "is "
                + out[i]
                + " but must be a class index in [0, C) = [0, "
                + numClasses
                + ") (C = num_outputs)");
      }
    }
    return out;
  }

  /** {@code v} as a class index: an integral value in the {@code int} range. */
  private static int classIndex(double v, String path) {
    if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
      throw new InvalidInputException(path, "must be an integer class index, got " + v);
    }
    return (int) v;
  }

  private static void checkNested(JsonNode node, String path, int[] shape, int dim, String what) {
    if (dim == shape.length) {
      if (!node.isNumber()) {
        throw new InvalidInputException(path, "must be a number, got " + describe(node));
      }
      return;
    }
    checkLength(node, path, shape[dim], what + " = " + JsonFields.shape(shape));
    for (int i = 0; i < shape[dim]; i++) {
      checkNested(node.get(i), at(path, i), shape, dim + 1, what);
    }
  }

  /** Copies the numbers of an already checked nested list in C order; returns the next position. */
  private static int fillNested(JsonNode node, int depth, double[] out, int pos) {
    if (depth == 0) {
      out[pos] = node.doubleValue();
      return pos + 1;
    }
    for (JsonNode child : node) {
      pos = fillNested(child, depth - 1, out, pos);
    }
    return pos;
  }

  private static void checkLength(JsonNode node, String path, int expected, String what) {
    if (!node.isArray()) {
      throw new InvalidInputException(
          path,
          "must be a list of "
              + expected
              + " elements (shape "
              + what
              + "), got "
              + describe(node));
    }
    if (node.size() != expected) {
      throw new InvalidInputException(
          path,
          "has " + node.size() + " elements but expected " + expected + " (shape " + what + ")");
    }
  }

  /** Decodes an encoded array object and checks its shape against {@code shape}. */
  public static double[] decode(JsonNode node, String path, int[] shape, String what) {
    JsonFields.onlyKeys(
        node,
        path,
        "an encoded array",
        "encoding",
        "dtype",
        "byte_order",
        "shape",
        "data",
        "scale");
    String encoding = JsonFields.requiredString(node, path, "encoding");
    if (!"base64".equals(encoding)) {
      throw new InvalidInputException(
          at(path, "encoding"), "is '" + encoding + "' but only 'base64' is supported");
    }
    JsonNode order = JsonFields.optional(node, "byte_order");
    // The schema always writes "little"; an absent byte order means the same.
    if (order != null && !"little".equals(JsonFields.stringValue(order, at(path, "byte_order")))) {
      throw new InvalidInputException(
          at(path, "byte_order"), "is '" + order.textValue() + "' but only 'little' is supported");
    }
    String dtype = JsonFields.requiredString(node, path, "dtype");
    int itemSize =
        switch (dtype) {
          case "float64" -> 8;
          case "float32" -> 4;
          case "uint8" -> 1;
          default ->
              throw new InvalidInputException(
                  at(path, "dtype"), "is '" + dtype + "'; expected float32, float64 or uint8");
        };
    int[] declared =
        JsonFields.intList(JsonFields.required(node, path, "shape"), at(path, "shape"));
    if (!Arrays.equals(declared, shape)) {
      throw new InvalidInputException(
          at(path, "shape"),
          "is "
              + JsonFields.shape(declared)
              + " but expected "
              + JsonFields.shape(shape)
              + " (shape "
              + what
              + ")");
    }
    // Line breaks and spaces are layout (the base64 tool wraps at 76 columns), not data.
    String data = JsonFields.requiredString(node, path, "data");
    checkAlphabet(data, at(path, "data"));
    String text = WHITESPACE.matcher(data).replaceAll("");
    byte[] bytes;
    try {
      bytes = java.util.Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(at(path, "data"), "is not valid base64: " + e.getMessage());
    }
    int n = numel(shape, path);
    if ((long) n * itemSize != bytes.length) {
      throw new InvalidInputException(
          at(path, "data"),
          "decodes to "
              + bytes.length
              + " bytes but shape "
              + JsonFields.shape(shape)
              + " of "
              + dtype
              + " needs "
              + (long) n * itemSize);
    }
    JsonNode scaleNode = JsonFields.optional(node, "scale");
    double scale = scaleNode == null ? 1.0 : JsonFields.finiteValue(scaleNode, at(path, "scale"));
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double v =
          switch (itemSize) {
            case 8 -> buf.getDouble();
            case 4 -> buf.getFloat();
            default -> buf.get() & 0xff;
          };
      // Multiplying only when a scale is given keeps -0.0 and exact values untouched otherwise.
      out[i] = scaleNode == null ? v : v * scale;
      if (Double.isFinite(v) && !Double.isFinite(out[i])) {
        throw new InvalidInputException(
            elementPath(path, shape, i),
            "is "
                + v
                + " · scale "
                + scale
                + " = "
                + out[i]
                + "; values must be finite (check "
                + at(path, "scale")
                + ")");
      }
    }
    return out;
  }

  /**
   * Names the first character of {@code data} that is neither in the base64 alphabet nor whitespace
   * (the decoder's own message gives only its hexadecimal code).
   */
  private static void checkAlphabet(String data, String path) {
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '+'
              || c == '/'
              || c == '='
              || c == ' '
              || c == '\t'
              || c == '\n'
              || c == '\r'
              || c == '\f';
      if (!ok) {
        throw new InvalidInputException(
            path,
            String.format(
                java.util.Locale.ROOT,
                "is not valid base64: character '%c' (U+%04X) at position %d is not in the"
                    + " base64 alphabet",
                c,
                (int) c,
                i));
      }
    }
  }

  /** The number of elements of {@code shape}. */
  public static int numel(int[] shape, String path) {
    long n = 1;
    for (int s : shape) {
      n *= s;
      if (n > Integer.MAX_VALUE - 8) {
        throw new InvalidInputException(
            path, "has shape " + JsonFields.shape(shape) + ", which is too large for one array");
      }
    }
    return (int) n;
  }

  /** The JSON path of flat (C-order) element {@code flat} of an array of {@code shape}. */
  public static String elementPath(String path, int[] shape, int flat) {
    int[] idx = new int[shape.length];
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = flat % shape[d];
      flat /= shape[d];
    }
    StringBuilder sb = new StringBuilder(path);
    for (int i : idx) {
      sb.append('[').append(i).append(']');
    }
    return sb.toString();
  }

  /**
   * The array at {@code key} ({@link #readDoubles}), or {@code null} when it is absent or JSON
   * {@code null} (a layer without bias).
   */
  public static double[] optional(JsonNode obj, String path, String key, int[] shape, String what) {
    JsonNode v = JsonFields.optional(obj, key);
    return v == null ? null : readDoubles(v, at(path, key), shape, what);
  }
}
