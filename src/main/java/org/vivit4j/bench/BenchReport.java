package org.vivit4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a benchmark run to {@code results/<date>_<commit>_<device>/}: raw CSV and JSON, a Markdown
 * summary with the ViViT comparison, the PNG plots, and one line in {@code results/index.jsonl}.
 */
public final class BenchReport {
  private BenchReport() {}

  /** Everything one {@code bench} run measured. */
  public record Run(
      BenchEnvironment env,
      boolean quick,
      List<String> correctness,
      List<EndToEndBench.Timing> timings,
      List<OpsBench.OpTiming> ops,
      Map<String, Double> peaks,
      List<MemoryCurve.Point> memory,
      long memoryHeapBytes,
      List<String> notes,
      ViVitTimings vivit,
      BlasPeak blasPeak) {}

  /** {@code <date>_<commit>_<device>}, with the device as a file-name slug. */
  public static String folderName(BenchEnvironment env) {
    String device =
        (env.cpu() + "-" + env.cores() + "c")
            .toLowerCase(Locale.ROOT)
            .replaceAll("\\(r\\)|\\(tm\\)", "")
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-|-$", "");
    return env.date() + "_" + env.commit() + "_" + device;
  }

  private static void drawPlots(
      Path dir,
      List<EndToEndBench.Timing> timings,
      List<OpsBench.OpTiming> ops,
      Map<String, Double> peaks,
      List<MemoryCurve.Point> memory,
      long memoryHeapBytes,
      ViVitTimings vivit)
      throws IOException {
    BenchPlots.timeVsN(timings, vivit, dir.resolve("time_vs_n.png"));
    BenchPlots.opsGflops(ops, peaks, dir.resolve("ops_gflops.png"));
    for (String network : MemoryCurve.NETWORKS) {
      List<MemoryCurve.Point> points = MemoryCurve.of(memory, network);
      if (!points.isEmpty()) {
        BenchPlots.memoryVsN(
            network, points, memoryHeapBytes, dir.resolve("memory_vs_n_" + network + ".png"));
      }
    }
  }

  /**
   * Redraws the plots of a report folder from its {@code end_to_end.json}, {@code ops.json} and
   * {@code memory.json} (the summary and data files stay as they are).
   *
   * @param memoryHeapBytes the memory curve's heap limit (drawn as a line)
   */
  public static void replot(Path dir, long memoryHeapBytes) throws IOException {
    // the writer stores NaN (e.g. a not-run point's time) as a bare token
    ObjectMapper json =
        com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build()
            .configure(
                com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                false);
    for (String f : List.of("end_to_end.json", "ops.json", "memory.json")) {
      if (!Files.isRegularFile(dir.resolve(f))) {
        throw new org.vivit4j.model.InvalidInputException(
            "--replot", dir + " has no " + f + " (not a bench report folder)");
      }
    }
    List<EndToEndBench.Timing> timings =
        List.of(
            json.readValue(dir.resolve("end_to_end.json").toFile(), EndToEndBench.Timing[].class));
    List<OpsBench.OpTiming> ops =
        List.of(json.readValue(dir.resolve("ops.json").toFile(), OpsBench.OpTiming[].class));
    List<MemoryCurve.Point> memory =
        List.of(json.readValue(dir.resolve("memory.json").toFile(), MemoryCurve.Point[].class));
    Path vivitFile = dir.resolve("vivit_timings.json");
    ViVitTimings vivit =
        Files.isRegularFile(vivitFile)
            ? json.readValue(vivitFile.toFile(), ViVitTimings.class)
            : ViVitTimings.quoted(); // reports written before the file existed used these
    // reports written before the peak was measured have no blas_peak.json
    Path peakFile = dir.resolve("blas_peak.json");
    BlasPeak peak =
        Files.isRegularFile(peakFile) ? json.readValue(peakFile.toFile(), BlasPeak.class) : null;
    drawPlots(dir, timings, ops, BlasPeak.referenceLines(peak), memory, memoryHeapBytes, vivit);
  }

