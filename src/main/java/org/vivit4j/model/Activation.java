package org.vivit4j.model;

import java.util.Locale;

/**
 * Element-wise activation functions {@code z = φ(a)}, applied entry by entry. Some carry one scalar
 * hyper-parameter (see {@link #paramName()}); PyTorch's names and defaults are used:
 *
 * <ul>
 *   <li>{@code relu}: {@code max(a, 0)}; {@code sigmoid}: {@code 1/(1 + e^{−a})}; {@code tanh}.
 *   <li>{@code leaky_relu}: {@code a} for {@code a > 0}, else {@code s·a}, with {@code s =
 *       negative_slope} (default 0.01).
 *   <li>{@code elu}: {@code a} for {@code a > 0}, else {@code α(e^a − 1)}, {@code α = alpha}
 *       (default 1).
 *   <li>{@code selu}: {@code λ·elu_α(a)} with PyTorch's fixed {@code α ≈ 1.6733}, {@code λ ≈
 *       1.0507}.
 * </ul>
 *
 * At {@code a = 0} the derivative is that of the {@code a ≤ 0} branch, as PyTorch's backward.
 */
public enum Activation {
  RELU,
  SIGMOID,
  TANH,
  LEAKY_RELU,
  ELU,
  SELU;

  /** The name used in problem files. */
  public String typeName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The problem-file key of this activation's hyper-parameter, or {@code null} when it has none.
   */
  public String paramName() {
    return switch (this) {
      case LEAKY_RELU -> "negative_slope";
      case ELU -> "alpha";
      default -> null;
    };
  }

  /** PyTorch's default of the hyper-parameter ({@code 0} when there is none). */
  public double defaultParam() {
    return switch (this) {
      case LEAKY_RELU -> 0.01;
      case ELU -> 1.0;
      default -> 0.0;
    };
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
