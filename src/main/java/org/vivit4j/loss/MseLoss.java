package org.vivit4j.loss;

import java.util.SplittableRandom;
import org.vivit4j.model.Reduction;

/**
 * Squared error of one sample: {@code ℓ = h/2 · Σ_c (f_c − y_c)²} with {@code h = 2/C} for
 * reduction mean ({@code ℓ} is then the mean over the C outputs, as PyTorch's per-sample term) and
 * {@code h = 2} for sum. Gradient {@code h (f − y)}, Hessian {@code h I}, factor {@code S = √h I}.
 * Monte-Carlo: column {@code √h·ε}, {@code ε ~ N(0, I)} ({@code E[h ε εᵀ] = h I}).
 */
final class MseLoss extends Loss {
  private final Reduction reduction;

  MseLoss(Reduction reduction) {
    this.reduction = reduction;
  }

  private double h(int c) {
    return reduction == Reduction.MEAN ? 2.0 / c : 2.0;
  }

  @Override
  protected double valueImpl(double[] f, Target t) {
    double s = 0;
    for (int c = 0; c < f.length; c++) {
      double d = f[c] - t.real()[t.offset() + c];
      s += d * d;
    }
    return h(f.length) / 2 * s;
  }

  @Override
  protected double[] gradientImpl(double[] f, Target t) {
    double h = h(f.length);
    double[] g = new double[f.length];
    for (int c = 0; c < f.length; c++) {
      g[c] = h * (f[c] - t.real()[t.offset() + c]);
    }
    return g;
  }

  @Override
  protected double[] sqrtHessianImpl(double[] f, Target t) {
    int c = f.length;
    double[] s = new double[c * c];
    double v = Math.sqrt(h(c));
    for (int i = 0; i < c; i++) {
      s[i * c + i] = v;
    }
    return s;
  }

  /** {@code S = √h I}: {@code a = h (f − y) / √h}. */
  @Override
  protected double[] gradientCoefficientsImpl(double[] f, Target t) {
    double[] a = gradientImpl(f, t);
    double v = Math.sqrt(h(f.length));
    for (int c = 0; c < a.length; c++) {
      a[c] /= v;
    }
    return a;
  }

  @Override
  protected double[] sampledSqrtHessianImpl(
      double[] f, Target t, int samples, SplittableRandom rng) {
    int c = f.length;
    double v = Math.sqrt(h(c));
    double[] s = new double[c * samples];
    for (int m = 0; m < samples; m++) {
      for (int i = 0; i < c; i++) {
        s[i * samples + m] = v * gaussian(rng);
      }
    }
    return s;
  }
}
