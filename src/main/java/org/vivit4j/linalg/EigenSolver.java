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
   * Largest Gram size {@code N·C̃} that {@link #AUTO} hands to the dense solver. Measured with the
   * JMH {@code EigenSolverBenchmark} (top 11 eigenpairs of Wishart Gram matrices, 2-core CI
   * machine, warm JVM): dense 0.57 / 3.7 / 22 / 155 / 1513 ms against Lanczos 3.2 / 4.1 / 4.8 / 11
   * / 33 ms at n = 64 / 128 / 256 / 512 / 1024; they cross between 128 and 256.
   */
  public static final int AUTO_DENSE_MAX_SIZE = 160;

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
