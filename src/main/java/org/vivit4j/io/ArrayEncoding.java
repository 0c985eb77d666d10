package org.vivit4j.io;

import java.util.Locale;

/**
 * How a result file writes its float arrays ({@code solve --encode}, docs/SCHEMA.md).
 *
 * <ul>
 *   <li>{@link #TEXT}: nested JSON lists of decimal numbers in the shortest form that reads back to
 *       the same double (about 19 bytes per value).
 *   <li>{@link #BASE64}: the schema's encoded-array object {@code {"encoding": "base64", "dtype":
 *       "float64", "byte_order": "little", "shape": [...], "data": "..."}}, the raw IEEE-754 bits
 *       in C order (about 10.7 bytes per value, exact by construction, and much cheaper to write).
 * </ul>
 */
public enum ArrayEncoding {
  TEXT,
  BASE64;

  /** The name used on the command line and in docs: {@code text} or {@code base64}. */
  public String optionName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The encoding named {@code name} ({@code text}, {@code base64}), or null for any other. */
  public static ArrayEncoding fromOptionName(String name) {
    for (ArrayEncoding e : values()) {
      if (e.optionName().equals(name)) {
        return e;
      }
    }
    return null;
  }
}
