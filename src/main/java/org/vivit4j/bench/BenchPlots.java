package org.vivit4j.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots drawn from the benchmark data (never by hand), with XChart. */
public final class BenchPlots {
  private BenchPlots() {}

  /** Reference lines of the GFLOP/s plot (OPENCL-NOTES, numpy on these 2-core machines). */
  public static final Map<String, Double> REFERENCE_GFLOPS =
      Map.of(
          "OpenBLAS dgemm via numpy, 2 threads (OPENCL-NOTES)", 138.0,
          "OpenBLAS sgemm via numpy, 2 threads (OPENCL-NOTES)", 315.0);

  private static XYChart chart(String title, String x, String y, boolean logX, boolean logY) {
    XYChart c =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title(title)
            .xAxisTitle(x)
            .yAxisTitle(y)
            .build();
    c.getStyler().setXAxisLogarithmic(logX);
    c.getStyler().setYAxisLogarithmic(logY);
    c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    return c;
  }

  private static void save(XYChart c, Path file) throws IOException {
    BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /** Median time vs N of the MLP cases, one series per configuration, with ViViT's numbers. */
  public static void timeVsN(List<EndToEndBench.Timing> timings, ViVitTimings vivit, Path file)
      throws IOException {
    XYChart c =
        chart(
            "784-128-64-10 MLP, top-10 directional derivatives: median time vs N",
            "N (batch size)",
            "seconds",
            true,
            true);
    Map<String, double[][]> series = new LinkedHashMap<>();
    for (String config : timings.stream().map(EndToEndBench.Timing::config).distinct().toList()) {
      List<EndToEndBench.Timing> ts =
          timings.stream()
              .filter(t -> t.config().equals(config) && t.caseId().startsWith("mlp784"))
              .toList();
      if (!ts.isEmpty()) {
        series.put(
            "vivit4j " + config,
            new double[][] {
              ts.stream().mapToDouble(EndToEndBench.Timing::n).toArray(),
              ts.stream().mapToDouble(EndToEndBench.Timing::median).toArray()
            });
      }
    }
    for (String dtype : List.of("float64", "float32")) {
      double[][] v = vivit(vivit, dtype);
      if (v[0].length > 0) {
        series.put("ViViT+PyTorch " + dtype + " (their measurement)", v);
      }
    }
    series.forEach(
        (name, xy) -> {
          var s = c.addSeries(name, xy[0], xy[1]);
          s.setMarker(name.startsWith("ViViT") ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        });
    save(c, file);
  }

  private static double[][] vivit(ViVitTimings vivit, String dtype) {
    int[] ns = {32, 128, 512};
    java.util.List<double[]> xy = new java.util.ArrayList<>();
    for (int n : ns) {
      Double s = vivit.seconds("mlp784_n" + n, dtype);
      if (s != null) {
        xy.add(new double[] {n, s});
      }
    }
    return new double[][] {
      xy.stream().mapToDouble(p -> p[0]).toArray(), xy.stream().mapToDouble(p -> p[1]).toArray()
    };
  }

  /**
   * Peak heap, live heap after GC and time of one network's memory curve vs N, on log-log axes
   * (sizes from tens to thousands; time and memory differ by orders of magnitude).
   */
  public static void memoryVsN(
      String network, List<MemoryCurve.Point> points, long heapBytes, Path file)
      throws IOException {
    List<MemoryCurve.Point> ok =
        points.stream()
            .filter(p -> "ok".equals(p.status()) && p.peakHeapBytes() > 0 && p.seconds() > 0)
            .toList();
    if (ok.isEmpty()) {
      return;
    }
    XYChart c =
        chart(
            MemoryCurve.title(network)
                + ", exact top-10 directional derivatives (one cold run per JVM)",
            "N (batch size)",
            "GiB  /  seconds",
            true,
            true);
    double gib = 1L << 30;
    double[] n = ok.stream().mapToDouble(MemoryCurve.Point::n).toArray();
    c.addSeries(
            "peak heap (GiB)", n, ok.stream().mapToDouble(p -> p.peakHeapBytes() / gib).toArray())
        .setMarker(SeriesMarkers.CIRCLE);
    List<MemoryCurve.Point> live = ok.stream().filter(p -> p.peakLiveBytes() > 0).toList();
    if (!live.isEmpty()) {
      c.addSeries(
              "live heap after GC (GiB)",
              live.stream().mapToDouble(MemoryCurve.Point::n).toArray(),
              live.stream().mapToDouble(p -> p.peakLiveBytes() / gib).toArray())
          .setMarker(SeriesMarkers.DIAMOND);
    }
    c.addSeries("wall time (s)", n, ok.stream().mapToDouble(MemoryCurve.Point::seconds).toArray())
        .setMarker(SeriesMarkers.SQUARE);
    List<MemoryCurve.Point> estimated =
        ok.stream().filter(p -> p.estimatedPeakBytes() > 0).toList();
    if (!estimated.isEmpty()) {
      c.addSeries(
              "memory estimate (GiB)",
              estimated.stream().mapToDouble(MemoryCurve.Point::n).toArray(),
              estimated.stream().mapToDouble(p -> p.estimatedPeakBytes() / gib).toArray())
          .setMarker(SeriesMarkers.TRIANGLE_UP);
    }
    // the time fit drawn out to the goal N where it lies beyond the runs; the peak fit only
    // over the runs (one plain pass each): past them a run is chunked to its budget, and the
    // memory estimate at the goal N stands for it
    int goal = LargestBatch.goal(network);
    double last = Math.max(n[n.length - 1], goal);
    fitSeries(
        c, "peak heap fit (GiB)", MemoryCurve.fit(ok), logGrid(n[0], n[n.length - 1], 40), 1 / gib);
    fitSeries(c, "time fit (s)", MemoryCurve.timeFit(ok), logGrid(n[0], last, 40), 1);
    if (goal > n[n.length - 1] && ok.get(0).dtype() != null) {
      try {
        long atGoal =
            LargestBatch.estimate(network, goal, heapBytes, ok.get(0).dtype()).peakBytes();
        c.addSeries(
                "memory estimate at the goal N, chunked (GiB)",
                new double[] {goal},
                new double[] {atGoal / gib})
            .setMarker(SeriesMarkers.TRIANGLE_DOWN);
      } catch (org.vivit4j.model.InvalidInputException e) {
        // no such run: nothing to draw
      }
    }
    double limit = heapBytes / gib;
    c.addSeries("heap limit (GiB)", new double[] {n[0], last}, new double[] {limit, limit})
        .setMarker(SeriesMarkers.NONE);
    save(c, file);
  }

  /** A fit's curve (values times {@code scale}), drawn as a line without markers; none if null. */
  private static void fitSeries(XYChart c, String name, double[] fit, double[] grid, double scale) {
    if (fit == null) {
      return;
    }
    // a fit with a negative constant dips below 0 at small N: the log axis takes only what is above
    List<double[]> xy = new java.util.ArrayList<>();
    for (double x : grid) {
      double y = MemoryCurve.predict(fit, x) * scale;
      if (y > 0) {
        xy.add(new double[] {x, y});
      }
    }
    if (xy.size() >= 2) {
      c.addSeries(
              name,
              xy.stream().mapToDouble(v -> v[0]).toArray(),
              xy.stream().mapToDouble(v -> v[1]).toArray())
          .setMarker(SeriesMarkers.NONE);
    }
  }

  /** {@code count} points from {@code from} to {@code to}, evenly spaced in log scale. */
  static double[] logGrid(double from, double to, int count) {
    double[] g = new double[count];
    for (int i = 0; i < count; i++) {
      g[i] = from * Math.pow(to / from, i / (double) (count - 1));
    }
    return g;
  }

  /** GFLOP/s of each GEMM-shaped operation vs the Gram size, per configuration. */
  public static void opsGflops(List<OpsBench.OpTiming> ops, Map<String, Double> peaks, Path file)
      throws IOException {
    if (ops.isEmpty()) {
      return;
    }
    XYChart c =
        chart(
            "GEMM-shaped backend operations (784-128-64-10 shapes)",
            "G = N·C̃ (rows of the factor)",
            "GFLOP/s",
            true,
            true);
    for (String key : ops.stream().map(o -> o.op() + ", " + o.config()).distinct().toList()) {
      List<OpsBench.OpTiming> ts =
          ops.stream().filter(o -> (o.op() + ", " + o.config()).equals(key)).toList();
      c.addSeries(
              key,
              ts.stream().mapToDouble(OpsBench.OpTiming::g).toArray(),
              ts.stream().mapToDouble(OpsBench.OpTiming::gflops).toArray())
          .setMarker(SeriesMarkers.CIRCLE);
    }
    double[] g = ops.stream().mapToDouble(OpsBench.OpTiming::g).distinct().sorted().toArray();
    peaks.forEach(
        (name, gf) ->
            c.addSeries(name, new double[] {g[0], g[g.length - 1]}, new double[] {gf, gf})
                .setMarker(SeriesMarkers.NONE));
    save(c, file);
  }
}
