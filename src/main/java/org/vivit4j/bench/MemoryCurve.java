package org.vivit4j.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Time and peak heap of exact top-10 directional derivatives of one bench network against N, each N
 * in a fresh JVM with a fixed heap limit ({@code tornado-run bench-point}), with least-squares fits
 * {@code peak ≈ a + b·N + c·N²} and {@code time ≈ a + b·N + c·N²} (per-sample work and factors grow
 * with N, the Gram and its products with N²), and, when asked, one run at the largest N the
 * library's own memory estimate admits in the heap limit ({@link LargestBatch}).
 */
public final class MemoryCurve {
  private MemoryCurve() {}

  /**
   * One child-JVM run.
   *
   * @param status {@code ok}, {@code oom} (out of heap), {@code killed …} (by the kernel), {@code
   *     failed: …} or {@code not run: …}
   * @param dtype the run's {@code --dtype}
   * @param gramSize rows of the Gram the run solves, {@code C̃·N} with {@code C̃} the factor's
   *     columns a sample (0 when not known)
   * @param chunkSamples GGN samples per chunk of the factor pass, 0 for the plain pass (-1: not
   *     known)
   * @param estimatedPeakBytes the library's estimate of the run's peak heap ({@code
   *     MemoryEstimate}, the check before every run; -1: not known)
   */
  public record Point(
      String network,
      int n,
      String status,
      double seconds,
      double eigSeconds,
      long peakHeapBytes,
      long peakLiveBytes,
      long gcCount,
      String eigensolver,
      long products,
      double residual,
      boolean largest,
      String dtype,
      int gramSize,
      int chunkSamples,
      long estimatedPeakBytes) {}

  /** The networks a memory curve can run, as {@code bench-point --network} names them. */
  public static final List<String> NETWORKS =
      List.of("mlp784", "fmnist_2c2d", "cifar10_3c3d", "cifar100_allcnnc");

  /** A heading for a network's curve. */
  public static String title(String network) {
    return switch (network) {
      case "mlp784" -> "784-128-64-10 MLP";
      case "fmnist_2c2d" -> "fmnist_2c2d (DeepOBS conv net)";
      case "cifar10_3c3d" -> "cifar10_3c3d (DeepOBS conv net, random data)";
      case "cifar100_allcnnc" -> "cifar100_allcnnc (DeepOBS All-CNN-C, random data)";
      default -> network;
    };
  }

  /** The points of one network, in order. */
  public static List<Point> of(List<Point> points, String network) {
    return points.stream().filter(p -> p.network().equals(network)).toList();
  }

  /** Memory beyond the predicted peak heap that must be available before the largest run. */
  static final long MARGIN = 1L << 30;

  /** Marker of the result line a child prints. */
  public static final String MARKER = "BENCH-POINT ";

