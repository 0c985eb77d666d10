package org.vivit4j.backend;

/** Arithmetic precision of a backend's heavy computations. The eigensolve is always float64. */
public enum Precision {
  FLOAT64,
  FLOAT32;

  public String typeName() {
    return this == FLOAT64 ? "float64" : "float32";
  }

  public static Precision fromTypeName(String name) {
    return switch (name) {
      case "float64" -> FLOAT64;
      case "float32" -> FLOAT32;
      default -> null;
    };
  }
}
