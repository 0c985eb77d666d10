package org.vivit4j.bench;

import java.util.Arrays;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.SpectrumInfo;
import org.vivit4j.backend.Backend;

/**
 * Wall time of the whole {@link DirectionalDerivativesComputation} (host forward pass, factor
 * backpropagation and Gram contractions on the backend, eigensolve, directional derivatives) in one
 * warm JVM: warm-up runs, then timed repeats; the median is reported, as for ViViT.
 */
public final class EndToEndBench {
  private EndToEndBench() {}

  /**
   * One (case, configuration) measurement.
   *
   * @param seconds every timed repeat
   * @param eigSeconds median wall time of the eigensolve inside a run
   * @param check the correctness check that passed before timing
   * @param multiplyAdds the multiply-adds of one run's matrix products ({@link
   *     org.vivit4j.blas.MultiplyAdds}), or −1 when the backend's products are not counted (OpenCL)
   */
  public record Timing(
      String caseId,
      String caseLabel,
      int n,
      String config,
      String dtype,
      String device,
      String eigensolver,
      int warmups,
      double[] seconds,
      double median,
      double min,
      double eigSeconds,
      long products,
      double residual,
      String check,
      long multiplyAdds) {

    /**
     * The achieved rate of the median run, {@code 2·multiplyAdds / median} in GFLOP/s, or NaN when
     * the products were not counted.
     */
    public double gflops() {
      return multiplyAdds < 0 ? Double.NaN : 2e-9 * multiplyAdds / median;
    }
  }

  /** One run of the computation. */
  public static ComputationResult runOnce(
      BenchCase c, Backend backend, ComputationOptions options) {
    return new DirectionalDerivativesComputation(options)
        .run(c.network(), c.loss(), c.batch(), c.groups(), backend);
  }

  /** Most warm-up runs {@link #time} spends on a warm-up time budget. */
  static final int MAX_WARMUPS = 40;

  /**
   * At least {@code warmups} warm-up runs, more until they took {@code warmupSeconds} (at most
   * {@link #MAX_WARMUPS}), then {@code repeats} timed runs. Why a time budget: the JIT keeps
   * compiling a conv net's loops for seconds, not runs (fmnist_2c2d N = 32 float64 on 2 cores:
   * 0.72, 0.67, 0.60 s … 0.47 s from about the 20th run, 10 s in), so three warm-ups time a JVM
   * that is still compiling when a run is short.
   */
  public static Timing time(
      BenchCase c,
      BenchConfig config,
      Backend backend,
      ComputationOptions options,
      int warmups,
      double warmupSeconds,
      int repeats,
      String check) {
    long start = System.nanoTime();
    int done = 0;
    while (done < warmups
        || done < MAX_WARMUPS && (System.nanoTime() - start) * 1e-9 < warmupSeconds) {
      runOnce(c, backend, options);
      done++;
    }
    warmups = done;
    double[] seconds = new double[repeats];
    double[] eig = new double[repeats];
    SpectrumInfo last = null;
    long counted = org.vivit4j.blas.MultiplyAdds.total();
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      ComputationResult r = runOnce(c, backend, options);
      seconds[i] = (System.nanoTime() - t0) * 1e-9;
      last = r.groups().get(0).spectrum();
      eig[i] = last.seconds();
    }
    // every run does the same products; the OpenCL backend's kernels are not counted
    long perRun =
        "cpu".equals(backend.name()) && repeats > 0
            ? (org.vivit4j.blas.MultiplyAdds.total() - counted) / repeats
            : -1;
    return new Timing(
        c.id(),
        c.label(),
        c.n(),
        config.id(),
        config.dtype(),
        backend.deviceName(),
        last.eigensolver(),
        warmups,
        seconds,
        median(seconds),
        Arrays.stream(seconds).min().orElse(Double.NaN),
        median(eig),
        last.products(),
        last.residual(),
        check,
        perRun);
  }

  public static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    int n = s.length;
    return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
