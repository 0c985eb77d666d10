package org.vivit4j.train;

import java.util.Locale;

/**
 * Stochastic gradient descent with heavy-ball momentum, as PyTorch's {@code SGD}: {@code v ← μ v +
 * ∇L}, {@code θ ← θ − η v}.
 */
public final class Sgd implements Optimizer {
  private final double lr;
  private final double momentum;
  private double[] velocity;

  public Sgd(double lr, double momentum) {
    if (!(lr > 0) || !(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("need lr > 0 and 0 <= momentum < 1");
    }
    this.lr = lr;
    this.momentum = momentum;
  }

  @Override
  public void step(double[] theta, double[] grad) {
    if (velocity == null) {
      velocity = new double[theta.length];
    }
    for (int i = 0; i < theta.length; i++) {
      velocity[i] = momentum * velocity[i] + grad[i];
      theta[i] -= lr * velocity[i];
    }
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "sgd(lr=%g, momentum=%g)", lr, momentum);
  }
}
