package org.vivit4j.experiment;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An append-only CSV file flushed after every row, so an interrupted experiment keeps everything it
 * measured; the rows are also kept in memory for the plots.
 */
final class CsvLog implements AutoCloseable {
  private final BufferedWriter out;
  private final List<double[]> rows = new ArrayList<>();
  private final List<String> labels = new ArrayList<>();

  CsvLog(Path file, String header) {
    try {
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      out.write(header);
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Appends a row: an optional text label (e.g. a group name) first, then numbers. */
  synchronized void row(String label, double... values) {
    StringBuilder sb = new StringBuilder();
    if (label != null) {
      sb.append(label);
    }
    for (int i = 0; i < values.length; i++) {
      if (label != null || i > 0) {
        sb.append(',');
      }
      sb.append(cell(values[i]));
    }
    try {
      out.write(sb.toString());
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rows.add(values.clone());
    labels.add(label);
  }

  /**
   * One number as a CSV cell: whole numbers without a fraction, others with 10 significant digits;
   * a value that is not defined (NaN: a measurement switched off, an SNR of a constant) is an empty
   * cell, which pandas, R and spreadsheets read as missing, so "NaN" never appears in a result.
   * Infinite values are not expected here (divergence stops the run first) and are refused.
   */
  static String cell(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    if (Double.isInfinite(v)) {
      throw new IllegalArgumentException("a CSV cell would be " + v);
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? String.valueOf((long) v)
        : String.format(Locale.ROOT, "%.10g", v);
  }

  synchronized List<double[]> rows() {
    return List.copyOf(rows);
  }

  synchronized List<String> labels() {
    return List.copyOf(labels);
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
