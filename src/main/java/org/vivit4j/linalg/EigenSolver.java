package org.vivit4j.linalg;

import java.util.Locale;

/**
 * Which host eigensolver decomposes a Gram matrix.
 *
 * <ul>
 *   <li>{@link #DENSE}: EJML's symmetric QR algorithm ({@link SymmetricEigen}), the whole spectrum,
 *       {@code O(n³)}.
 *   <li>{@link #LANCZOS}: the top of the spectrum from block products ({@link LanczosTopK}), as
 *       many eigenpairs as the criterion needs; {@code O(n²)} per block product.
 *   <li>{@link #AUTO}: dense up to {@link #AUTO_DENSE_MAX_SIZE} and whenever the criterion needs
 *       the whole spectrum, Lanczos above.
 * </ul>
 */
public enum EigenSolver {
  AUTO,
  DENSE,
  LANCZOS;

  /**
   * Largest Gram size {@code N·C̃} that {@link #AUTO} hands to the dense solver. Measured on the
   * 2-core CI machine for the top 11 eigenpairs of Gram-like (Wishart) matrices: dense 0.034 s vs
   * Lanczos 0.029 s at 200, 0.44 s vs 0.03 s at 640, 3.6 s vs 0.06 s at 1280, 47 s vs 0.3 s at 2560
   * (see results/ and the eigensolver benchmark).
   */
  public static final int AUTO_DENSE_MAX_SIZE = 256;

  private final String optionName = name().toLowerCase(Locale.ROOT);

  public String optionName() {
    return optionName;
  }

  /** Parses {@code auto}, {@code dense} or {@code lanczos}; null for anything else. */
  public static EigenSolver fromOptionName(String name) {
    return switch (name) {
      case "auto" -> AUTO;
      case "dense" -> DENSE;
      case "lanczos" -> LANCZOS;
      default -> null;
    };
  }
}
