package org.vivit4j.backend;

import org.vivit4j.model.Activation;

/** Scalar activation functions and their derivatives, shared by the host forward pass. */
public final class ActivationMath {
  private ActivationMath() {}

  /** {@code φ(z)}. */
  public static double value(Activation act, double z) {
    return switch (act) {
      case RELU -> z > 0 ? z : 0.0;
      case SIGMOID -> sigmoid(z);
      case TANH -> Math.tanh(z);
    };
  }

  /**
   * {@code φ'(z)}; ReLU uses {@code φ'(0) = 0} as PyTorch does. With {@code f32} the result is
   * computed in float32 arithmetic.
   */
  public static double derivative(Activation act, double z, boolean f32) {
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
    };
  }

  private static double sigmoid(double z) {
    return 1.0 / (1.0 + Math.exp(-z));
  }
}
