package org.vivit4j.loss;

/**
 * Softmax cross-entropy on logits with a class index: {@code ℓ = −log softmax(f)_y}. With {@code p
 * = softmax(f)}: gradient {@code p − onehot(y)}, Hessian {@code diag(p) − p pᵀ}, factor {@code S =
 * diag(√p) − p √pᵀ} ({@code S Sᵀ = H} because {@code Σ p = 1}).
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
}
