package org.vivit4j.loss;

import java.util.SplittableRandom;

/**
 * Softmax cross-entropy on logits with a class index: {@code ℓ = −log softmax(f)_y}. With {@code p
 * = softmax(f)}: gradient {@code p − onehot(y)}, Hessian {@code diag(p) − p pᵀ}, factor {@code S =
 * diag(√p) − p √pᵀ} ({@code S Sᵀ = H} because {@code Σ p = 1}). Monte-Carlo: {@code ŷ ~ Cat(p)},
 * column {@code p − onehot(ŷ)} ({@code E[(p − e_ŷ)(p − e_ŷ)ᵀ] = diag(p) − p pᵀ}).
 */
final class CrossEntropyLoss extends Loss {

  /** Numerically stable softmax. */
  static double[] softmax(double[] f) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : f) {
      max = Math.max(max, v);
    }
    double[] p = new double[f.length];
    double z = 0;
    for (int c = 0; c < f.length; c++) {
      p[c] = Math.exp(f[c] - max);
      z += p[c];
    }
    for (int c = 0; c < f.length; c++) {
      p[c] /= z;
    }
    return p;
  }

  @Override
  protected double valueImpl(double[] f, Target t) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : f) {
      max = Math.max(max, v);
    }
    double z = 0;
    for (double v : f) {
      z += Math.exp(v - max);
    }
    return max + Math.log(z) - f[t.classIndex()];
  }

  @Override
  protected double[] gradientImpl(double[] f, Target t) {
    double[] g = softmax(f);
    g[t.classIndex()] -= 1;
    return g;
  }

  @Override
  protected double[] sqrtHessianImpl(double[] f, Target t) {
    double[] p = softmax(f);
    int c = p.length;
    double[] s = new double[c * c];
    for (int i = 0; i < c; i++) {
      double sqrtPi = Math.sqrt(p[i]);
      for (int j = 0; j < c; j++) {
        s[i * c + j] = -p[i] * Math.sqrt(p[j]);
      }
      s[i * c + i] += sqrtPi;
    }
    return s;
  }

  @Override
  protected double[] sampledSqrtHessianImpl(
      double[] f, Target t, int samples, SplittableRandom rng) {
    double[] p = softmax(f);
    int c = p.length;
    double[] s = new double[c * samples];
    for (int m = 0; m < samples; m++) {
      int drawn = categorical(p, rng.nextDouble());
      for (int i = 0; i < c; i++) {
        s[i * samples + m] = p[i] - (i == drawn ? 1 : 0);
      }
    }
    return s;
  }

  /**
   * The class {@code k} with {@code Σ_{i<k} p_i ≤ u < Σ_{i≤k} p_i}; when round-off leaves {@code u}
   * above the total, the last class of positive probability.
   */
  static int categorical(double[] p, double u) {
    double cum = 0;
    int last = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0) {
        last = i;
      }
      cum += p[i];
      if (u < cum && p[i] > 0) {
        return i;
      }
    }
    return last;
  }
}
