package org.vivit4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;

/**
 * Throughput of the backend's GEMM-shaped operations at the shapes of the 784-128-64-10 MLP: the
 * factor Gram {@code B Bᵀ} ({@code mulTransB}, {@code [G × 128]·[G × 128]ᵀ}) and the factor
 * backpropagation {@code B W} ({@code mul}, {@code [G × 128]·[128 × 784]}), with {@code G = N·C̃}.
 * Each is checked against a float64 product on a few entries before timing. The time includes
 * allocating the result; on OpenCL also the copy back to the host (which waits for the kernel).
 */
public final class OpsBench {
  private OpsBench() {}

  /** One operation at one size: {@code flops / median seconds}. */
  public record OpTiming(
      String op, String config, int g, int k, int n, double seconds, double gflops, double error) {}

  /** Hidden width of the first layer: the Gram contraction's inner dimension. */
  static final int K = 128;

  /** Input width: the backpropagated factor's width. */
  static final int IN = 784;

  public static List<OpTiming> run(Backend backend, String config, int[] sizes, int repeats) {
    List<OpTiming> out = new ArrayList<>();
    for (int g : sizes) {
      SplittableRandom rnd = new SplittableRandom(g);
      double[] b = random(rnd, g * K);
      double[] w = random(rnd, K * IN);
      try (DeviceMatrix db = backend.upload(b, g, K);
          DeviceMatrix dw = backend.upload(w, K, IN)) {
        out.add(time("mulTransB B·Bᵀ", config, backend, db, db, null, b, b, g, K, g, repeats));
        out.add(time("mul B·W", config, backend, db, null, dw, b, w, g, K, IN, repeats));
      }
    }
    return out;
  }

  private static OpTiming time(
      String op,
      String config,
      Backend backend,
      DeviceMatrix a,
      DeviceMatrix bt,
      DeviceMatrix b,
      double[] ah,
      double[] bh,
      int m,
      int k,
      int n,
      int repeats) {
    DeviceMatrix first = bt != null ? backend.mulTransB(a, bt) : backend.mul(a, b);
    double[] c = backend.download(first);
    first.close();
    double error = spotCheck(ah, bh, c, m, k, n, bt != null);
    double[] s = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      DeviceMatrix out = bt != null ? backend.mulTransB(a, bt) : backend.mul(a, b);
      // the result stays on the backend (an OpenCL backend waits for the kernel on download, so
      // there the copy back is included)
      if (!(backend instanceof org.vivit4j.backend.CpuBackend)) {
        backend.download(out);
      }
      s[r] = (System.nanoTime() - t0) * 1e-9;
      out.close();
    }
    double median = EndToEndBench.median(s);
    return new OpTiming(op, config, m, k, n, median, 2.0 * m * k * n / median * 1e-9, error);
  }

  /** Max relative error on 64 entries against a float64 inner product. */
  private static double spotCheck(
      double[] a, double[] b, double[] c, int m, int k, int n, boolean transB) {
    SplittableRandom rnd = new SplittableRandom(1);
    double err = 0;
    for (int t = 0; t < 64; t++) {
      int i = rnd.nextInt(m);
      int j = rnd.nextInt(n);
      double s = 0;
      double abs = 0;
      for (int p = 0; p < k; p++) {
        double prod = a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
        s += prod;
        abs += Math.abs(prod);
      }
      err = Math.max(err, Math.abs(c[i * n + j] - s) / abs);
    }
    return err;
  }

  private static double[] random(SplittableRandom rnd, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = rnd.nextDouble(-1, 1);
    }
    return x;
  }
}
