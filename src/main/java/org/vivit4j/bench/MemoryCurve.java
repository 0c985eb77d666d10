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
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Time and peak heap of exact top-10 directional derivatives of one network ({@code mlp784} or
 * {@code fmnist_2c2d}) against N, each N in a fresh JVM with a fixed heap limit ({@code tornado-run
 * bench-point}), and the largest N that fits: predicted from a least-squares fit {@code peak ≈ a +
 * b·N + c·N²} (per-sample factors grow with N, the Gram matrix {@code 8·(10N)²} bytes with N²),
 * then run at that N when the machine has the memory.
 */
public final class MemoryCurve {
  private MemoryCurve() {}

  /**
   * One child-JVM run.
   *
   * @param status {@code ok}, {@code oom} (out of heap), {@code killed …} (by the kernel), {@code
   *     failed: …} or {@code not run: …}
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
      boolean largest) {}

  /** The networks a memory curve can run, as {@code bench-point --network} names them. */
  public static final List<String> NETWORKS = List.of("mlp784", "fmnist_2c2d");

  /** A heading for a network's curve. */
  public static String title(String network) {
    return switch (network) {
      case "mlp784" -> "784-128-64-10 MLP";
      case "fmnist_2c2d" -> "fmnist_2c2d (DeepOBS conv net)";
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
    List<String> cmd =
        List.of(
            java.toString(),
            "-Xmx" + heap,
            // the curve measures where a run really runs out of heap, not where the estimate says
            "-D" + org.vivit4j.core.MemoryEstimate.CHECK_PROPERTY + "=off",
            "-cp",
            System.getProperty("java.class.path"),
            BenchPoint.class.getName(),
            network,
            Integer.toString(n),
            dtype);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try {
      boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly();
        p.waitFor();
        return failed(network, n, "failed: timeout after " + timeoutSeconds + " s", largest);
      }
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return failed(network, n, "failed: interrupted", largest);
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
            largest);
      }
    }
    String tail = out.length() > 300 ? out.substring(out.length() - 300) : out;
    String why =
        p.exitValue() == 137
            ? "killed (exit 137, SIGKILL: most likely the kernel's out-of-memory killer)"
            : "failed: exit " + p.exitValue() + ": " + tail.replace('\n', ' ');
    return failed(network, n, why, largest);
  }

  static Point failed(String network, int n, String status, boolean largest) {
    return new Point(
        network, n, status, Double.NaN, Double.NaN, -1, -1, -1, "", 0, Double.NaN, largest);
  }

  /**
   * Least-squares fit {@code peak = a + b·N + c·N²} over the successful points. With only two
   * points, or when that fit falls somewhere from the smallest measured N on (noise in small runs),
   * {@code peak = a + c·N²} instead.
   *
   * @return {@code {a, b, c}}, or null with fewer than two points or when the fitted peak does not
   *     grow with N
   */
  public static double[] fit(List<Point> points) {
    List<Point> ok = points.stream().filter(p -> "ok".equals(p.status())).toList();
    if (ok.size() < 2) {
      return null;
    }
    int smallest = ok.stream().mapToInt(Point::n).min().orElseThrow();
    if (ok.size() >= 3) {
      double[] full = leastSquares(ok, true);
      if (full != null && full[1] + 2 * full[2] * smallest >= 0 && full[2] >= 0) {
        return full;
      }
    }
    double[] quadratic = leastSquares(ok, false);
    return quadratic != null && quadratic[2] > 0 ? quadratic : null;
  }

  private static double[] leastSquares(List<Point> ok, boolean linearTerm) {
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
      y.set(i, 0, ok.get(i).peakHeapBytes());
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
  static Point tooBigForMachine(String network, int n, double[] fitSoFar) {
    long available = PeakMemory.machineAvailableBytes();
    if (fitSoFar == null || available < 0) {
      return null;
    }
    double need = predictPeak(fitSoFar, n) + MARGIN;
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
        false);
  }

  /** The fitted peak heap at batch size {@code n}. */
  public static double predictPeak(double[] fit, double n) {
    return fit[0] + fit[1] * n + fit[2] * n * n;
  }

  /**
   * The largest N (a multiple of 64, or of 16 below 64) whose fitted peak stays within {@code
   * heapBytes}.
   */
  public static int predictLargest(double[] fit, long heapBytes) {
    double a = fit[0] - heapBytes;
    double b = fit[1];
    double c = fit[2];
    double n;
    if (c > 0) {
      n = (-b + Math.sqrt(Math.max(0, b * b - 4 * c * a))) / (2 * c);
    } else {
      n = -a / b;
    }
    n = Math.max(0, n);
    int step = n >= 64 ? 64 : 16;
    return (int) (Math.floor(n / step) * step);
  }

  /**
   * The whole curve: the listed N (each skipped when the fit so far says the machine cannot hold
   * it), then, with {@code findLargest}, the largest N whose fitted peak fits the heap limit, or
   * the machine's available memory less 1 GiB when that is smaller (said through {@code note}),
   * stepping down 10 % after an out-of-heap.
   */
  public static List<Point> run(
      String network,
      int[] ns,
      String heap,
      long heapBytes,
      String dtype,
      long timeout,
      boolean findLargest,
      Consumer<String> log,
      Consumer<String> note)
      throws IOException {
    List<Point> points = new ArrayList<>();
    for (int n : ns) {
      Point p = tooBigForMachine(network, n, fit(points));
      if (p == null) {
        p = runChild(network, n, heap, dtype, timeout, false);
      }
      log.accept(describe(p));
      points.add(p);
    }
    double[] fit = fit(points);
    if (!findLargest || fit == null) {
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
                  + " whole heap the fit predicts N = %d",
              network,
              bound / (double) (1L << 30),
              available / (double) (1L << 30),
              heapBytes / (double) (1L << 30),
              predictLargest(fit, heapBytes)));
    }
    int largest = predictLargest(fit, bound);
    int measured =
        points.stream().filter(p -> "ok".equals(p.status())).mapToInt(Point::n).max().orElse(0);
    if (largest <= measured) {
      log.accept("  largest N by the fit: " + largest + " (already measured)");
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
