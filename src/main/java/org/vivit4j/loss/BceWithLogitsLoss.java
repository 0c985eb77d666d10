package org.vivit4j.loss;

import java.util.SplittableRandom;
import org.vivit4j.model.Reduction;

/**
 * Binary cross-entropy on logits of one sample with targets {@code y ∈ [0, 1]^C}, PyTorch's {@code
 * BCEWithLogitsLoss}: {@code ℓ = h · Σ_c [log(1 + e^{f_c}) − y_c f_c]} with {@code h = 1/C} for
 * reduction mean (PyTorch divides by N·C: the 1/C here times R = 1/N) and {@code h = 1} for sum.
 * With {@code σ = sigmoid(f)}: gradient {@code h (σ − y)}, Hessian {@code h·diag(σ ⊙ (1 − σ))},
 * factor {@code S = diag(√(h σ (1 − σ)))} ({@code C̃ = C}). Monte-Carlo: {@code ŷ_c ~
 * Bernoulli(σ_c)} independently, column {@code √h (σ − ŷ)}: {@code E[(σ − ŷ)(σ − ŷ)ᵀ] = diag(σ(1 −
 * σ))}.
 */
final class BceWithLogitsLoss extends Loss {
  private final Reduction reduction;

  BceWithLogitsLoss(Reduction reduction) {
    this.reduction = reduction;
  }

  private double h(int c) {
    return reduction == Reduction.MEAN ? 1.0 / c : 1.0;
  }

  /** {@code σ(f)} without overflow for large |f|. */
  static double sigmoid(double f) {
    if (f >= 0) {
      return 1 / (1 + Math.exp(-f));
    }
    double e = Math.exp(f);
    return e / (1 + e);
  }

  @Override
  protected double valueImpl(double[] f, Target t) {
    double s = 0;
    for (int c = 0; c < f.length; c++) {
      // log(1 + e^f) = max(f, 0) + log1p(e^{−|f|}), stable for any f
      s +=
          Math.max(f[c], 0)
              + Math.log1p(Math.exp(-Math.abs(f[c])))
              - t.real()[t.offset() + c] * f[c];
    }
    return h(f.length) * s;
  }

  @Override
  protected double[] gradientImpl(double[] f, Target t) {
    double h = h(f.length);
    double[] g = new double[f.length];
    for (int c = 0; c < f.length; c++) {
      g[c] = h * (sigmoid(f[c]) - t.real()[t.offset() + c]);
    }
    return g;
  }

  @Override
  protected double[] sqrtHessianImpl(double[] f, Target t) {
    int c = f.length;
    double h = h(c);
    double[] s = new double[c * c];
    for (int i = 0; i < c; i++) {
      // σ(f)·σ(−f) = σ(1 − σ) without the cancellation of 1 − σ for large f
      s[i * c + i] = Math.sqrt(h * sigmoid(f[i]) * sigmoid(-f[i]));
    }
    return s;
  }

  /**
   * {@code S} is diagonal: {@code a_c = h(σ_c − y_c) / S_cc}; null when some {@code S_cc}
   * underflowed to 0 (|f_c| above about 745) while {@code σ_c ≠ y_c}.
   */
  @Override
  protected double[] gradientCoefficientsImpl(double[] f, Target t) {
    double[] a = gradientImpl(f, t);
    double[] s = sqrtHessianImpl(f, t);
    int c = f.length;
    for (int i = 0; i < c; i++) {
      double d = s[i * c + i];
      if (d == 0) {
        if (a[i] != 0) {
          return null;
        }
      } else {
        a[i] /= d;
      }
    }
    return a;
  }

  @Override
  protected double[] sampledSqrtHessianImpl(
      double[] f, Target t, int samples, SplittableRandom rng) {
    int c = f.length;
    double sqrtH = Math.sqrt(h(c));
    double[] s = new double[c * samples];
    for (int m = 0; m < samples; m++) {
      for (int i = 0; i < c; i++) {
        double p = sigmoid(f[i]);
        double draw = rng.nextDouble() < p ? 1 : 0;
        s[i * samples + m] = sqrtH * (p - draw);
      }
    }
    return s;
  }
}
