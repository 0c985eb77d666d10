package org.vivit4j.experiment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots drawn from an experiment's logged rows (never by hand), each written atomically. */
final class Plots {
  private Plots() {}

  /** Series name → (x, y) points. */
  static final class Lines {
    final Map<String, List<double[]>> series = new LinkedHashMap<>();

    void add(String name, double x, double y) {
      if (Double.isFinite(x) && Double.isFinite(y)) {
        series.computeIfAbsent(name, n -> new ArrayList<>()).add(new double[] {x, y});
      }
    }
  }

  static void save(
      Path file,
      String title,
      String xLabel,
      String yLabel,
      Lines lines,
      boolean logY,
      boolean scatter)
      throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title(title)
            .xAxisTitle(xLabel)
            .yAxisTitle(yLabel)
            .build();
    chart.getStyler().setYAxisLogarithmic(logY);
    chart.getStyler().setLegendVisible(lines.series.size() > 1);
    if (scatter) {
      chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    }
    boolean any = false;
    for (var e : lines.series.entrySet()) {
      List<double[]> pts = e.getValue();
      if (logY) {
        pts = pts.stream().filter(p -> p[1] > 0).toList();
      }
      if (pts.isEmpty()) {
        continue;
      }
      double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
      double[] y = pts.stream().mapToDouble(p -> p[1]).toArray();
      XYSeries s = chart.addSeries(e.getKey(), x, y);
      if (!scatter) {
        s.setMarker(SeriesMarkers.NONE);
      }
      any = true;
    }
    if (any) {
      // Encoded in memory, then written to a temporary file and moved over the target: an
      // interrupted run never leaves a 0-byte or half-written PNG.
      AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
  }
}
