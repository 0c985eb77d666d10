package org.vivit4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.vivit4j.core.PassProgress;

/**
 * Tells the user of a long run how far its factor passes have come: one line on the error stream at
 * most every {@link #EVERY_NANOS}, with the time the sequence of passes has taken and, from its
 * mean pass, the time it has left, e.g. {@code progress: Gram passes over chunk pairs: 12 of 91
 * done, 5:31 elapsed, about 36:20 left}; and a last line when a sequence that printed one ends. A
 * run whose passes all end within the first interval prints nothing.
 */
final class ProgressLines implements PassProgress {
  /** 10 s between lines. */
  static final long EVERY_NANOS = 10_000_000_000L;

  private final PrintWriter err;
  private final LongSupplier nanoClock;
  private long start;
  private long lastLine;
  private boolean printed;

  ProgressLines(PrintWriter err) {
    this(err, System::nanoTime);
  }

  /** With {@code nanoClock} as the clock (tests). */
  ProgressLines(PrintWriter err, LongSupplier nanoClock) {
    this.err = err;
    this.nanoClock = nanoClock;
  }

  @Override
  public void passes(String what, int done, int total) {
    long now = nanoClock.getAsLong();
    if (done == 0) {
      start = now;
      lastLine = now;
      printed = false;
      return;
    }
    boolean last = done >= total;
    if (now - lastLine < EVERY_NANOS && !(last && printed)) {
      return;
    }
    double elapsed = (now - start) * 1e-9;
    String line =
        String.format(
            Locale.ROOT,
            "progress: %s: %d of %d done, %s elapsed",
            what,
            done,
            total,
            clock(elapsed));
    if (!last) {
      line += ", about " + clock(elapsed * (total - done) / done) + " left";
    }
    err.println(line);
    err.flush();
    lastLine = now;
    printed = true;
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on. */
  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
