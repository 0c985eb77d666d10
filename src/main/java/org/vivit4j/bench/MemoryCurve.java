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

/**
 * Time and peak heap of exact top-10 directional derivatives of the 784-128-64-10 MLP against N,
 * each N in a fresh JVM with a fixed heap limit ({@code tornado-run bench-point}), and the largest
 * N that fits: predicted from a fit {@code peak ≈ a + b·N²} (the Gram matrix is {@code 8·(10N)²}
 * bytes), then run at that N when the machine has the memory.
 */
public final class MemoryCurve {
  private MemoryCurve() {}

  /**
   * One child-JVM run.
   *
   * @param status {@code ok}, {@code oom} (out of heap), {@code failed: …} or {@code not run: …}
   */
  public record Point(
      int n,
      String status,
      double seconds,
      double eigSeconds,
      long peakHeapBytes,
      long gcCount,
      String eigensolver,
      long products,
      double residual,
      boolean largest) {}

  /** Memory beyond the predicted peak heap that must be available before the largest run. */
  static final long MARGIN = 1L << 30;

  /** Marker of the result line a child prints. */
  public static final String MARKER = "BENCH-POINT ";

  /**
   * Runs {@code tornado-run bench-point --n N} in a child JVM with {@code -Xmx heap}.
   *
   * @param timeoutSeconds the child is killed after this long (status {@code failed: timeout})
   */
  public static Point runChild(
      int n, String heap, String dtype, long timeoutSeconds, boolean largest) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd =
        List.of(
            java.toString(),
            "-Xmx" + heap,
            "-cp",
            System.getProperty("java.class.path"),
            "org.vivit4j.cli.Main",
            "bench-point",
            "--n",
            Integer.toString(n),
            "--dtype",
            dtype);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try {
      boolean finished = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
      if (!finished) {
        p.destroyForcibly();
        p.waitFor();
        return failed(n, "failed: timeout after " + timeoutSeconds + " s", largest);
      }
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return failed(n, "failed: interrupted", largest);
    }
    for (String line : out.split("\n")) {
      if (line.startsWith(MARKER)) {
        JsonNode j = new ObjectMapper().readTree(line.substring(MARKER.length()));
        return new Point(
            n,
            j.get("status").asText(),
            j.path("seconds").asDouble(Double.NaN),
            j.path("eig_seconds").asDouble(Double.NaN),
            j.path("peak_heap_bytes").asLong(-1),
            j.path("gc_count").asLong(-1),
            j.path("eigensolver").asText(""),
            j.path("products").asLong(0),
            j.path("residual").asDouble(Double.NaN),
            largest);
      }
    }
    String tail = out.length() > 300 ? out.substring(out.length() - 300) : out;
    return failed(n, "failed: exit " + p.exitValue() + ": " + tail.replace('\n', ' '), largest);
  }

  static Point failed(int n, String status, boolean largest) {
    return new Point(n, status, Double.NaN, Double.NaN, -1, -1, "", 0, Double.NaN, largest);
  }

  /**
   * Least-squares fit {@code peak = a + b·N²} over the successful points.
   *
   * @return {@code {a, b}}, or null with fewer than two points
   */
  public static double[] fit(List<Point> points) {
    List<Point> ok = points.stream().filter(p -> "ok".equals(p.status())).toList();
    if (ok.size() < 2) {
      return null;
    }
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (Point p : ok) {
      double x = (double) p.n() * p.n();
      double y = p.peakHeapBytes();
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    int m = ok.size();
    double b = (m * sxy - sx * sy) / (m * sxx - sx * sx);
    double a = (sy - b * sx) / m;
    return new double[] {a, b};
  }

  /** The largest N (a multiple of 64) whose fitted peak stays within {@code heapBytes}. */
  public static int predictLargest(double[] fit, long heapBytes) {
    double n = Math.sqrt(Math.max(0, (heapBytes - fit[0]) / fit[1]));
    return (int) (Math.floor(n / 64) * 64);
  }

  /**
   * The whole curve: the listed N, then the predicted largest N when the machine has room for it
   * (its predicted peak plus 1 GiB must be available), stepping down 10 % after an out-of-heap.
   */
  public static List<Point> run(
      int[] ns, String heap, long heapBytes, String dtype, long timeout, Consumer<String> log)
      throws IOException {
    List<Point> points = new ArrayList<>();
    for (int n : ns) {
      Point p = runChild(n, heap, dtype, timeout, false);
      log.accept(describe(p));
      points.add(p);
    }
    double[] fit = fit(points);
    if (fit == null) {
      return points;
    }
    int largest = predictLargest(fit, heapBytes);
    int measured =
        points.stream().filter(p -> "ok".equals(p.status())).mapToInt(Point::n).max().orElse(0);
    if (largest <= measured) {
      // the fit's largest N was already run with the listed ones
      log.accept("  largest N by the fit: " + largest + " (already measured)");
      return points;
    }
    for (int attempt = 0; attempt < 3 && largest > 0; attempt++) {
      long need = (long) (fit[0] + fit[1] * (double) largest * largest) + MARGIN;
      long available = PeakMemory.machineAvailableBytes();
      if (available >= 0 && available < need) {
        Point p =
            failed(
                largest,
                String.format(
                    Locale.ROOT,
                    "not run: predicted peak %.1f GiB + 1 GiB margin, machine has %.1f GiB"
                        + " available",
                    (need - MARGIN) / (double) (1L << 30),
                    available / (double) (1L << 30)),
                true);
        log.accept(describe(p));
        points.add(p);
        break;
      }
      Point p = runChild(largest, heap, dtype, timeout * 4, true);
      log.accept(describe(p));
      points.add(p);
      if (!"oom".equals(p.status())) {
        break;
      }
      largest = (int) (Math.floor(largest * 0.9 / 64) * 64);
    }
    return points;
  }

  public static String describe(Point p) {
    return String.format(
        Locale.ROOT,
        "  N=%d%s: %s, %.2f s (eigensolve %.2f s, %s), peak heap %.2f GiB",
        p.n(),
        p.largest() ? " (largest)" : "",
        p.status(),
        p.seconds(),
        p.eigSeconds(),
        p.eigensolver(),
        p.peakHeapBytes() / (double) (1L << 30));
  }
}
