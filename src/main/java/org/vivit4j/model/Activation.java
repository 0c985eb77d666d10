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
 *   <li>{@code gelu}: {@code a·Φ(a)} with Φ the standard normal CDF ({@code approximate = "none"},
 *       the default), or {@code ½a(1 + tanh(√(2/π)(a + 0.044715a³)))} ({@code "tanh"}).
 *   <li>{@code softplus}: {@code log(1 + e^{βa})/β}, {@code β = beta} (default 1), and {@code a}
 *       where {@code βa > threshold} (only PyTorch's default 20).
 *   <li>{@code silu}: {@code a·σ(a)}; {@code logsigmoid}: {@code log σ(a)}; {@code mish}: {@code
 *       a·tanh(log(1 + e^a))}.
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
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      return f.relu(a);
    }

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
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      return f.sigmoid(a);
    }

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
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      return f.tanh(a);
    }

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
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      return f.leakyRelu(a, p);
    }

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
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      return f.elu(a, p, 1.0);
    }

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
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      // PyTorch's documented constants written again, not through SELU_ALPHA/SELU_SCALE: a
      // typo in either is caught by the comparison of the two paths
      return f.elu(a, 1.6732632423543772848170429916717, 1.0507009873554804934193349852946);
    }

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
  },
  GELU(Param.choice("approximate", "none", "none", "tanh")) {
    @Override
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      if (p == 0) {
        return f.mul(a, f.normalCdf(a));
      }
      // ½a(1 + tanh(√(2/π)(a + 0.044715a³))), differentiated by the tape
      T inner =
          f.affine(
              f.add(a, f.affine(f.mul(a, f.mul(a, a)), 0.044715, 0)), Math.sqrt(2 / Math.PI), 0);
      return f.mul(f.affine(a, 0.5, 0), f.affine(f.tanh(inner), 1, 1));
    }

    @Override
    public double value(double z, double p) {
      return p == 0 ? z * Gaussian.cdf(z) : z * Gaussian.tanhSigmoid(z);
    }

    /**
     * {@code Φ(z) + z·φ(z)}; tanh: {@code s + z·2k(1 + 3cz²)·s(1 − s)} with {@code s = σ(2u) = (1 +
     * tanh u)/2}, {@code u = k(z + cz³)}, {@code k = √(2/π)}, {@code c = 0.044715}.
     */
    @Override
    public double derivative(double z, double p) {
      return p == 0
          ? Gaussian.cdf(z) + z * Gaussian.pdf(z)
          : Gaussian.tanhSigmoid(z) + Gaussian.tanhSigmoidSlope(z);
    }

    /**
     * The two terms' magnitudes times {@code 1 + z²}: the float32 kernel rounds {@code z²/2} and
     * {@code z/√2} (or {@code 2u}) once, and Φ, φ and σ(2u) amplify that relative error by about
     * {@code z²} in the tails.
     */
    @Override
    public double derivativeMagnitude(double z, double p) {
      double terms =
          p == 0
              ? Gaussian.cdf(z) + Math.abs(z * Gaussian.pdf(z))
              : Gaussian.tanhSigmoid(z) + Math.abs(Gaussian.tanhSigmoidSlope(z));
      return terms * (1 + z * z);
    }

    /**
     * Φ through erfc (no cancellation of {@code 1 + erf} for negative x); σ(±2u) from exp(−|2u|).
     */
    @Override
    public String openClDerivative() {
      return "if (param == 0.0f) {"
          + " d = 0.5f * erfc(-0.70710678118654752f * x)"
          + " + 0.39894228040143268f * x * exp(-0.5f * x * x);"
          + " } else {"
          + " const float u2 = 1.5957691216057308f * (x + 0.044715f * x * x * x);"
          + " const float e = exp(-fabs(u2));"
          + " const float s = (u2 >= 0.0f ? 1.0f : e) / (1.0f + e);"
          + " const float sm = (u2 >= 0.0f ? e : 1.0f) / (1.0f + e);"
          + " d = s + (s * sm == 0.0f ? 0.0f"
          + " : 1.5957691216057308f * x * (1.0f + 0.134145f * x * x) * s * sm); }";
    }
  },
  SOFTPLUS(Param.number("beta", 1.0)) {
    @Override
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      return f.softplus(a, p, 20.0);
    }

    /**
     * {@code log(1 + e^{βz})/β}, or {@code z} where {@code βz > threshold} (PyTorch's linear
     * branch); {@code max(βz, 0) + log1p(e^{−|βz|})} keeps the small values of the left tail.
     */
    @Override
    public double value(double z, double p) {
      double u = p * z;
      if (u > SOFTPLUS_THRESHOLD) {
        return z;
      }
      return (Math.max(u, 0.0) + Math.log1p(Math.exp(-Math.abs(u)))) / p;
    }

    /** {@code σ(βz)} ({@code 1/(1 + e^{−βz})}, no cancellation), 1 on the linear branch. */
    @Override
    public double derivative(double z, double p) {
      double u = p * z;
      return u > SOFTPLUS_THRESHOLD ? 1.0 : 1.0 / (1.0 + Math.exp(-u));
    }

    /**
     * {@code |φ'|·(1 + |βz|)}: the float32 kernel rounds {@code βz} once, and σ amplifies that
     * relative error by about {@code |βz|} in the left tail.
     */
    @Override
    public double derivativeMagnitude(double z, double p) {
      return Math.abs(derivative(z, p)) * (1 + Math.abs(p * z));
    }

    /** {@code σ(u)} from {@code e = exp(−|u|)}: {@code 1/(1 + e)} or {@code e/(1 + e)}. */
    @Override
    public String openClDerivative() {
      return "const float u = param * x; const float e = exp(-fabs(u));"
          + " d = u > 20.0f ? 1.0f : (u >= 0.0f ? 1.0f : e) / (1.0f + e);";
    }

    @Override
    public List<Param> fixedParams() {
      return List.of(Param.number("threshold", SOFTPLUS_THRESHOLD));
    }

    /** β must be positive: {@code log(1 + e^{βz})/β} is undefined at 0. */
    @Override
    public String paramProblem(double p) {
      return Double.isFinite(p) && p > 0 ? null : "is " + p + "; it must be a finite number > 0";
    }

    @Override
    public double drawParam(SplittableRandom rnd) {
      return rnd.nextDouble(0.5, 2.0);
    }
  },
  SILU(null) {
    @Override
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      return f.mul(a, f.sigmoid(a));
    }

    /** {@code z·σ(z)}. */
    @Override
    public double value(double z, double p) {
      return z / (1.0 + Math.exp(-z));
    }

    /**
     * {@code σ(z)·(1 + z·σ(−z))}, each σ as {@code 1/(1 + e^{∓z})}: no {@code 1 − σ} that cancels
     * in the right tail.
     */
    @Override
    public double derivative(double z, double p) {
      double s = 1.0 / (1.0 + Math.exp(-z));
      double sm = 1.0 / (1.0 + Math.exp(z));
      return s == 0 ? 0.0 : s * (1.0 + z * sm);
    }

    /**
     * {@code σ(z)·(1 + |z|·σ(−z))}: the two terms cancel near the minimum of φ ({@code z ≈ −1.28}).
     */
    @Override
    public double derivativeMagnitude(double z, double p) {
      double s = 1.0 / (1.0 + Math.exp(-z));
      double sm = 1.0 / (1.0 + Math.exp(z));
      return s == 0 ? 0.0 : s * (1.0 + Math.abs(z) * sm);
    }

    /** σ(±x) from {@code e = exp(−|x|)}. */
    @Override
    public String openClDerivative() {
      return "const float e = exp(-fabs(x));"
          + " const float s = (x >= 0.0f ? 1.0f : e) / (1.0f + e);"
          + " const float sm = (x >= 0.0f ? e : 1.0f) / (1.0f + e);"
          + " d = s * (1.0f + x * sm);";
    }
  },
  LOGSIGMOID(null) {
    @Override
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      // log σ(a) = −softplus(−a), never on the linear branch
      return f.affine(f.softplus(f.affine(a, -1, 0), 1, Double.POSITIVE_INFINITY), -1, 0);
    }

    /** {@code log σ(z) = min(z, 0) − log1p(e^{−|z|})}, as PyTorch. */
    @Override
    public double value(double z, double p) {
      return Math.min(z, 0.0) - Math.log1p(Math.exp(-Math.abs(z)));
    }

    /** {@code σ(−z) = 1/(1 + e^{z})}: relative accuracy in the right tail. */
    @Override
    public double derivative(double z, double p) {
      return 1.0 / (1.0 + Math.exp(z));
    }

    /** {@code σ(−x)} from {@code e = exp(−|x|)}. */
    @Override
    public String openClDerivative() {
      return "const float e = exp(-fabs(x)); d = (x >= 0.0f ? e : 1.0f) / (1.0f + e);";
    }
  },
  MISH(null) {
    @Override
    public <T> T reference(ElementwiseAlgebra<T> f, T a, double p) {
      // PyTorch's mish: a·tanh(softplus(a)), its softplus without the linear branch
      return f.mul(a, f.tanh(f.softplus(a, 1, Double.POSITIVE_INFINITY)));
    }

    /** {@code z·tanh(s)}, {@code s = softplus(z) = max(z, 0) + log1p(e^{−|z|})}. */
    @Override
    public double value(double z, double p) {
      return z * Math.tanh(softplus(z));
    }

    /**
     * {@code tanh(s) + z·sech²(s)·σ(z)}, with {@code sech²(s) = 4q/(1 + q)²}, {@code q = e^{−2s}}:
     * no {@code 1 − tanh²} that cancels in the right tail.
     */
    @Override
    public double derivative(double z, double p) {
      double s = softplus(z);
      double q = Math.exp(-2 * s);
      return Math.tanh(s) + z * (4 * q / ((1 + q) * (1 + q))) / (1.0 + Math.exp(-z));
    }

    /**
     * {@code |tanh s| + |z·sech²(s)·σ(z)|}: the terms cancel near the minimum ({@code z ≈ −1.19}).
     */
    @Override
    public double derivativeMagnitude(double z, double p) {
      double s = softplus(z);
      double q = Math.exp(-2 * s);
      return Math.abs(Math.tanh(s))
          + Math.abs(z * (4 * q / ((1 + q) * (1 + q))) / (1.0 + Math.exp(-z)));
    }

    /** softplus and σ from {@code e = exp(−|x|)}; sech² from {@code q = exp(−2s)}. */
    @Override
    public String openClDerivative() {
      return "const float e = exp(-fabs(x));"
          + " const float s = fmax(x, 0.0f) + log1p(e);"
          + " const float sg = (x >= 0.0f ? 1.0f : e) / (1.0f + e);"
          + " const float q = exp(-2.0f * s);"
          + " d = tanh(s) + x * (4.0f * q / ((1.0f + q) * (1.0f + q))) * sg;";
    }
  };

  /** {@code log(1 + e^z) = max(z, 0) + log1p(e^{−|z|})}, without overflow. */
  private static double softplus(double z) {
    return Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
  }

  /** Softplus's {@code threshold} (PyTorch's default 20), the only value supported. */
  public static final double SOFTPLUS_THRESHOLD = 20.0;

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

  /**
   * PyTorch hyper-parameters that vivit4j computes only at their default ({@code threshold} of
   * softplus): the reader accepts them at that value and refuses any other as unsupported.
   */
  public List<Param> fixedParams() {
    return List.of();
  }

  /**
   * {@code φ(a)} written a second time, for the reference, with the primitives of {@code f} (on the
   * reference's tape, which then derives the derivative): PyTorch's formula and constants, not the
   * float64 code above, so that the fast path's {@link #value} and {@link #derivative} are checked
   * by an independent writing.
   */
  public abstract <T> T reference(ElementwiseAlgebra<T> f, T a, double p);

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

  /** The standard normal distribution and GELU's tanh form, accurate to a few ulps in float64. */
  private static final class Gaussian {
    private Gaussian() {}

    private static final double INV_SQRT_2PI = 0.39894228040143267794;
    private static final double K = 0.79788456080286535588; // √(2/π)
    private static final double C = 0.044715;

    /**
     * {@code φ(z) = e^{−z²/2}/√(2π)}, with the rounding error of {@code z²} (Veltkamp split) put
     * back: {@code e^{−h/2}} alone would carry a relative error {@code z²u/2}.
     */
    static double pdf(double z) {
      if (Math.abs(z) > 40) {
        return 0.0; // φ(40) ≈ 1e−348 underflows anyway; z² may not
      }
      double split = 134217729.0 * z;
      double hi = split - (split - z);
      double lo = z - hi;
      double h = z * z;
      double r = ((hi * hi - h) + 2 * hi * lo) + lo * lo;
      return INV_SQRT_2PI * Math.exp(-0.5 * h) * Math.exp(-0.5 * r);
    }

    /**
     * {@code Φ(z)}. For {@code t = −z} in [0, 1): {@code ½ − φ(t)·Σ t^{2n+1}/(2n+1)!!} (positive
     * terms); for {@code t ≥ 1}: {@code φ(t)·M(t)} with Mills' ratio as the continued fraction
     * {@code M(t) = 1/(t + 1/(t + 2/(t + 3/(t + …))))}, evaluated backwards from {@code 20 +
     * 400/t²} levels; {@code Φ(z) = 1 − Φ(−z)} for {@code z > 0}. A float64 prototype of this
     * algorithm stayed within 4 ulps of 40-digit values of Φ on a grid of step 0.01 over [−38, 0];
     * {@code ActivationTest} checks GELU at known points.
     */
    static double cdf(double z) {
      if (z > 0) {
        return 1.0 - cdf(-z);
      }
      double t = -z;
      if (Double.isNaN(t)) {
        return t;
      }
      if (t < 1) {
        double term = t;
        double sum = t;
        for (int n = 1; term > 1e-17 * sum; n++) {
          term *= t * t / (2 * n + 1);
          sum += term;
        }
        return 0.5 - pdf(t) * sum;
      }
      if (t > 40) {
        return 0.0;
      }
      int levels = (int) (20 + 400 / (t * t));
      double f = t;
      for (int k = levels; k >= 1; k--) {
        f = t + k / f;
      }
      return pdf(t) / f;
    }

    /**
     * {@code σ(2u) = (1 + tanh u)/2}, {@code u = k(z + cz³)}, without the cancellation of 1 + tanh.
     */
    static double tanhSigmoid(double z) {
      return 1.0 / (1.0 + Math.exp(-2 * K * (z + C * z * z * z)));
    }

    /** {@code z·2k(1 + 3cz²)·σ(2u)·σ(−2u)}: z times the derivative of σ(2u). */
    static double tanhSigmoidSlope(double z) {
      double u2 = 2 * K * (z + C * z * z * z);
      double s = 1.0 / ((1.0 + Math.exp(-u2)) * (1.0 + Math.exp(u2)));
      // s = 0 in the far tails, where the polynomial may overflow: 0, not ∞·0
      return s == 0 ? 0.0 : z * 2 * K * (1 + 3 * C * z * z) * s;
    }
  }
}
