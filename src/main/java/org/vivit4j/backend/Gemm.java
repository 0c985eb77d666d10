package org.vivit4j.backend;

import org.vivit4j.blas.NativeBlas;

/**
 * How {@link CpuBackend} computes its matrix products ({@code mul}, {@code mulTransB}).
 *
 * <ul>
 *   <li>{@link #PLAIN}: the plain Java loops (the reference implementation, always available).
 *   <li>{@link #BLAS}: an optimised native BLAS (OpenBLAS through {@code dev.ludovic.netlib}'s JNI
 *       binding, {@link NativeBlas}); {@code dgemm}/{@code dsyrk} in float64, {@code sgemm}/{@code
 *       ssyrk} in float32. Asking for it where it cannot be loaded is an error ({@link
 *       BlasUnavailableException}), never a silent fall back to the loops.
 * </ul>
 */
public enum Gemm {
  PLAIN,
  BLAS;

  /** The command-line name: {@code plain} or {@code blas}. */
  public String optionName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The fastest available choice: {@link #BLAS} when the native BLAS loads, else {@link #PLAIN}.
   * The choice is visible in {@link CpuBackend#deviceName()}.
   */
  public static Gemm fastestAvailable() {
    return NativeBlas.isAvailable() ? BLAS : PLAIN;
  }

  /**
   * Parses {@code auto}, {@code blas} or {@code plain}; {@code auto} is {@link
   * #fastestAvailable()}.
   *
   * @return null for an unknown name
   */
  public static Gemm fromOptionName(String name) {
    return switch (name) {
      case "auto" -> fastestAvailable();
      case "blas" -> BLAS;
      case "plain" -> PLAIN;
      default -> null;
    };
  }
}
