package org.vivit4j.core;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.List;
import java.util.Locale;

/**
 * The heap a run may plan for in this JVM: what its chunk sizes, its kept factors and the check
 * before it ({@link MemoryEstimate#checkFitsHeap}) compare its estimate with. Not simply {@code
 * -Xmx}: the estimate counts the bytes a run holds ({@link MemoryEstimate}), but whether they fit
 * depends on the collector, because a run's largest arrays (a Conv2d factor of a chunk pair, 0.6 GB
 * at cifar100_allcnnc N = 12 in float64) are allocated while arrays as large are alive.
 *
 * <ul>
 *   <li>A collector that compacts the whole old generation, large arrays included (serial, {@code
 *       MarkSweepCompact}; parallel, {@code PS MarkSweep}), fits a run whose live bytes fit its old
 *       generation: the plan uses the old generation's maximum, where arrays larger than the young
 *       generation live. Measured: cifar100_allcnnc, N = 12, float64, chunks of 4, estimate 1338
 *       MiB, {@code -XX:+UseSerialGC -Xmn16m}: out of heap with an old generation of 1334 MiB,
 *       finished with 1340 MiB (the estimate is the live peak to 0.3 %).
 *   <li>G1 (the JVM's default), and any collector not known to move large arrays, keeps an array
 *       larger than half a region where it was allocated, so free space splits into stretches too
 *       short for the next one. The plan uses the whole heap but counts the arrays a phase
 *       allocates and frees (factors, eigensolver workspace, {@code V·w} blocks) {@value
 *       #NON_MOVING_HEADROOM} times and what stays from the start (Grams, batch, activations) once
 *       ({@link MemoryEstimate#neededBytes}). Measured on the same run (resident 150 MB, its
 *       largest phase 1253 MB: 2055 MiB so counted): out of heap at 1500, 1650, 1800 MiB, and at
 *       1960 MiB in one of two runs; finished at 2048 MiB. A default run sized for 80 % of an 1800
 *       MiB heap ({@link ChunkChoice#HEAP_SHARE}, before this class) ran out of heap 44 s in. A
 *       second case, fmnist_2c2d, N = 384, float64, chunks of 64, whose largest phase is the {@code
 *       V·w} pass (estimate 1118 MiB, resident 369 MiB, phase 749 MiB: 1568 MiB so counted): out of
 *       heap at 1150, 1250, 1400 MiB, finished at 1480 and 1568 MiB; under the serial collector it
 *       finished in an old generation of 1126 MiB.
 * </ul>
 *
 * {@code tornado-run} leaves the JVM's default (G1): the serial collector cost fmnist_2c2d at N =
 * 128 in float32 0.2–0.3 s a run in pauses against G1's 0.07 s (median 1.76 against 1.54 s, 8 GiB
 * heap, 2-core machine). A run too large for G1's plan says so and names {@code -XX:+UseSerialGC},
 * under which a run plans for the old generation ({@code -XX:NewRatio=31}: 31/32 of the heap).
 *
 * @param maxHeapBytes the JVM's heap limit ({@code Runtime.maxMemory()})
 * @param usableBytes the heap the run plans for: the old generation, or the whole heap
 * @param collector the collector as the plan names it ({@code serial}, {@code parallel}, {@code
 *     G1})
 * @param movesLargeArrays whether the collector compacts large arrays
 */
