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

  /** {@code C − 1}: {@code H = diag(p) − p pᵀ} has the null vector {@code 1} (for C ≥ 2). */
  @Override
  public int reducedFactorColumns(int c) {
    return c >= 2 ? c - 1 : c;
  }

  /**
   * {@code R = S Q} with {@code Q [C × (C−1)]} an orthonormal basis of {@code u⊥}, {@code u = √p}
   * (a unit vector, {@code S u = √p⊙√p − p Σp = 0}): then {@code R Rᵀ = S (I − u uᵀ) Sᵀ = S Sᵀ =
   * H}. Q is the Householder reflection {@code I − w wᵀ / (1 + u_m)}, {@code w = u + e_m}, which
   * maps u to {@code −e_m}, without its column m; m is the largest {@code u_m} (so {@code 1 + u_m ≥
   * 1 + 1/√C} never cancels). As {@code S w = S e_m}, column j of R is {@code S[:, j] − S[:, m] u_j
   * / (1 + u_m)}.
   */
  @Override
  protected double[] reducedSqrtHessianImpl(double[] f, Target t) {
    int c = f.length;
    double[] s = sqrtHessianImpl(f, t);
    if (c < 2) {
      return s;
    }
    double[] p = softmax(f);
    int m = largest(p);
    double denom = 1 + Math.sqrt(p[m]);
    int ct = c - 1;
    double[] r = new double[c * ct];
    for (int j = 0, col = 0; j < c; j++) {
      if (j == m) {
        continue;
      }
      double w = Math.sqrt(p[j]) / denom;
      for (int i = 0; i < c; i++) {
        r[i * ct + col] = s[i * c + j] - s[i * c + m] * w;
      }
      col++;
    }
    return r;
  }

  /**
   * {@code S a = Σ_c a_c √p_c (e_c − p) = g − p Σ_c g_c = g} for {@code a_c = g_c / √p_c}, {@code g
   * = p − onehot(y)}, as {@code Σ_c g_c = 0}. A class of {@code p_c = 0} other than y has {@code
   * g_c = 0} and {@code a_c = 0}; {@code p_y = 0} (an infinite loss) has no coefficients: null.
   */
  @Override
  protected double[] gradientCoefficientsImpl(double[] f, Target t) {
    double[] p = softmax(f);
    double[] a = new double[p.length];
    for (int c = 0; c < p.length; c++) {
      double g = p[c] - (c == t.classIndex() ? 1 : 0);
      if (p[c] == 0) {
        if (g != 0) {
          return null;
        }
      } else {
        a[c] = g / Math.sqrt(p[c]);
      }
    }
    return a;
  }

  /**
   * {@code R Qᵀ a = S Q Qᵀ a = S (I − u uᵀ) a = S a} as {@code S u = 0}: the reduced coefficients
   * are {@code Qᵀ a}, entry {@code j ≠ m} being {@code a_j − u_j (wᵀa) / (1 + u_m)} with {@code w =
   * u + e_m} (the reflection of {@link #reducedSqrtHessianImpl}).
   */
  @Override
  protected double[] reducedGradientCoefficientsImpl(double[] f, Target t) {
    double[] a = gradientCoefficientsImpl(f, t);
    int c = f.length;
    if (a == null || c < 2) {
      return a;
    }
    double[] p = softmax(f);
    int m = largest(p);
    double um = Math.sqrt(p[m]);
    double wa = a[m];
    for (int j = 0; j < c; j++) {
      wa += Math.sqrt(p[j]) * a[j];
    }
    double scale = wa / (1 + um);
    double[] r = new double[c - 1];
    for (int j = 0, col = 0; j < c; j++) {
      if (j != m) {
        r[col++] = a[j] - Math.sqrt(p[j]) * scale;
      }
    }
    return r;
  }

  /** The first class of the largest probability (the reflection's {@code m}). */
  private static int largest(double[] p) {
    int m = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[m]) {
        m = i;
      }
    }
    return m;
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
