package org.vivit4j.loss;

import org.vivit4j.model.LossSpec;

/**
 * The math of a per-sample loss {@code ℓ(f, y)} on one sample's outputs {@code f ∈ R^C}: value,
 * gradient {@code ∂ℓ/∂f} and a symmetric factor {@code S ∈ R^{C×C̃}} of the Hessian, {@code S Sᵀ =
 * ∂²ℓ/∂f²} (MATH.md §2). The reduction over samples is not applied here: see {@link
 * org.vivit4j.core.Scaling}.
 */
public abstract class Loss {

  /** The loss for a spec; the reduction only changes {@link #value}'s per-sample convention. */
  public static Loss of(LossSpec spec) {
    return switch (spec.type()) {
      case MSE -> new MseLoss(spec.reduction());
      case CROSS_ENTROPY -> new CrossEntropyLoss();
    };
  }

  /** Number of factor columns {@code C̃} for {@code c} outputs. */
  public int factorColumns(int c) {
    return c;
  }

  /**
   * Checks shapes and returns {@code ℓ(f, y_n)}.
   *
   * @param f outputs of sample n, length C (not modified)
   * @param target the sample's target: {@code yReal[n*C .. n*C+C)} or the class index
   */
  public final double value(double[] f, Target target) {
    return valueImpl(f, target);
  }

  /** {@code ∂ℓ/∂f}, length C. */
  public final double[] gradient(double[] f, Target target) {
    return gradientImpl(f, target);
  }

  /** {@code S} with {@code S Sᵀ = ∂²ℓ/∂f²}, row-major {@code [C × C̃]}. */
  public final double[] sqrtHessian(double[] f, Target target) {
    return sqrtHessianImpl(f, target);
  }

  protected abstract double valueImpl(double[] f, Target target);

  protected abstract double[] gradientImpl(double[] f, Target target);

  protected abstract double[] sqrtHessianImpl(double[] f, Target target);

  /**
   * One sample's target: a real vector (MSE) or a class index (cross-entropy).
   *
   * @param real the target vector, or {@code null}
   * @param offset start of this sample's target in {@code real}
   * @param classIndex the class index, or -1
   */
  public record Target(double[] real, int offset, int classIndex) {}
}