public record PlanningHeap(
    long maxHeapBytes, long usableBytes, String collector, boolean movesLargeArrays) {

  /**
   * How many times a phase's arrays count under a collector that does not move large arrays: the
   * runs measured ({@link PlanningHeap}) needed 1.43–1.54 (cifar100_allcnnc) and 1.38–1.48
   * (fmnist_2c2d) times their largest phase on top of their resident part; 1.6 covers both.
   */
  public static final double NON_MOVING_HEADROOM = 1.6;

  /** The bean of the serial collector's old generation, which compacts large arrays. */
  private static final String SERIAL_OLD = "MarkSweepCompact";

  /** The bean of the parallel collector's old generation, which compacts large arrays. */
  private static final String PARALLEL_OLD = "PS MarkSweep";

  /** Memory pools holding such a collector's old generation. */
  private static final List<String> OLD_POOLS = List.of("Tenured Gen", "PS Old Gen");

  /** This JVM's planning heap, from its collectors and memory pools. */
  public static PlanningHeap ofThisJvm() {
    List<String> collectors =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList();
    long oldMax = -1;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (OLD_POOLS.contains(p.getName())) {
        oldMax = p.getUsage().getMax();
      }
    }
    return of(Runtime.getRuntime().maxMemory(), collectors, oldMax);
  }

  /**
   * The planning heap for a heap limit of {@code maxHeapBytes}, the collectors' bean names and the
   * old generation's maximum in bytes (−1 when unknown).
   */
  public static PlanningHeap of(long maxHeapBytes, List<String> collectors, long oldMaxBytes) {
    if (maxHeapBytes < 1) {
      throw new IllegalArgumentException("the heap limit must be at least 1, got " + maxHeapBytes);
    }
    boolean serial = collectors.contains(SERIAL_OLD);
    boolean parallel = collectors.contains(PARALLEL_OLD);
    if ((serial || parallel) && oldMaxBytes > 0) {
      return new PlanningHeap(
          maxHeapBytes, Math.min(maxHeapBytes, oldMaxBytes), serial ? "serial" : "parallel", true);
    }
    return new PlanningHeap(maxHeapBytes, maxHeapBytes, name(collectors, serial, parallel), false);
  }

  /**
   * The collector's name in a plan: G1, ZGC, Shenandoah, Epsilon by their beans' prefixes; a serial
   * or parallel collector whose old generation could not be read as such; else the first bean's.
   */
  private static String name(List<String> collectors, boolean serial, boolean parallel) {
    for (String known : List.of("G1", "ZGC", "Shenandoah", "Epsilon")) {
      if (collectors.stream().anyMatch(c -> c.startsWith(known))) {
        return known;
      }
    }
    if (serial || parallel) {
      return (serial ? "serial" : "parallel") + " (old generation unknown)";
    }
    return collectors.isEmpty() ? "unknown" : collectors.get(0);
  }

  /** How many times a phase's arrays count: 1, or {@link #NON_MOVING_HEADROOM}. */
  public double phaseHeadroom() {
    return movesLargeArrays ? 1.0 : NON_MOVING_HEADROOM;
  }

  /** The options that put a JVM on the serial collector with an old generation of 31/32 of it. */
  public static final List<String> SERIAL_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:NewRatio=31");

  /**
   * How the plan reads the heap, e.g. {@code the serial collector's old generation} or {@code G1
   * does not move large arrays, so a phase's arrays count 1.6 times; under -XX:+UseSerialGC
   * -XX:NewRatio=31 they count once in 31/32 of the heap}.
   */
  public String reason() {
    return movesLargeArrays
        ? "the " + collector + " collector's old generation"
        : collector
            + " does not move large arrays, so a phase's arrays count "
            + String.format(Locale.ROOT, "%.1f", NON_MOVING_HEADROOM)
            + " times; under "
            + String.join(" ", SERIAL_OPTIONS)
            + " they count once in 31/32 of the heap";
  }

  /**
   * E.g. {@code 19.4 GiB of the 20.0 GiB heap (the serial collector's old generation)} or {@code
   * the 20.0 GiB heap (G1 does not move large arrays, …)}.
   */
  public String describe() {
    return (usableBytes == maxHeapBytes ? "the " : MemoryEstimate.gib(usableBytes) + " of the ")
        + MemoryEstimate.gib(maxHeapBytes)
        + " heap ("
        + reason()
        + ")";
  }

  /**
   * This JVM's options that choose its collector and the size of its young generation: a child JVM
   * started with them plans, and runs out of heap, as this one.
   */
  public static List<String> collectorOptions() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(
            a ->
                a.matches("-XX:[+]Use[A-Za-z0-9]+GC")
                    || a.equals("-XX:+UnlockExperimentalVMOptions")
                    || a.startsWith("-XX:G1HeapRegionSize=")
                    || a.startsWith("-Xmn")
                    || a.startsWith("-XX:NewRatio=")
                    || a.startsWith("-XX:NewSize=")
                    || a.startsWith("-XX:MaxNewSize="))
        .toList();
  }

  /**
   * The {@code -Xmx}, in whole GiB, for a run that needs {@code needBytes} as this collector counts
   * it ({@link MemoryEstimate#neededBytes} with {@link #phaseHeadroom}): scaled by the heap over
   * the part a run plans for (the old generation), with a quarter to spare for what the estimate
   * leaves out.
   */
  public long xmxGibFor(long needBytes) {
    double heapPerUsable = maxHeapBytes / (double) usableBytes;
    return (long) Math.ceil(needBytes * heapPerUsable * 1.25 / (1024.0 * 1024 * 1024)) + 1;
  }
}
