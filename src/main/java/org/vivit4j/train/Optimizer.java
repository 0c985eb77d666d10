package org.vivit4j.train;

/** A first-order optimiser updating the flat parameter vector θ in place. */
public interface Optimizer {
  /**
   * One step {@code θ ← θ − update(∇L)}.
   *
   * @param theta parameters (modified)
   * @param grad batch gradient {@code ∇L} (not modified)
   */
  void step(double[] theta, double[] grad);

  /** A short description for reports, e.g. {@code sgd(lr=0.1, momentum=0.9)}. */
  String describe();
}