  /**
   * Runs {@link BenchPoint} for {@code network} at batch size {@code n} in a child JVM with {@code
   * -Xmx heap}.
   *
   * @param timeoutSeconds the child is killed after this long (status {@code failed: timeout})
   */
  public static Point runChild(
      String network, int n, String heap, String dtype, long timeoutSeconds, boolean largest)
      throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(java.toString());
    cmd.add("-Xmx" + heap);
    // a point runs under this JVM's collector, so that it runs out of heap where a run here would;
    // the largest-N run under the serial collector, which the estimate that sized it assumes (the
    // heap taken whole, LargestBatch)
    cmd.addAll(
        largest
            ? org.vivit4j.core.PlanningHeap.SERIAL_OPTIONS
            : org.vivit4j.core.PlanningHeap.collectorOptions());
    cmd.addAll(
        List.of(
            // the curve measures where a run really runs out of heap, not where the estimate says
            "-D" + org.vivit4j.core.MemoryEstimate.CHECK_PROPERTY + "=off",
            "-cp",
            System.getProperty("java.class.path"),
            BenchPoint.class.getName(),
            network,
            Integer.toString(n),
            dtype));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try {
      boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly();
        p.waitFor();
        return failed(network, n, "failed: timeout after " + timeoutSeconds + " s", largest, dtype);
      }
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return failed(network, n, "failed: interrupted", largest, dtype);
    }
    for (String line : out.split("\n")) {
      if (line.startsWith(MARKER)) {
        JsonNode j = new ObjectMapper().readTree(line.substring(MARKER.length()));
        return new Point(
            network,
            n,
            j.get("status").asText(),
            j.path("seconds").asDouble(Double.NaN),
            j.path("eig_seconds").asDouble(Double.NaN),
            j.path("peak_heap_bytes").asLong(-1),
            j.path("peak_live_bytes").asLong(-1),
            j.path("gc_count").asLong(-1),
            j.path("eigensolver").asText(""),
            j.path("products").asLong(0),
            j.path("residual").asDouble(Double.NaN),
            largest,
            dtype,
            j.path("gram_size").asInt(0),
            j.path("chunk_samples").asInt(-1),
            j.path("estimated_peak_bytes").asLong(-1));
      }
    }
    String tail = out.length() > 300 ? out.substring(out.length() - 300) : out;
    String why =
        p.exitValue() == 137
            ? "killed (exit 137, SIGKILL: most likely the kernel's out-of-memory killer)"
            : "failed: exit " + p.exitValue() + ": " + tail.replace('\n', ' ');
    return failed(network, n, why, largest, dtype);
  }

  static Point failed(String network, int n, String status, boolean largest, String dtype) {
    return new Point(
        network,
        n,
        status,
        Double.NaN,
        Double.NaN,
        -1,
        -1,
        -1,
        "",
        0,
        Double.NaN,
        largest,
        dtype,
        0,
        -1,
        -1);
  }

  /**
   * Least-squares fit {@code peak = a + b·N + c·N²} of the peak heap over the successful points.
   * With only two points, or when that fit falls somewhere from the smallest measured N on (noise
   * in small runs), {@code peak = a + c·N²} instead.
   *
   * @return {@code {a, b, c}}, or null with fewer than two points or when the fitted peak does not
   *     grow with N
   */
  public static double[] fit(List<Point> points) {
    return fit(points, p -> p.peakHeapBytes());
  }

  /** The same fit ({@link #fit}) of the wall time in seconds: {@code time = a + b·N + c·N²}. */
  public static double[] timeFit(List<Point> points) {
    return fit(points, Point::seconds);
  }

  private static double[] fit(List<Point> points, ToDoubleFunction<Point> y) {
    List<Point> ok = points.stream().filter(p -> "ok".equals(p.status())).toList();
    if (ok.size() < 2) {
      return null;
    }
    int smallest = ok.stream().mapToInt(Point::n).min().orElseThrow();
    if (ok.size() >= 3) {
      double[] full = leastSquares(ok, y, true);
      if (full != null && full[1] + 2 * full[2] * smallest >= 0 && full[2] >= 0) {
        return full;
      }
    }
    double[] quadratic = leastSquares(ok, y, false);
    return quadratic != null && quadratic[2] > 0 ? quadratic : null;
  }

  private static double[] leastSquares(
      List<Point> ok, ToDoubleFunction<Point> value, boolean linearTerm) {
    int cols = linearTerm ? 3 : 2;
    // N in thousands keeps the normal equations well conditioned
    DMatrixRMaj x = new DMatrixRMaj(ok.size(), cols);
    DMatrixRMaj y = new DMatrixRMaj(ok.size(), 1);
    for (int i = 0; i < ok.size(); i++) {
      double n = ok.get(i).n() / 1000.0;
      x.set(i, 0, 1);
      if (linearTerm) {
        x.set(i, 1, n);
      }
      x.set(i, cols - 1, n * n);
      y.set(i, 0, value.applyAsDouble(ok.get(i)));
    }
    DMatrixRMaj coef = new DMatrixRMaj(cols, 1);
    if (!CommonOps_DDRM.solve(x, y, coef)) {
      return null;
    }
    return new double[] {
      coef.get(0), linearTerm ? coef.get(1) / 1000.0 : 0, coef.get(cols - 1) / 1e6
    };
  }

  /**
   * A "not run" point when the fit so far predicts more heap at {@code n} than the machine has
   * available (less 1 GiB): such a child would be killed by the kernel, not fail with
   * OutOfMemoryError. Null when it may run (or nothing is known yet).
   */
  static Point tooBigForMachine(String network, int n, double[] fitSoFar, String dtype) {
    long available = PeakMemory.machineAvailableBytes();
    if (fitSoFar == null || available < 0) {
      return null;
    }
    double need = predict(fitSoFar, n) + MARGIN;
    if (need <= available) {
      return null;
    }
    return failed(
        network,
        n,
        String.format(
            Locale.ROOT,
            "not run: predicted peak %.1f GiB + 1 GiB margin, the machine has %.1f GiB available",
            (need - MARGIN) / (double) (1L << 30),
            available / (double) (1L << 30)),
        false,
        dtype);
  }

  /** The value of a fit ({@link #fit}, {@link #timeFit}) at batch size {@code n}. */
  public static double predict(double[] fit, double n) {
    return fit[0] + fit[1] * n + fit[2] * n * n;
  }

  /**
   * The whole curve: the listed N (each skipped when the fit so far says the machine cannot hold
   * it), then, with {@code runLargest}, one run at the largest N the library's memory estimate
   * admits in the heap limit ({@link LargestBatch}), or in the machine's available memory less 1
   * GiB when that is smaller (said through {@code note}), stepping down 10 % after an out-of-heap.
   */
  public static List<Point> run(
      String network,
      int[] ns,
      String heap,
      long heapBytes,
      String dtype,
      long timeout,
      boolean runLargest,
      Consumer<String> log,
      Consumer<String> note)
      throws IOException {
    List<Point> points = new ArrayList<>();
    for (int n : ns) {
      Point p = tooBigForMachine(network, n, fit(points), dtype);
      if (p == null) {
        p = runChild(network, n, heap, dtype, timeout, false);
      }
      log.accept(describe(p));
      points.add(p);
    }
    if (!runLargest) {
      return points;
    }
    long bound = heapBytes;
    long available = PeakMemory.machineAvailableBytes();
    if (available >= 0 && available - MARGIN < heapBytes) {
      // a heap the machine cannot back would swap or be killed, not throw OutOfMemoryError
      bound = available - MARGIN;
      note.accept(
          String.format(
              Locale.ROOT,
              "%s: the largest-N run is sized for %.1f GiB (the machine's available memory,"
                  + " %.1f GiB, less a 1 GiB margin), not for the %.0f GiB heap limit; for the"
                  + " whole heap the estimate admits N = %d",
              network,
              bound / (double) (1L << 30),
              available / (double) (1L << 30),
              heapBytes / (double) (1L << 30),
              LargestBatch.largest(network, heapBytes, dtype)));
    }
    int largest = LargestBatch.largest(network, bound, dtype);
    int measured =
        points.stream().filter(p -> "ok".equals(p.status())).mapToInt(Point::n).max().orElse(0);
    if (largest <= measured) {
      log.accept("  largest N by the memory estimate: " + largest + " (already measured)");
      return points;
    }
    for (int attempt = 0; attempt < 3 && largest > measured; attempt++) {
      Point p = runChild(network, largest, heap, dtype, timeout * 4, true);
      log.accept(describe(p));
      points.add(p);
      if (!"oom".equals(p.status()) && !p.status().startsWith("killed")) {
        break;
      }
      largest = (int) (Math.floor(largest * 0.9 / 64) * 64);
    }
    return points;
  }

  public static String describe(Point p) {
    return String.format(
        Locale.ROOT,
        "  %s N=%d%s: %s, %.2f s (eigensolve %.2f s, %s), peak heap %.2f GiB (live after GC"
            + " %.2f GiB)",
        p.network(),
        p.n(),
        p.largest() ? " (largest)" : "",
        p.status(),
        p.seconds(),
        p.eigSeconds(),
        p.eigensolver(),
        p.peakHeapBytes() / (double) (1L << 30),
        p.peakLiveBytes() / (double) (1L << 30));
  }
}
