package org.vivit4j.loss;

import java.util.SplittableRandom;
import org.vivit4j.model.LossSpec;

/**
 * The math of a per-sample loss {@code ℓ(f, y)} on one sample's outputs {@code f ∈ R^C}: value,
 * gradient {@code ∂ℓ/∂f} and a symmetric factor {@code S ∈ R^{C×C̃}} of the Hessian, {@code S Sᵀ =
 * ∂²ℓ/∂f²} (MATH.md §2), or a Monte-Carlo one with {@code E[S Sᵀ] = M·∂²ℓ/∂f²} for M columns. The
 * reduction over samples and the Monte-Carlo {@code 1/√M} are not applied here: the caller applies
 * them ({@code Scaling} in the {@code core} package, which uses this one).
 */
public abstract class Loss {

  /** The loss for a spec; the reduction only changes {@link #value}'s per-sample convention. */
  public static Loss of(LossSpec spec) {
    return switch (spec.type()) {
      case MSE -> new MseLoss(spec.reduction());
      case CROSS_ENTROPY -> new CrossEntropyLoss();
      case BCE_WITH_LOGITS -> new BceWithLogitsLoss(spec.reduction());
    };
  }

  /** Number of factor columns {@code C̃} for {@code c} outputs. */
  public int factorColumns(int c) {
    return c;
  }

  /**
   * Columns of {@link #reducedSqrtHessian} for {@code c} outputs: the Hessian's rank bound when it
   * is below {@code c} (cross-entropy: {@code C − 1}), else {@code c}.
   */
  public int reducedFactorColumns(int c) {
    return factorColumns(c);
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

  /**
   * A factor {@code R} with {@code R Rᵀ = ∂²ℓ/∂f²} and only {@link #reducedFactorColumns} columns,
   * row-major {@code [C × C̃_r]}: the same GGN {@code V Vᵀ} from a narrower {@code V}, so every
   * product over the factor's columns (the Gram, {@code (N·C̃)²}) is cheaper; the Gram loses only
   * eigenvalues that are exactly zero. Losses of full-rank Hessians return {@link #sqrtHessian}.
   */
  public final double[] reducedSqrtHessian(double[] f, Target target) {
    return reducedSqrtHessianImpl(f, target);
  }

  /**
   * Coefficients {@code a} ({@code C̃} of them) with {@code S a = ∂ℓ/∂f} for the exact factor
   * {@code S} ({@link #sqrtHessian}, or {@link #reducedSqrtHessian} when {@code reduced}): the
   * gradient at the outputs lies in the factor's column space, so the sample's parameter gradient
   * is the combination {@code Jᵀ S a} of its GGN factor columns (MATH.md §5). Closed forms: MSE
   * {@code a = ∂ℓ/∂f / √h}; BCE {@code a_c = h(σ_c − y_c)/√(hσ_c(1 − σ_c))}; cross-entropy {@code
   * a_c = (p_c − y_c)/√p_c}, and {@code Qᵀ a} for the reduced factor {@code R = S Q}.
   *
   * @return the coefficients, or {@code null} where the gradient leaves the span in floating point
   *     (a factor column that underflowed to zero where the gradient is not zero)
   */
  public final double[] gradientCoefficients(double[] f, Target target, boolean reduced) {
    return reduced
        ? reducedGradientCoefficientsImpl(f, target)
        : gradientCoefficientsImpl(f, target);
  }

  /**
   * A Monte-Carlo Hessian factor: {@code samples} columns {@code s_m}, each drawn independently
   * with {@code E[s_m s_mᵀ] = ∂²ℓ/∂f²} (MATH.md §2: MSE {@code √h·ε}, {@code ε ~ N(0, I)};
   * cross-entropy {@code p − onehot(ŷ)}, {@code ŷ ~ Cat(p)}; BCE {@code √h (σ − ŷ)}, {@code ŷ_c ~
   * Bernoulli(σ_c)}), so that {@code S Sᵀ / M} is an unbiased estimate of the Hessian.
   *
   * @param rng the source of the draws; the result depends only on its state and the inputs
   * @return row-major {@code [C × samples]}
   */
  public final double[] sampledSqrtHessian(
      double[] f, Target target, int samples, SplittableRandom rng) {
    if (samples < 1) {
      throw new IllegalArgumentException("need at least one Monte-Carlo sample, got " + samples);
    }
    return sampledSqrtHessianImpl(f, target, samples, rng);
  }

  protected abstract double valueImpl(double[] f, Target target);

  protected abstract double[] gradientImpl(double[] f, Target target);

  protected abstract double[] sqrtHessianImpl(double[] f, Target target);

  /** {@link #reducedSqrtHessian}; by default the full factor. */
  protected double[] reducedSqrtHessianImpl(double[] f, Target target) {
    return sqrtHessianImpl(f, target);
  }

  protected abstract double[] gradientCoefficientsImpl(double[] f, Target target);

  /**
   * {@link #gradientCoefficients} for {@link #reducedSqrtHessian}; by default the full factor's.
   */
  protected double[] reducedGradientCoefficientsImpl(double[] f, Target target) {
    return gradientCoefficientsImpl(f, target);
  }

  protected abstract double[] sampledSqrtHessianImpl(
      double[] f, Target target, int samples, SplittableRandom rng);

  /** A standard normal draw (Box–Muller; {@code SplittableRandom} has none on Java 17). */
  protected static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }

  /**
   * One sample's target: a real vector (MSE, BCE) or a class index (cross-entropy).
   *
   * @param real the target vector, or {@code null}
   * @param offset start of this sample's target in {@code real}
   * @param classIndex the class index, or -1
   */
  public record Target(double[] real, int offset, int classIndex) {}
}
