package org.vivit4j.opencl;

import java.util.SplittableRandom;
import org.vivit4j.model.Activation;

/**
 * Plain-Java twins of the OpenCL kernels, accumulating in double, written independently of the
 * kernels (straight loops in index notation, no tiling). Each returns the exact result of the
 * kernel's formula on its (float32-representable) inputs and, where a tolerance needs it, the
 * magnitude the float32 rounding error scales with.
 */
final class KernelTwins {
  private KernelTwins() {}

  /** A twin's result and, per entry, the magnitude its float32 rounding error scales with. */
  record Twin(double[] value, double[] magnitude) {}

  /**
   * {@code c[i,j] = Σ_p a[i,p] b[p,j]}, a [m×k], b [k×n]; magnitude {@code Σ_p |a[i,p] b[p,j]|}.
   */
  static Twin mul(double[] a, double[] b, int m, int k, int n) {
    double[] c = new double[m * n];
    double[] mag = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double t = 0;
        for (int p = 0; p < k; p++) {
          double prod = a[i * k + p] * b[p * n + j];
          s += prod;
          t += Math.abs(prod);
        }
        c[i * n + j] = s;
        mag[i * n + j] = t;
      }
    }
    return new Twin(c, mag);
  }

  /**
   * {@code c[i,j] = Σ_p a[i,p] b[j,p]}, a [m×k], b [n×k]; magnitude {@code Σ_p |a[i,p] b[j,p]|}.
   */
  static Twin mulTransB(double[] a, double[] b, int m, int k, int n) {
    double[] c = new double[m * n];
    double[] mag = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        double t = 0;
        for (int p = 0; p < k; p++) {
          double prod = a[i * k + p] * b[j * k + p];
          s += prod;
          t += Math.abs(prod);
        }
        c[i * n + j] = s;
        mag[i * n + j] = t;
      }
    }
    return new Twin(c, mag);
  }

  /**
   * {@code acc[i,j] + p[i,j]·q[i/rowBlock, j/colBlock]} ({@code acc + p} when q is null), acc and p
   * [rows×cols]; magnitude {@code |acc[i,j]| + |p[i,j]·q[..]|}.
   */
  static Twin accumulateHadamardExpanded(
      double[] acc, double[] p, double[] q, int rows, int cols, int rowBlock, int colBlock) {
    double[] out = new double[rows * cols];
    double[] mag = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double term = p[i * cols + j];
        if (q != null) {
          term *= q[(i / rowBlock) * (cols / colBlock) + j / colBlock];
        }
        out[i * cols + j] = acc[i * cols + j] + term;
        mag[i * cols + j] = Math.abs(acc[i * cols + j]) + Math.abs(term);
      }
    }
    return new Twin(out, mag);
  }

  /**
   * {@code b[i,f]·φ'(z[i/block, f])}, b [rows×cols], z [rows/block × cols], with φ' the float64
   * definition {@link Activation#derivative} (the kernel's float32 statements come from the same
   * enum; the reference autograd checks the definition). Magnitude: {@code |b|·}{@link
   * Activation#derivativeMagnitude} plus the underflow allowance {@link
   * KernelTolerances#ACTIVATION_UNDERFLOW}, in units of {@link KernelTolerances#ACTIVATION}.
   */
  static Twin scaleByActivationDerivative(
      double[] b, double[] z, Activation act, int rows, int cols, int block) {
    return scaleByActivationDerivative(b, z, act, act.defaultParam(), rows, cols, block);
  }

  /**
   * As above for an activation with hyper-parameter {@code param} (slope of leaky_relu, α of elu).
   */
  static Twin scaleByActivationDerivative(
      double[] b, double[] z, Activation act, double param, int rows, int cols, int block) {
    double[] out = new double[rows * cols];
    double[] mag = new double[rows * cols];
    for (int i = 0; i < rows; i++) {
      for (int f = 0; f < cols; f++) {
        double x = z[(i / block) * cols + f];
        double v = b[i * cols + f] * act.derivative(x, param);
        out[i * cols + f] = v;
        mag[i * cols + f] =
            Math.abs(b[i * cols + f]) * act.derivativeMagnitude(x, param)
                + KernelTolerances.ACTIVATION_UNDERFLOW / KernelTolerances.ACTIVATION;
      }
    }
    return new Twin(out, mag);
  }

  /**
   * LayerNorm's Jacobian-transposed product: for row i (sample s = i/block) and group g of M,
   * {@code u = γ ⊙ b[i,g,:]}, {@code out[i,g,j] = r[s,g]·(u_j − mean u − x̂[s,g,j]·mean(x̂[s,g,:] ⊙
   * u))}; magnitude {@code |r|·(|u_j| + mean|u| + |x̂_j|·mean|x̂ ⊙ u|)}.
   */
  static Twin jactLayerNorm(
      double[] b,
      double[] xhat,
      double[] rstd,
      double[] gamma,
      int rows,
      int groups,
      int size,
      int block) {
    int width = groups * size;
    double[] out = new double[rows * width];
    double[] mag = new double[rows * width];
    for (int i = 0; i < rows; i++) {
      int s = i / block;
      for (int g = 0; g < groups; g++) {
        double su = 0;
        double sxu = 0;
        double au = 0;
        double axu = 0;
        for (int j = 0; j < size; j++) {
          double u = gamma[j] * b[i * width + g * size + j];
          double x = xhat[s * width + g * size + j];
          su += u;
          sxu += x * u;
          au += Math.abs(u);
          axu += Math.abs(x * u);
        }
        double r = rstd[s * groups + g];
        for (int j = 0; j < size; j++) {
          int t = i * width + g * size + j;
          double u = gamma[j] * b[t];
          double x = xhat[s * width + g * size + j];
          out[t] = r * (u - su / size - x * (sxu / size));
          mag[t] = Math.abs(r) * (Math.abs(u) + au / size + Math.abs(x) * axu / size);
        }
      }
    }
    return new Twin(out, mag);
  }

  /**
   * {@code out[i,j] = Σ_g b[i, g·M + j]·x̂[i/block, g·M + j]} ({@code x̂ ≡ 1} when {@code xhat} is
   * null); magnitude {@code Σ_g |b·x̂|}.
   */
  static Twin layerNormParamJacT(
      double[] b, double[] xhat, int rows, int groups, int size, int block) {
    int width = groups * size;
    double[] out = new double[rows * size];
    double[] mag = new double[rows * size];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < size; j++) {
        for (int g = 0; g < groups; g++) {
          double term = b[i * width + g * size + j];
          if (xhat != null) {
            term *= xhat[(i / block) * width + g * size + j];
          }
          out[i * size + j] += term;
          mag[i * size + j] += Math.abs(term);
        }
      }
    }
    return new Twin(out, mag);
  }

  /** {@code count} standard-normal values scaled by {@code scale}, rounded to float32. */
  static double[] randomFloats(SplittableRandom rng, int count, double scale) {
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = (float) (scale * gaussian(rng));
    }
    return v;
  }

  private static double gaussian(SplittableRandom rng) {
    // Box–Muller; SplittableRandom has no nextGaussian on Java 17
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }
}
