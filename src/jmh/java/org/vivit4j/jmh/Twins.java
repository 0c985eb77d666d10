package org.vivit4j.jmh;

import java.util.SplittableRandom;

/** Float64 twins of the benchmarked operations, checked on sampled entries before timing. */
final class Twins {
  private Twins() {}

  static double[] random(SplittableRandom rnd, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextDouble(-1, 1);
    }
    return x;
  }

  private static void check(double got, double want, double scale, double tol, String what) {
    if (!(Math.abs(got - want) <= tol * Math.max(scale, Double.MIN_NORMAL))) {
      throw new IllegalStateException(what + ": " + got + " vs twin " + want);
    }
  }

  static void checkMulTransB(
      double[] a, double[] b, double[] c, int m, int k, int n, double tol, String what) {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int t = 0; t < 64; t++) {
      int i = rnd.nextInt(m);
      int j = rnd.nextInt(n);
      double s = 0;
      double abs = 0;
      for (int p = 0; p < k; p++) {
        s += a[i * k + p] * b[j * k + p];
        abs += Math.abs(a[i * k + p] * b[j * k + p]);
      }
      check(c[i * n + j], s, abs, tol, what);
    }
  }

  static void checkMul(
      double[] a, double[] b, double[] c, int m, int k, int n, double tol, String what) {
    SplittableRandom rnd = new SplittableRandom(8);
    for (int t = 0; t < 64; t++) {
      int i = rnd.nextInt(m);
      int j = rnd.nextInt(n);
      double s = 0;
      double abs = 0;
      for (int p = 0; p < k; p++) {
        s += a[i * k + p] * b[p * n + j];
        abs += Math.abs(a[i * k + p] * b[p * n + j]);
      }
      check(c[i * n + j], s, abs, tol, what);
    }
  }

  /** {@code (b bᵀ)[i,j] · (q[i/ct, j/ct] + 1)}. */
  static void checkFactorGram(
      double[] b, double[] q, double[] acc, int g, int k, int ct, double tol, String what) {
    SplittableRandom rnd = new SplittableRandom(9);
    int qc = g / ct;
    for (int t = 0; t < 64; t++) {
      int i = rnd.nextInt(g);
      int j = rnd.nextInt(g);
      double s = 0;
      double abs = 0;
      for (int p = 0; p < k; p++) {
        s += b[i * k + p] * b[j * k + p];
        abs += Math.abs(b[i * k + p] * b[j * k + p]);
      }
      double f = q[(i / ct) * qc + j / ct] + 1;
      check(acc[i * g + j], s * f, abs * Math.abs(f) + abs, tol, what);
    }
  }
}
