package org.vivit4j.model;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Element-wise activation functions {@code z = φ(a)}, applied entry by entry, each defined once
 * here: its value and derivative on the host (float64, and the float32 derivative of the CPU
 * backend), the OpenCL C statements of its derivative (filled into {@code
 * kernels/scale_by_activation_derivative.cl}) and its hyper-parameter. PyTorch's names and defaults
 * are used:
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
 *
 * <p>A hyper-parameter is a number, or one of a few named choices ({@link Param#choices()}), held
 * as the choice's index. The OpenCL statements read {@code x} (the input, float) and {@code param}
 * (the hyper-parameter as a float) and assign {@code d = φ'(x)}; they should keep a small relative
 * error where φ' is tiny (the kernel test compares within {@code 32u} of {@link
 * #derivativeMagnitude}).
 */
public enum Activation {
  RELU(null) {
    @Override
    public double value(double z, double p) {
      return z > 0 ? z : 0.0;
    }

    @Override
    public double derivative(double z, double p) {
      return z > 0 ? 1.0 : 0.0;
    }

    @Override
    public String openClDerivative() {
      return "d = x > 0.0f ? 1.0f : 0.0f;";
    }
  },
  SIGMOID(null) {
    @Override
    public double value(double z, double p) {
      return 1.0 / (1.0 + Math.exp(-z));
    }

    /** {@code σ(z)·σ(−z)}: no cancellation of {@code 1 − σ} for large {@code |z|}. */
    @Override
    public double derivative(double z, double p) {
      return 1.0 / ((1.0 + Math.exp(-z)) * (1.0 + Math.exp(z)));
    }

    @Override
    public double derivativeF32(float z, float p) {
      float s = (float) (1.0 / (1.0 + Math.exp(-z)));
      return s * (1f - s);
    }

    /** {@code e/(1 + e)²} with {@code e = exp(−|x|)}. */
    @Override
    public String openClDerivative() {
      return "const float e = exp(-fabs(x)); const float s = 1.0f + e; d = e / (s * s);";
    }
  },
  TANH(null) {
    @Override
    public double value(double z, double p) {
      return Math.tanh(z);
    }

    /** {@code 1/cosh²(z)}: {@code 1 − tanh²} is exactly 0 in double at {@code z = 25}. */
    @Override
    public double derivative(double z, double p) {
      double c = Math.cosh(z);
      return 1.0 / (c * c);
    }

    @Override
    public double derivativeF32(float z, float p) {
      float t = (float) Math.tanh(z);
      return 1f - t * t;
    }

    /** {@code 4e/(1 + e)²} with {@code e = exp(−2|x|)}. */
    @Override
    public String openClDerivative() {
      return "const float e = exp(-2.0f * fabs(x)); const float s = 1.0f + e;"
          + " d = 4.0f * e / (s * s);";
    }
  },
  LEAKY_RELU(Param.number("negative_slope", 0.01)) {
    @Override
    public double value(double z, double p) {
      return z > 0 ? z : p * z;
    }

    @Override
    public double derivative(double z, double p) {
      return z > 0 ? 1.0 : p;
    }

    @Override
    public double derivativeF32(float z, float p) {
      return z > 0 ? 1f : p;
    }

    @Override
    public String openClDerivative() {
      return "d = x > 0.0f ? 1.0f : param;";
    }

    @Override
    public double drawParam(SplittableRandom rnd) {
      return rnd.nextDouble(0.01, 0.5);
    }
  },
  ELU(Param.number("alpha", 1.0)) {
    @Override
    public double value(double z, double p) {
      return z > 0 ? z : p * Math.expm1(z);
    }

    @Override
    public double derivative(double z, double p) {
      return z > 0 ? 1.0 : p * Math.exp(z);
    }

    @Override
    public double derivativeF32(float z, float p) {
      return z > 0 ? 1f : p * (float) Math.exp(z);
    }

    @Override
    public String openClDerivative() {
      return "d = x > 0.0f ? 1.0f : param * exp(x);";
    }

    @Override
    public double drawParam(SplittableRandom rnd) {
      return rnd.nextDouble(0.5, 2.0);
    }
  },
  SELU(null) {
    @Override
    public double value(double z, double p) {
      return SELU_SCALE * (z > 0 ? z : SELU_ALPHA * Math.expm1(z));
    }

    @Override
    public double derivative(double z, double p) {
      return z > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(z);
    }

    @Override
    public double derivativeF32(float z, float p) {
      return z > 0 ? (float) SELU_SCALE : (float) (SELU_SCALE * SELU_ALPHA) * (float) Math.exp(z);
    }

    @Override
    public String openClDerivative() {
      return "d = x > 0.0f ? 1.0507009873554804934f : 1.7580993408473768599f * exp(x);";
    }
  };

  /** SELU's fixed {@code α} (PyTorch's value). */
  public static final double SELU_ALPHA = 1.6732632423543772848170429916717;

  /** SELU's fixed scale {@code λ} (PyTorch's value). */
  public static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /**
   * A hyper-parameter: its problem-file key and PyTorch's default; a number, or, when {@code
   * choices} is not empty, one of those strings, held as its index.
   */
  public record Param(String name, double defaultValue, List<String> choices) {
    static Param number(String name, double defaultValue) {
      return new Param(name, defaultValue, List.of());
    }

    static Param choice(String name, String defaultChoice, String... choices) {
      return new Param(name, List.of(choices).indexOf(defaultChoice), List.of(choices));
    }
  }

  private final Param param;

  Activation(Param param) {
    this.param = param;
  }

  /** {@code φ(z)} with hyper-parameter {@code p} (ignored by activations without one). */
  public abstract double value(double z, double p);

  /**
   * {@code φ'(z)} in float64; at a kink the left branch ({@code z ≤ 0}) as PyTorch's backward.
   * Accurate in relative terms where φ' is tiny: the OpenCL kernel is checked against it.
   */
  public abstract double derivative(double z, double p);

  /**
   * {@code φ'(z)} as the CPU backend's float32 mode computes it (float32 arithmetic where it
   * matters, as the OpenCL kernel); by default the float64 derivative at the float inputs.
   */
  public double derivativeF32(float z, float p) {
    return (float) derivative(z, p);
  }

  /**
   * The sum of the magnitudes of the terms φ' is computed from, a bound on the scale of its
   * rounding errors; {@code |φ'(z)|} unless φ' is a sum whose terms can cancel.
   */
  public double derivativeMagnitude(double z, double p) {
    return Math.abs(derivative(z, p));
  }

  /** OpenCL C statements assigning {@code d = φ'(x)} from {@code x} and {@code param} (floats). */
  public abstract String openClDerivative();

  /**
   * A hyper-parameter value drawn for random test networks from the range worth testing (PyTorch's
   * default when there is nothing to draw; then {@code rnd} is not advanced).
   */
  public double drawParam(SplittableRandom rnd) {
    if (param != null && !param.choices().isEmpty()) {
      return rnd.nextInt(param.choices().size());
    }
    return defaultParam();
  }

  /** The name used in problem files. */
  public String typeName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The hyper-parameter, or {@code null} when there is none. */
  public Param param() {
    return param;
  }

  /**
   * The problem-file key of this activation's hyper-parameter, or {@code null} when it has none.
   */
  public String paramName() {
    return param == null ? null : param.name();
  }

  /** PyTorch's default of the hyper-parameter ({@code 0} when there is none). */
  public double defaultParam() {
    return param == null ? 0.0 : param.defaultValue();
  }

  /** The hyper-parameter as a problem file spells it: a choice's name, else the number. */
  public String paramText(double p) {
    if (param != null && !param.choices().isEmpty() && isChoice(p)) {
      return param.choices().get((int) p);
    }
    return Double.toString(p);
  }

  /**
   * Why {@code p} is not a valid hyper-parameter ({@code null} when it is, or when there is none):
   * a number must be finite, a choice the index of one.
   */
  public String paramProblem(double p) {
    if (param == null) {
      return null;
    }
    if (param.choices().isEmpty()) {
      return Double.isFinite(p) ? null : "is " + p + "; it must be finite";
    }
    return isChoice(p)
        ? null
        : "is " + p + "; it must be the index of one of " + String.join(", ", param.choices());
  }

  private boolean isChoice(double p) {
    return p >= 0 && p < param.choices().size() && p == Math.rint(p);
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
