package org.vivit4j.experiment;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar with ETA, redrawn at most five times a second. */
final class Progress {
  private final PrintWriter out;
  private final long total;
  private final long start = System.nanoTime();
  private long lastDraw;

  Progress(PrintWriter out, long total) {
    this.out = out;
    this.total = total;
  }

  void update(long done, String status) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 200_000_000L) {
      return;
    }
    lastDraw = now;
    double frac = total == 0 ? 1 : (double) done / total;
    int width = 30;
    int filled = (int) Math.round(frac * width);
    double elapsed = (now - start) * 1e-9;
    double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
    out.printf(
        Locale.ROOT,
        "\r[%s%s] %3.0f%% %d/%d %s ETA %s   ",
        "#".repeat(filled),
        ".".repeat(width - filled),
        frac * 100,
        done,
        total,
        status,
        duration(eta));
    if (done >= total) {
      out.printf(Locale.ROOT, "%n");
    }
    out.flush();
  }

  static String duration(double s) {
    if (Double.isNaN(s)) {
      return "--";
    }
    long sec = Math.round(s);
    return sec >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", sec / 3600, (sec % 3600) / 60)
        : String.format(Locale.ROOT, "%dm%02ds", sec / 60, sec % 60);
  }
}
