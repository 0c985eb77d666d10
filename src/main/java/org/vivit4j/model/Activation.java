package org.vivit4j.model;

import java.util.Locale;

/** Element-wise activation functions. */
public enum Activation {
  RELU,
  SIGMOID,
  TANH;

  /** The name used in problem files. */
  public String typeName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a problem-file type name, or returns {@code null} when it is not an activation. */
  public static Activation fromTypeName(String name) {
    for (Activation a : values()) {
      if (a.typeName().equals(name)) {
        return a;
      }
    }
    return null;
  }
}
