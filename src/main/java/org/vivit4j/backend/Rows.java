package org.vivit4j.backend;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/** Runs a per-row loop body, split over the cores when the matrix is large enough to pay off. */
final class Rows {
  private Rows() {}

  /** Below this many entries the rows run on the calling thread (a fork costs ~10–50 µs). */
  static final int PARALLEL_ENTRIES = 1 << 16;

  /** Calls {@code body} for every row {@code 0..rows-1}; the rows must be independent. */
  static void forEach(int rows, int cols, IntConsumer body) {
    if ((long) rows * cols < PARALLEL_ENTRIES || rows < 2) {
      for (int i = 0; i < rows; i++) {
        body.accept(i);
      }
    } else {
      IntStream.range(0, rows).parallel().forEach(body);
    }
  }
}
