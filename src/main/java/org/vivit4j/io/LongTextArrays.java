package org.vivit4j.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes a long float list (a gradient of millions of values) as decimal text with the formatting
 * spread over the cores: blocks of values are formatted by a pool of one thread per core while the
 * calling thread writes the blocks already done, in order. The text is byte for byte what the
 * pretty-printing generator writes for the list itself, {@code [ v0, v1, ... ]}, with the same
 * shortest-decimal writer ({@link NumberOutput#toString(double, boolean)}, Schubfach), so it reads
 * back to the same doubles. Formatting is most of the cost of writing a result as text (about 90 ns
 * per value on one core of the 2-core machine, the file write itself is the rest).
 */
final class LongTextArrays {
  private LongTextArrays() {}

  /** Lists at least this long take the parallel path; shorter ones are not worth a pool. */
  static final int MIN_LENGTH = 1 << 16;

  /** Values per block: about 300 KB of text, small enough to keep every core busy to the end. */
  private static final int BLOCK = 1 << 14;

  /** The pretty printer's separator between list values. */
  private static final String SEPARATOR = ", ";

  /**
   * Writes {@code values} (at least one) as a list value of {@code g}, which must use Jackson's
   * default pretty printer.
   */
  static void write(JsonGenerator g, double[] values) throws IOException {
    // The generator writes the opening bracket and the first value, so its own bookkeeping (a list
    // with values, closed by " ]") stays right; the rest goes in as raw text.
    g.writeStartArray();
    g.writeNumber(values[0]);
    int blocks = (values.length - 1 + BLOCK - 1) / BLOCK;
    int threads = Runtime.getRuntime().availableProcessors();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "vivit4j-result-text");
              t.setDaemon(true); // never keeps the JVM alive
              return t;
            });
    try {
      Deque<Future<String>> ahead = new ArrayDeque<>();
      int next = 0;
      for (int b = 0; b < blocks; b++) {
        // at most two blocks per core in flight: the memory held stays a few MB
        while (next < blocks && ahead.size() < 2 * threads) {
          int from = 1 + next * BLOCK;
          int to = Math.min(values.length, from + BLOCK);
          ahead.add(pool.submit(() -> format(values, from, to)));
          next++;
        }
        g.writeRaw(take(ahead.removeFirst()));
      }
    } finally {
      pool.shutdownNow();
    }
    g.writeEndArray();
  }

  /** {@code ", v_from, ..., v_(to-1)"} in the generator's number format. */
  private static String format(double[] values, int from, int to) {
    StringBuilder sb = new StringBuilder((to - from) * 26);
    for (int i = from; i < to; i++) {
      sb.append(SEPARATOR).append(NumberOutput.toString(values[i], true));
    }
    return sb.toString();
  }

  private static String take(Future<String> block) throws IOException {
    try {
      return block.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing a result");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("formatting a result failed", e.getCause());
    }
  }
}