  /** Writes the folder under {@code results}; returns it. */
  public static Path write(Path results, Run run) throws IOException {
    Path dir = results.resolve(folderName(run.env()));
    Files.createDirectories(dir);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(dir.resolve("environment.json").toFile(), run.env());
    json.writeValue(dir.resolve("end_to_end.json").toFile(), run.timings());
    json.writeValue(dir.resolve("ops.json").toFile(), run.ops());
    json.writeValue(dir.resolve("memory.json").toFile(), run.memory());
    if (run.blasPeak() != null) {
      json.writeValue(dir.resolve("blas_peak.json").toFile(), run.blasPeak());
    }
    Files.writeString(dir.resolve("end_to_end.csv"), endToEndCsv(run.timings(), run.vivit()));
    json.writeValue(dir.resolve("vivit_timings.json").toFile(), run.vivit());
    Files.writeString(dir.resolve("ops.csv"), opsCsv(run.ops()));
    Files.writeString(dir.resolve("memory.csv"), memoryCsv(run.memory()));
    List<String> plotNotes = new ArrayList<>();
    try {
      drawPlots(
          dir,
          run.timings(),
          run.ops(),
          run.peaks(),
          run.memory(),
          run.memoryHeapBytes(),
          run.vivit());
    } catch (IOException | RuntimeException | LinkageError e) {
      // a runtime without java.desktop (the jlinked GPU bundle) cannot draw; say so
      plotNotes.add("plots not drawn: " + e);
    }
    List<String> notes = new ArrayList<>(run.notes());
    notes.addAll(plotNotes);
    Files.writeString(dir.resolve("summary.md"), BenchSummary.markdown(run, notes));
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("date", run.env().dateUtc());
    index.put("commit", run.env().commit());
    index.put("device", run.env().cpu() + ", " + run.env().cores() + " cores");
    index.put("blas", run.env().blas());
    index.put("jdk", run.env().jdk());
    index.put("folder", results.relativize(dir).toString());
    index.put("command", run.env().command());
    index.put("quick", run.quick());
    index.put("ratios_vs_vivit", BenchSummary.headlineRatios(run.timings(), run.vivit()));
    Files.writeString(
        results.resolve("index.jsonl"),
        new ObjectMapper().writeValueAsString(index) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return dir;
  }

  static String endToEndCsv(List<EndToEndBench.Timing> ts, ViVitTimings vivit) {
    StringBuilder sb =
        new StringBuilder(
            "case,n,config,dtype,eigensolver,warmups,repeats,median_s,min_s,eigensolve_median_s,"
                + "lanczos_products,eig_residual,multiply_adds,gflops,vivit_s,speedup_vs_vivit,check,"
                + "device\n");
    for (EndToEndBench.Timing t : ts) {
      Double v = vivit.seconds(t.caseId(), t.dtype());
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%s,%s,%s,%d,%d,%.6g,%.6g,%.6g,%d,%.3g,%s,%s,%s,%s,\"%s\",\"%s\"%n",
              t.caseId(),
              t.n(),
              t.config(),
              t.dtype(),
              t.eigensolver(),
              t.warmups(),
              t.seconds().length,
              t.median(),
              t.min(),
              t.eigSeconds(),
              t.products(),
              t.residual(),
              t.multiplyAdds() < 0 ? "" : Long.toString(t.multiplyAdds()),
              t.multiplyAdds() < 0 ? "" : String.format(Locale.ROOT, "%.4g", t.gflops()),
              v == null ? "" : v.toString(),
              v == null ? "" : String.format(Locale.ROOT, "%.2f", v / t.median()),
              t.check().replace('"', '\''),
              t.device().replace('"', '\'')));
    }
    return sb.toString();
  }

  static String opsCsv(List<OpsBench.OpTiming> ops) {
    StringBuilder sb = new StringBuilder("op,config,g,k,n,median_s,gflops,spot_check_rel_error\n");
    for (OpsBench.OpTiming o : ops) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%s,%d,%d,%d,%.6g,%.4g,%.2g%n",
              o.op(),
              o.config(),
              o.g(),
              o.k(),
              o.n(),
              o.seconds(),
              o.gflops(),
              o.error()));
    }
    return sb.toString();
  }

  static String memoryCsv(List<MemoryCurve.Point> points) {
    StringBuilder sb =
        new StringBuilder(
            "network,n,status,seconds,eigensolve_s,peak_heap_bytes,peak_live_bytes,gc_count,eigensolver,lanczos_products,"
                + "eig_residual,largest,dtype,gram_size,chunk_samples,estimated_peak_bytes\n");
    for (MemoryCurve.Point p : points) {
      sb.append(
          String.format(
              Locale.ROOT,
              "%s,%d,\"%s\",%.6g,%.6g,%d,%d,%d,%s,%d,%.3g,%b,%s,%d,%d,%d%n",
              p.network(),
              p.n(),
              p.status().replace('"', '\''),
              p.seconds(),
              p.eigSeconds(),
              p.peakHeapBytes(),
              p.peakLiveBytes(),
              p.gcCount(),
              p.eigensolver(),
              p.products(),
              p.residual(),
              p.largest(),
              p.dtype(),
              p.gramSize(),
              p.chunkSamples(),
              p.estimatedPeakBytes()));
    }
    return sb.toString();
  }
}
