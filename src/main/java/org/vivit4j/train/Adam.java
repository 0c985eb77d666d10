package org.vivit4j.train;

import java.util.Locale;

/**
 * Adam (Kingma and Ba), as PyTorch's {@code Adam} without weight decay: {@code m ← β₁m + (1−β₁)g},
 * {@code v ← β₂v + (1−β₂)g²}, {@code θ ← θ − η m̂ / (√v̂ + ε)} with bias-corrected {@code m̂, v̂}.
 */
public final class Adam implements Optimizer {
  private final double lr;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private double[] m;
  private double[] v;
  private int t;

  public Adam(double lr, double beta1, double beta2, double eps) {
    if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
      throw new IllegalArgumentException("need lr > 0, 0 <= betas < 1, eps > 0");
    }
    this.lr = lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
  }

  public Adam(double lr) {
    this(lr, 0.9, 0.999, 1e-8);
  }

  @Override
  public void step(double[] theta, double[] grad) {
    if (m == null) {
      m = new double[theta.length];
      v = new double[theta.length];
    }
    t++;
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < theta.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
      v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i];
      theta[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
    }
  }

  @Override
  public String describe() {
    return String.format(Locale.ROOT, "adam(lr=%g, betas=(%g, %g), eps=%g)", lr, beta1, beta2, eps);
  }
}
