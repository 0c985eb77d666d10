package org.vivit4j.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.UnsupportedFeatureException;

/**
 * Typed access to the fields of a parsed JSON tree. Every failure is an {@link
 * InvalidInputException} whose field is the JSON path of the offending value, e.g. {@code
 * model[2].weight} or {@code param_groups[1].criterion.k}.
 */
public final class JsonFields {
  private JsonFields() {}

  /** The path of member {@code key} of the object at {@code path} ({@code ""} is the root). */
  public static String at(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The path of element {@code index} of the list at {@code path}. */
  public static String at(String path, int index) {
    return path + "[" + index + "]";
  }

  /** Member {@code key} of {@code obj}, or {@code null} when it is absent or JSON {@code null}. */
  public static JsonNode optional(JsonNode obj, String key) {
    JsonNode v = obj.get(key);
    return v == null || v.isNull() ? null : v;
  }

  /** Member {@code key} of {@code obj}; an error when it is absent or JSON {@code null}. */
  public static JsonNode required(JsonNode obj, String path, String key) {
    JsonNode v = optional(obj, key);
    if (v == null) {
      throw new InvalidInputException(at(path, key), "required field is missing");
    }
    return v;
  }

  /** Checks that {@code node} is a JSON object. */
  public static JsonNode object(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new InvalidInputException(path, "must be an object, got " + describe(node));
    }
    return node;
  }

  /** Checks that {@code node} is a JSON list. */
  public static JsonNode list(JsonNode node, String path) {
    if (!node.isArray()) {
      throw new InvalidInputException(path, "must be a list, got " + describe(node));
    }
    return node;
  }

  /**
   * Rejects members of {@code obj} outside {@code allowed}. Nested objects are checked this
   * strictly because a misspelt optional key (say {@code "bais"}) would otherwise silently change
   * the problem.
   */
  public static void onlyKeys(JsonNode obj, String path, String what, String... allowed) {
    Set<String> ok = Set.of(allowed);
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!ok.contains(key)) {
        throw new InvalidInputException(
            at(path, key),
            "is not a known field of " + what + "; expected one of " + new TreeSet<>(ok));
      }
    }
  }

  /** A JSON integer that fits in an {@code int}. */
  public static int intValue(JsonNode node, String path) {
    if (!node.isIntegralNumber()) {
      throw new InvalidInputException(path, "must be an integer, got " + describe(node));
    }
    if (!node.canConvertToInt()) {
      throw new InvalidInputException(path, "is out of the integer range: " + node.asText());
    }
    return node.intValue();
  }

  public static int requiredInt(JsonNode obj, String path, String key) {
    return intValue(required(obj, path, key), at(path, key));
  }

  /** A finite JSON number. */
  public static double finiteValue(JsonNode node, String path) {
    if (!node.isNumber()) {
      throw new InvalidInputException(path, "must be a number, got " + describe(node));
    }
    double v = node.doubleValue();
    checkFinite(v, path);
    return v;
  }

  /** Rejects NaN and ±Infinity. */
  public static void checkFinite(double v, String path) {
    if (!Double.isFinite(v)) {
      throw new InvalidInputException(path, "is " + v + "; values must be finite");
    }
  }

  public static String stringValue(JsonNode node, String path) {
    if (!node.isTextual()) {
      throw new InvalidInputException(path, "must be a string, got " + describe(node));
    }
    return node.textValue();
  }

  public static String requiredString(JsonNode obj, String path, String key) {
    return stringValue(required(obj, path, key), at(path, key));
  }

  /** A list of integers. */
  public static int[] intList(JsonNode node, String path) {
    list(node, path);
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = intValue(node.get(i), at(path, i));
    }
    return out;
  }

  /** Checks {@code value >= min}. */
  public static int atLeast(int value, int min, String path) {
    if (value < min) {
      throw new InvalidInputException(path, "is " + value + " but must be >= " + min);
    }
    return value;
  }

  /** A short description of a value for messages, e.g. {@code string "abc"} or {@code list}. */
  public static String describe(JsonNode node) {
    String text = node.isContainerNode() ? "" : node.toString();
    if (text.length() > 40) {
      text = text.substring(0, 37) + "...";
    }
    String type =
        switch (node.getNodeType()) {
          case ARRAY -> "a list";
          case OBJECT -> "an object";
          case STRING -> "string";
          case NUMBER -> "number";
          case BOOLEAN -> "boolean";
          case NULL -> "null";
          default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
        };
    return text.isEmpty() || node.isNull() ? type : type + " " + text;
  }

  /** {@code [a, b, c]} as used in messages. */
  public static String shape(int[] shape) {
    return Arrays.toString(shape);
  }

  /** The int at {@code key}, or {@code dflt} when it is absent or {@code null}. */
  public static int intOr(JsonNode node, String path, String key, int dflt) {
    JsonNode v = optional(node, key);
    return v == null ? dflt : intValue(v, at(path, key));
  }

  /** {@link #pair} at {@code key}, or {@code [dflt, dflt]} when it is absent or {@code null}. */
  public static int[] pairOr(JsonNode node, String path, String key, int dflt, int min) {
    JsonNode v = optional(node, key);
    return v == null ? new int[] {dflt, dflt} : pair(v, at(path, key), min);
  }

  /** An int or an {@code [h, w]} pair, each {@code >= min}. */
  public static int[] pair(JsonNode node, String path, int min) {
    int[] p;
    if (node.isArray()) {
      p = intList(node, path);
      if (p.length != 2) {
        throw new InvalidInputException(
            path, "must be an integer or a pair [h, w], got a list of " + p.length);
      }
    } else {
      int v = intValue(node, path);
      p = new int[] {v, v};
    }
    for (int d = 0; d < 2; d++) {
      atLeast(p[d], min, node.isArray() ? at(path, d) : path);
    }
    return p;
  }

  /** A JSON boolean. */
  public static boolean bool(JsonNode v, String path) {
    if (!v.isBoolean()) {
      throw new InvalidInputException(path, "must be true or false, got " + v);
    }
    return v.booleanValue();
  }

  /**
   * An option vivit4j supports only as {@code false} (or absent): {@code true} is an {@link
   * UnsupportedFeatureException} saying {@code what}.
   */
  public static void onlyFalse(JsonNode node, String path, String key, String what) {
    JsonNode v = optional(node, key);
    if (v != null && bool(v, at(path, key))) {
      throw new UnsupportedFeatureException(at(path, key), what);
    }
  }

  /** {@code "key": [h, w]}. */
  public static void writePair(JsonGenerator g, String key, int[] pair) throws IOException {
    g.writeFieldName(key);
    g.writeArray(pair, 0, 2);
  }
}
