package org.vivit4j.backend;

import org.vivit4j.model.Activation;

/**
 * Scalar activation functions and their derivatives (formulas in {@link Activation}), shared by the
 * host forward pass and the CPU backend. {@code param} is the activation's hyper-parameter ({@code
 * negative_slope} of leaky_relu, {@code alpha} of elu), ignored by the others.
 */
public final class ActivationMath {
  private ActivationMath() {}

  /** SELU's fixed {@code α} (PyTorch's value). */
  public static final double SELU_ALPHA = 1.6732632423543772848170429916717;

  /** SELU's fixed scale {@code λ} (PyTorch's value). */
  public static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** {@code φ(z)} with the default hyper-parameter. */
  public static double value(Activation act, double z) {
    return value(act, act.defaultParam(), z);
  }

  /** {@code φ(z)}. */
  public static double value(Activation act, double param, double z) {
    return switch (act) {
      case RELU -> z > 0 ? z : 0.0;
      case SIGMOID -> sigmoid(z);
      case TANH -> Math.tanh(z);
      case LEAKY_RELU -> z > 0 ? z : param * z;
      case ELU -> z > 0 ? z : param * Math.expm1(z);
      case SELU -> SELU_SCALE * (z > 0 ? z : SELU_ALPHA * Math.expm1(z));
    };
  }

  /** {@code φ'(z)} with the default hyper-parameter. */
  public static double derivative(Activation act, double z, boolean f32) {
    return derivative(act, act.defaultParam(), z, f32);
  }

  /**
   * {@code φ'(z)}; at {@code z = 0} the {@code z ≤ 0} branch is used as in PyTorch (ReLU: 0,
   * leaky_relu: the slope, elu: α, selu: λα). With {@code f32} the result is computed in float32
   * arithmetic, as the OpenCL kernel does.
   */
  public static double derivative(Activation act, double param, double z, boolean f32) {
    if (f32) {
      float zf = (float) z;
      return switch (act) {
        case RELU -> zf > 0 ? 1f : 0f;
        case SIGMOID -> {
          float s = (float) (1.0 / (1.0 + Math.exp(-zf)));
          yield s * (1f - s);
        }
        case TANH -> {
          float t = (float) Math.tanh(zf);
          yield 1f - t * t;
        }
        case LEAKY_RELU -> zf > 0 ? 1f : (float) param;
        case ELU -> zf > 0 ? 1f : (float) param * (float) Math.exp(zf);
        case SELU ->
            zf > 0 ? (float) SELU_SCALE : (float) (SELU_SCALE * SELU_ALPHA) * (float) Math.exp(zf);
      };
    }
    return switch (act) {
      case RELU -> z > 0 ? 1.0 : 0.0;
      case SIGMOID -> {
        double s = sigmoid(z);
        yield s * (1 - s);
      }
      case TANH -> {
        double t = Math.tanh(z);
        yield 1 - t * t;
      }
      case LEAKY_RELU -> z > 0 ? 1.0 : param;
      case ELU -> z > 0 ? 1.0 : param * Math.exp(z);
      case SELU -> z > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(z);
    };
  }

  private static double sigmoid(double z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }
}
