package org.vivit4j.model;

/**
 * The primitives an activation's reference definition ({@link Activation#reference}) is written
 * with, entry by entry on values of type {@code T}. The reference implements them on its tape,
 * where each primitive records its own vector-Jacobian product; so the derivative an activation
 * states by hand ({@link Activation#derivative}, the OpenCL statements) is checked against one the
 * tape derives from a second writing of the function. An activation composed of these primitives is
 * defined in one file; a new primitive is added here and on the tape.
 *
 * <p>At a kink the derivative is that of the left branch ({@code a ≤ 0}), as PyTorch's backward.
 *
 * @param <T> the values (the reference's tape nodes)
 */
public interface ElementwiseAlgebra<T> {
  /** {@code a + b}. */
  T add(T a, T b);

  /** {@code a ⊙ b}. */
  T mul(T a, T b);

  /** {@code s·a + t}. */
  T affine(T a, double s, double t);

  /** {@code e^a}. */
  T exp(T a);

  /** {@code tanh a}. */
  T tanh(T a);

  /** {@code σ(a) = 1/(1 + e^{−a})}. */
  T sigmoid(T a);

  /** {@code max(a, 0)}. */
  T relu(T a);

  /** {@code a} for {@code a > 0}, else {@code slope·a}. */
  T leakyRelu(T a, double slope);

  /** {@code scale·a} for {@code a > 0}, else {@code scale·alpha·(e^a − 1)}. */
  T elu(T a, double alpha, double scale);

  /** {@code Φ(a)}, the standard normal distribution function. */
  T normalCdf(T a);

  /**
   * PyTorch's {@code softplus(a, beta, threshold)}: {@code a} where {@code βa > threshold}, else
   * {@code log(1 + e^{βa})/β} (without overflow of {@code e^{βa}}); an infinite threshold never
   * takes the linear branch.
   */
  T softplus(T a, double beta, double threshold);
}
