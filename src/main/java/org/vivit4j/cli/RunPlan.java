package org.vivit4j.cli;

import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.vivit4j.api.GgnComputation;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.FactorChunks;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.core.PlanningHeap;
import org.vivit4j.model.InvalidInputException;

/**
 * {@code solve --plan}: what a run would hold and how it would split its work, from the same memory
 * estimate the run checks before computing ({@link MemoryEstimate}), printed instead of running it.
 * For planning a large batch: an hour-long run should not be the way to learn that it needs another
 * heap, or how many chunk passes it makes.
 */
final class RunPlan {
  private RunPlan() {}

  /** Largest terms of the estimate printed. */
  static final int TERMS = 4;

  /**
   * Prints the plan of {@code computation} on {@code problem} with {@code backend} against this
   * JVM's heap limit.
   *
   * @return whether the estimated peak fits the heap limit and, on a device, its memory
   * @throws InvalidInputException as the run would, before computing: an array too large, a Conv2d
   *     budget too small, an eigensolver the Gram cannot have
   */
  static boolean print(
      PrintWriter out, Problem problem, GgnComputation computation, Backend backend) {
    PlanningHeap planning = PlanningHeap.ofThisJvm();
    long heap = planning.usableBytes();
    boolean onHost = backend.matricesInHeap();
    boolean float32 = backend.precision() == Precision.FLOAT32;
    int n = problem.batch().n();
    MemoryEstimate e =
        computation.memoryEstimate(problem.network(), problem.loss(), n, problem.groups(), backend);
    e.checkConvBudget();
    e.checkEigensolver();
    out.printf(
        Locale.ROOT,
        "%s: plan for N = %d on %s (%s, %s), heap: %s; nothing computed, nothing written%n",
        TerminalText.escape(problem.name()),
        n,
        backend.deviceName(),
        backend.name(),
        backend.precision().typeName(),
        planning.describe());
    long rows = e.gramRows();
    out.printf(
        Locale.ROOT,
        "  Gram: %d × %d per group (%d factor columns a sample × %d GGN samples), %d group(s),"
            + " %s%n",
        rows,
        rows,
        e.factorColumns(),
        e.ggnSamples(),
        problem.groups().size(),
        e.describeGramStorage());
    long peak = e.peakBytes();
    long need = e.neededBytes(planning.phaseHeadroom());
    boolean fits = e.fits(planning);
    String pass;
    if (e.chunkSamples() == 0) {
      pass = "factor pass: one pass over all " + e.ggnSamples() + " GGN samples";
    } else if (!fits && e.chunkSamples() == 1) {
      // the budget left nothing for the factor pass: chunk counts would only mislead
      pass =
          "factor pass: no chunk size fits (what the run holds throughout leaves no room for it)";
    } else {
      pass = FactorChunks.describe(e.ggnSamples(), e.chunkSamples());
    }
    out.println("  " + pass);
    out.printf(
        Locale.ROOT,
        "  estimated peak heap: %s%s, %s the heap a run plans for; its largest terms:%n",
        MemoryEstimate.gib(peak),
        need > peak
            ? String.format(
                Locale.ROOT,
                " (%s as %s needs it: its largest phase counted %.1f times)",
                MemoryEstimate.gib(need),
                planning.collector(),
                planning.phaseHeadroom())
            : "",
        fits ? "within" : "above");
    printLargest(out, e.peakParts());
    boolean deviceFits = true;
    if (backend.deviceMemoryBytes() > 0) {
      deviceFits = e.deviceBytes() <= backend.deviceMemoryBytes();
      out.printf(
          Locale.ROOT,
          "  estimated peak device memory: %s, %s %s; its largest terms:%n",
          MemoryEstimate.gib(e.deviceBytes()),
          deviceFits ? "within" : "above",
          backend.describeDeviceMemory());
      printLargest(out, e.deviceParts());
    }
    int largest =
        computation.largestBatch(
            problem.network(), problem.loss(), problem.groups(), onHost, float32, heap);
    // the device's memory sets the chunks, whose need hardly grows with N: the heap bounds N
    out.printf(
        Locale.ROOT,
        "  largest batch this heap admits (same network, loss, groups, options): N = %d%s%n",
        largest,
        backend.deviceMemoryBytes() > 0 ? " (the device's memory sets only the chunks)" : "");
    if (!fits) {
      try {
        e.checkFits(planning);
      } catch (InvalidInputException tooBig) {
        out.println("  " + tooBig.getMessage());
      }
    }
    if (!deviceFits) {
      try {
        e.checkFitsDevice(backend);
      } catch (InvalidInputException tooBig) {
        out.println("  " + tooBig.getMessage());
      }
    }
    return fits && deviceFits;
  }

  /** The {@link #TERMS} largest of {@code parts}, one line each. */
  private static void printLargest(PrintWriter out, List<MemoryEstimate.Part> parts) {
    parts.stream()
        .sorted(Comparator.comparingLong(MemoryEstimate.Part::bytes).reversed())
        .limit(TERMS)
        .forEach(
            p -> out.printf(Locale.ROOT, "    %s: %s%n", p.what(), MemoryEstimate.gib(p.bytes())));
  }
}
