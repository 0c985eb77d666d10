package org.vivit4j.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown summary of a benchmark run: environment, correctness, ViViT ratios, tables. */
final class BenchSummary {
  private BenchSummary() {}

  /** The configurations whose numbers are compared with ViViT: the default CPU backend. */
  static final List<String> HEADLINE_CONFIGS = List.of("cpu-blas-float64", "cpu-blas-float32");

  static final List<String> CASES = List.of("seed_n4", "mlp784_n32", "mlp784_n128", "mlp784_n512");

  /** The fixed cases, then each fmnist_2c2d batch size that was timed ({@code --fmnist-n}). */
  static List<String> cases(List<EndToEndBench.Timing> timings) {
    List<String> out = new java.util.ArrayList<>(CASES);
    timings.stream()
        .map(EndToEndBench.Timing::caseId)
        .filter(id -> id.startsWith("fmnist_2c2d_n"))
        .distinct()
        .forEach(out::add);
    return out;
  }

  /** {@code "<case>/<dtype>" → ViViT seconds / vivit4j median seconds} for the default backend. */
  static Map<String, Double> headlineRatios(
      List<EndToEndBench.Timing> timings, ViVitTimings vivit) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String c : cases(timings)) {
      for (String config : HEADLINE_CONFIGS) {
        EndToEndBench.Timing t = find(timings, c, config);
        if (t != null) {
          Double v = vivit.seconds(c, t.dtype());
          if (v != null) {
            out.put(c + "/" + t.dtype(), Math.round(v / t.median() * 10) / 10.0);
          }
        }
      }
    }
    return out;
  }

  static EndToEndBench.Timing find(List<EndToEndBench.Timing> ts, String caseId, String config) {
    return ts.stream()
        .filter(t -> t.caseId().equals(caseId) && t.config().equals(config))
        .findFirst()
        .orElse(null);
  }

  static String seconds(double s) {
    if (Double.isNaN(s)) {
      return "–";
    }
    if (s < 1e-3) {
      return String.format(Locale.ROOT, "%.1f µs", s * 1e6);
    }
    if (s < 1) {
      return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
    }
    return String.format(Locale.ROOT, "%.2f s", s);
  }

  static String markdown(BenchReport.Run run, List<String> notes) {
    BenchEnvironment e = run.env();
    StringBuilder sb = new StringBuilder();
    sb.append("# vivit4j benchmark: ")
        .append(e.date())
        .append(", commit ")
        .append(e.commit())
        .append("\n\n");
    sb.append("| | |\n| --- | --- |\n");
    sb.append("| command | `").append(e.command()).append("` |\n");
    sb.append("| mode | ").append(run.quick() ? "quick" : "full").append(" |\n");
    sb.append("| date (UTC) | ").append(e.dateUtc()).append(" |\n");
    sb.append("| commit | ").append(e.commit()).append(" |\n");
    sb.append("| CPU | ").append(e.cpu()).append(", ").append(e.cores()).append(" cores |\n");
    sb.append("| BLAS | ").append(e.blas()).append(" |\n");
    sb.append("| JDK | ").append(e.jdk()).append(" |\n");
    sb.append(
        String.format(
            Locale.ROOT, "| max heap | %.1f GiB |\n", e.maxHeapBytes() / (double) (1L << 30)));
    sb.append("| JVM arguments | `").append(String.join(" ", e.jvmArguments())).append("` |\n");
    BlasPeak peak = run.blasPeak();
    sb.append("| BLAS peak, measured in this run | ")
        .append(
            peak == null
                ? "not measured (no native BLAS)"
                : String.format(
                    Locale.ROOT,
                    "dgemm %.1f GFLOP/s, sgemm %.1f GFLOP/s (best of %d square products of order"
                        + " %d)",
                    peak.float64Gflops(),
                    peak.float32Gflops(),
                    peak.repeats(),
                    peak.size()))
        .append(" |\n\n");

    sb.append("## vivit4j against ViViT\n\n");
    sb.append(
            "Median wall time of the whole `DirectionalDerivativesComputation` (forward + factor"
                + " backpropagation + Gram eigensolve + γ/λ), after warm-up, in one warm JVM, on the"
                + " default CPU backend (`cpu`, `--gemm auto` = native OpenBLAS, `--eigensolver"
                + " auto`). ViViT's numbers: ")
        .append(run.vivit().source())
        .append(
            run.vivit().measuredHere()
                ? ", the same machine, just before this run."
                : ". They were not measured side by side with this run.")
        .append(" Ratio = ViViT time / vivit4j time.\n\n");
    sb.append(
        "| case | ViViT float64 | vivit4j float64 | ratio | ViViT float32 | vivit4j float32 |"
            + " ratio | goal | eigensolve: ViViT (f64 / f32) vs vivit4j (f64 / f32) |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (String c : cases(run.timings())) {
      EndToEndBench.Timing t64 = find(run.timings(), c, HEADLINE_CONFIGS.get(0));
      EndToEndBench.Timing t32 = find(run.timings(), c, HEADLINE_CONFIGS.get(1));
      ViVitTimings.Entry v = run.vivit().entry(c);
      if (v == null && (c.startsWith("fmnist_2c2d") || t64 == null && t32 == null)) {
        continue; // a conv case without ViViT's number is quoted below the table
      }
      if (v == null) {
        v = new ViVitTimings.Entry(null, null, "–");
      }
      String label = t64 != null ? t64.caseLabel() : t32 != null ? t32.caseLabel() : c;
      sb.append("| ").append(label).append(" | ");
      sb.append(v.float64() == null ? "–" : seconds(v.float64())).append(" | ");
      sb.append(t64 == null ? "–" : seconds(t64.median())).append(" | ");
      sb.append(ratio(v.float64(), t64)).append(" | ");
      // a dtype the timings lack (the quoted table's note says when ViViT crashed)
      sb.append(v.float32() == null ? "–" : seconds(v.float32())).append(" | ");
      sb.append(t32 == null ? "–" : seconds(t32.median())).append(" | ");
      sb.append(ratio(v.float32(), t32)).append(" | ");
      double goal = ViVitTimings.goal(c);
      sb.append(Double.isNaN(goal) ? "–" : "≥ " + (int) goal + "×").append(" | ");
      sb.append(v.eigensolveNote())
          .append(" vs ")
          .append(t64 == null ? "–" : seconds(t64.eigSeconds()))
          .append(" / ")
          .append(t32 == null ? "–" : seconds(t32.eigSeconds()))
          .append(" |\n");
    }
    sb.append("\n");
    convParagraph(sb, run.timings(), run.vivit(), run.blasPeak());
    goalParagraph(sb, run.timings(), run.blasPeak());

    sb.append("## Correctness checks (before timing)\n\n");
    for (String line : run.correctness()) {
      sb.append("- ").append(line).append("\n");
    }
    sb.append("\n## Every configuration\n\n");
    sb.append(
        "| case | config | eigensolver | median | min | eigensolve | Lanczos products |"
            + " GFLOP a run | GFLOP/s | of BLAS peak | repeats | device |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (EndToEndBench.Timing t : run.timings()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %d | %s | %s | %s | %d (+%d warm-up) | %s |\n",
              t.caseId(),
              t.config(),
              t.eigensolver(),
              seconds(t.median()),
              seconds(t.min()),
              seconds(t.eigSeconds()),
              t.products(),
              gflop(t),
              rate(t),
              ofPeak(t, peak),
              t.seconds().length,
              t.warmups(),
              t.device()));
    }
    if (!run.ops().isEmpty()) {
      sb.append("\n## GEMM-shaped operations (GFLOP/s, median)\n\n");
      sb.append("| op | config | G | k | n | median | GFLOP/s | spot-check rel. error |\n");
      sb.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
      for (OpsBench.OpTiming o : run.ops()) {
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %d | %d | %d | %s | %.1f | %.1e |\n",
                o.op(),
                o.config(),
                o.g(),
                o.k(),
                o.n(),
                seconds(o.seconds()),
                o.gflops(),
                o.error()));
      }
      sb.append("\nReference lines in `ops_gflops.png`: ");
      run.peaks().forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s = %.0f; ", k, v)));
      sb.append("\n");
    }
    for (String network : MemoryCurve.NETWORKS) {
      List<MemoryCurve.Point> points = MemoryCurve.of(run.memory(), network);
      if (!points.isEmpty()) {
        memorySection(sb, network, points, run.memoryHeapBytes());
      }
    }
    if (!notes.isEmpty()) {
      sb.append("\n## Notes\n\n");
      for (String n : notes) {
        sb.append("- ").append(n).append("\n");
      }
    }
    return sb.toString();
  }

  /** A run's matrix-product GFLOP ({@code 2·multiply-adds}), or – when not counted. */
  static String gflop(EndToEndBench.Timing t) {
    return t.multiplyAdds() < 0 ? "–" : String.format(Locale.ROOT, "%.1f", 2e-9 * t.multiplyAdds());
  }

  /** The median run's achieved GFLOP/s ({@link EndToEndBench.Timing#gflops}), or –. */
  static String rate(EndToEndBench.Timing t) {
    return t.multiplyAdds() < 0 ? "–" : String.format(Locale.ROOT, "%.1f", t.gflops());
  }

  /**
   * The median run's rate as a share of the BLAS peak of its dtype, or – when the products were not
   * counted or no peak was measured.
   */
  static String ofPeak(EndToEndBench.Timing t, BlasPeak peak) {
    return t.multiplyAdds() < 0 || peak == null || !BlasPeak.DTYPES.contains(t.dtype())
        ? "–"
        : String.format(Locale.ROOT, "%.0f %%", 100 * t.gflops() / peak.gflops(t.dtype()));
  }

  /** Issue 10's goals for fmnist_2c2d at N = 128 on the default CPU backend, seconds by dtype. */
  static final Map<String, Double> FMNIST_N128_GOAL_SECONDS =
      Map.of("float64", 1.5, "float32", 1.0);

  /**
   * fmnist_2c2d: its row in the table above when the ViViT timings have its batch size; otherwise
   * ViViT's only quoted number for it is on a GPU (issue 5), quoted beside ours, not divided into a
   * ratio.
   */
  private static void convParagraph(
      StringBuilder sb, List<EndToEndBench.Timing> timings, ViVitTimings vivit, BlasPeak peak) {
    List<EndToEndBench.Timing> conv =
        timings.stream()
            .filter(t -> t.caseId().startsWith("fmnist_2c2d") && vivit.entry(t.caseId()) == null)
            .toList();
    if (conv.isEmpty()) {
      return;
    }
    int n = conv.get(0).n();
    // when auto picks Lanczos for the top 10, the run uses the rank-reduced factor: 9 columns
    boolean reduced =
        org.vivit4j.core.GramSpace.choose(
                org.vivit4j.linalg.EigenSolver.AUTO,
                org.vivit4j.core.SpectrumNeed.top(10),
                10 * n,
                true)
            == org.vivit4j.linalg.EigenSolver.LANCZOS;
    sb.append("**")
        .append(conv.get(0).caseLabel())
        .append("** (exact GGN, a spectrum of ")
        .append(10 * n)
        .append(" Gram eigenvalues")
        .append(
            reduced
                ? ", solved as a " + 9 * n + " × " + 9 * n + " Gram of the rank-reduced factor"
                : "")
        .append("), median wall time of the whole computation:");
    for (EndToEndBench.Timing t : conv) {
      sb.append(" ").append(t.config()).append(" ").append(seconds(t.median()));
      if (t.multiplyAdds() >= 0) {
        sb.append(" (")
            .append(gflop(t))
            .append(" GFLOP of matrix products a run: ")
            .append(rate(t))
            .append(" GFLOP/s");
        if (peak != null && BlasPeak.DTYPES.contains(t.dtype())) {
          sb.append(
              String.format(
                  Locale.ROOT,
                  ", %s of the %s peak; the products alone at that peak: %s",
                  ofPeak(t, peak),
                  BlasPeak.routine(t.dtype()),
                  seconds(peak.floorSeconds(t.multiplyAdds(), t.dtype()))));
        }
        sb.append(")");
      }
      sb.append(";");
    }
    sb.append(
        " the ViViT timings have no CPU number at this N (`time_vivit.py --sizes"
            + " fmnist_2c2d:N` measures one); ViViT's quoted reference point is on a GPU (RTX 2080"
            + " Ti): 0.104 s for the exact top-k eigenpairs at N = 128 (issue 5).\n\n");
  }

  /**
   * Issue 10's time goals at fmnist_2c2d N = 128, met or not, for each default-backend dtype timed
   * there, with the floor that the measured BLAS peak sets.
   */
  private static void goalParagraph(
      StringBuilder sb, List<EndToEndBench.Timing> timings, BlasPeak peak) {
    List<String> parts = new java.util.ArrayList<>();
    for (String config : HEADLINE_CONFIGS) {
      EndToEndBench.Timing t = find(timings, "fmnist_2c2d_n128", config);
      Double goal = t == null ? null : FMNIST_N128_GOAL_SECONDS.get(t.dtype());
      if (goal == null) {
        continue;
      }
      StringBuilder p = new StringBuilder();
      p.append(t.dtype())
          .append(" ")
          .append(seconds(t.median()))
          .append(" against ≤ ")
          .append(seconds(goal))
          .append(t.median() <= goal ? ": **met**" : ": **not met**");
      if (peak != null && t.multiplyAdds() >= 0) {
        double floor = peak.floorSeconds(t.multiplyAdds(), t.dtype());
        p.append(
            String.format(
                Locale.ROOT,
                " (its products at this run's %s peak need %s, %.0f %% of the goal)",
                BlasPeak.routine(t.dtype()),
                seconds(floor),
                100 * floor / goal));
      }
      parts.add(p.toString());
    }
    if (!parts.isEmpty()) {
      sb.append("Issue 10's time goals at fmnist_2c2d N = 128 (default CPU backend): ")
          .append(String.join("; ", parts))
          .append(".\n\n");
    }
  }

  private static void memorySection(
      StringBuilder sb, String network, List<MemoryCurve.Point> points, long heapBytes) {
    // reports written before the curves had a dtype ran in float64
    String dtype = points.get(0).dtype() == null ? "float64" : points.get(0).dtype();
    sb.append(
        "\n## Time and peak heap vs N ("
            + MemoryCurve.title(network)
            + ", exact top-10, cpu "
            + dtype
            + ")\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "Each N runs once, cold, in a fresh JVM with a %.0f GiB heap limit (`tornado-run"
                + " bench-point --network %s --dtype %s`). Peak heap = sum of the heap pools' peak"
                + " usage (MemoryPoolMXBean), an upper bound of the simultaneous peak that includes"
                + " garbage the collector had not yet reclaimed; live after GC = the largest heap"
                + " use right after a collection, a lower bound of what the heap must hold;"
                + " estimate = the library's memory estimate, the check before every run; chunk ="
                + " samples per chunk of the factor pass (– for one plain pass). Plot:"
                + " `memory_vs_n_%s.png`.\n\n",
            heapBytes / (double) (1L << 30),
            network,
            dtype,
            network));
    sb.append(
        "| N | Gram rows C̃·N | chunk | status | time | eigensolve | peak heap | live after GC |"
            + " estimate | GCs |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (MemoryCurve.Point p : points) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %d%s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
              p.n(),
              p.largest() ? " (largest)" : "",
              p.gramSize() > 0 ? Integer.toString(p.gramSize()) : "–",
              p.chunkSamples() > 0 ? Integer.toString(p.chunkSamples()) : "–",
              p.status(),
              seconds(p.seconds()),
              seconds(p.eigSeconds()),
              gibOrDash(p.peakHeapBytes()),
              gibOrDash(p.peakLiveBytes()),
              gibOrDash(p.estimatedPeakBytes()),
              p.gcCount() < 0 ? "–" : Long.toString(p.gcCount())));
    }
    List<MemoryCurve.Point> ok = points.stream().filter(p -> "ok".equals(p.status())).toList();
    MemoryCurve.Point largestRun =
        ok.stream().max(java.util.Comparator.comparingInt(MemoryCurve.Point::n)).orElse(null);
    if (largestRun != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "\n**Largest N run here: %d**, %s, peak heap %s.\n",
              largestRun.n(),
              seconds(largestRun.seconds()),
              gibOrDash(largestRun.peakHeapBytes())));
    }
    double[] fit = MemoryCurve.fit(points);
    if (fit != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "\nFit of the peak heap: %.3g GiB + %.4g bytes · N + %.4g bytes · N².\n",
              fit[0] / (1L << 30),
              fit[1],
              fit[2]));
    }
    double[] timeFit = MemoryCurve.timeFit(points);
    if (timeFit != null) {
      sb.append(
          String.format(
              Locale.ROOT,
              "\nFit of the time: %.3g s + %.4g s · N + %.4g s · N².\n",
              timeFit[0],
              timeFit[1],
              timeFit[2]));
    }
    largestParagraph(sb, network, ok, heapBytes, dtype, timeFit);
  }

  /**
   * The largest N by the memory estimate, and the goal N (estimate, and the time the fit
   * extrapolates).
   */
  private static void largestParagraph(
      StringBuilder sb,
      String network,
      List<MemoryCurve.Point> ok,
      long heapBytes,
      String dtype,
      double[] timeFit) {
    int largest = LargestBatch.largest(network, heapBytes, dtype);
    sb.append(
        String.format(
            Locale.ROOT,
            "\n**Largest N by the memory estimate in the %.0f GiB heap (%s): %d** (the run sized"
                + " as in that heap: its factor chunks, its Gram storage; the heap taken whole, as"
                + " under a collector that compacts large arrays; under G1, which counts a phase's"
                + " arrays %.1f times, a run admits less).",
            heapBytes / (double) (1L << 30),
            dtype,
            largest,
            org.vivit4j.core.PlanningHeap.NON_MOVING_HEADROOM));
    int goal = LargestBatch.goal(network);
    if (goal > 0) {
      String at = "";
      try {
        long need = LargestBatch.estimate(network, goal, heapBytes, dtype).peakBytes();
        at =
            String.format(
                Locale.ROOT,
                " the estimate there is %s, which %s the heap limit",
                gibOrDash(need),
                need <= heapBytes ? "fits" : "does not fit");
      } catch (org.vivit4j.model.InvalidInputException e) {
        at = " that run cannot exist (" + e.getMessage() + ")";
      }
      int measuredUpTo = ok.stream().mapToInt(MemoryCurve.Point::n).max().orElse(0);
      String time =
          timeFit == null || measuredUpTo >= goal
              ? ""
              : String.format(
                  Locale.ROOT,
                  "; the time fit extrapolates %s from runs up to N = %d (runs in one plain"
                      + " pass; a chunked run repeats backward passes over its chunk pairs, while"
                      + " its Gram products stay those of the plain pass)",
                  seconds(MemoryCurve.predict(timeFit, goal)),
                  measuredUpTo);
      sb.append(
          String.format(
              Locale.ROOT,
              " Issue 10's goal is N ≥ %d in a 20 GiB heap in float32:%s%s.",
              goal,
              at,
              time));
    }
    sb.append("\n");
  }

  private static String gibOrDash(long bytes) {
    return bytes <= 0 ? "–" : String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
  }

  private static String ratio(Double vivit, EndToEndBench.Timing t) {
    if (vivit == null || t == null) {
      return "–";
    }
    return String.format(Locale.ROOT, "**%.1f×**", vivit / t.median());
  }
}
