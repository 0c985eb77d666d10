package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The heap a run plans for under each collector, from the collectors' bean names and the old
 * generation's size, and as child JVMs on the serial collector and on G1 read it.
 */
class PlanningHeapTest {
  private static final long GIB = 1L << 30;

  @Test
  void theSerialCollectorPlansForItsOldGeneration() {
    PlanningHeap h =
        PlanningHeap.of(8 * GIB, List.of("Copy", "MarkSweepCompact"), 8 * GIB - (256L << 20));
    assertTrue(h.movesLargeArrays());
    assertEquals("serial", h.collector());
    assertEquals(8 * GIB - (256L << 20), h.usableBytes());
    assertEquals("the serial collector's old generation", h.reason());
    assertEquals(1.0, h.phaseHeadroom());
  }

  @Test
  void theParallelCollectorPlansForItsOldGeneration() {
    PlanningHeap h = PlanningHeap.of(6 * GIB, List.of("PS Scavenge", "PS MarkSweep"), 4 * GIB);
    assertTrue(h.movesLargeArrays());
    assertEquals("parallel", h.collector());
    assertEquals(4 * GIB, h.usableBytes());
  }

  @Test
  void g1PlansForTheWholeHeapWithItsPhasesCountedMore() {
    PlanningHeap h =
        PlanningHeap.of(8 * GIB, List.of("G1 Young Generation", "G1 Old Generation"), -1);
    assertFalse(h.movesLargeArrays());
    assertEquals("G1", h.collector());
    assertEquals(8 * GIB, h.usableBytes());
    assertEquals(1.6, h.phaseHeadroom());
    assertEquals(
        "the 8.0 GiB heap (G1 does not move large arrays, so a phase's arrays count 1.6 times;"
            + " under -XX:+UseSerialGC -XX:NewRatio=31 they count once in 31/32 of the heap)",
        h.describe());
  }

  @Test
  void aCollectorNotKnownToMoveLargeArraysIsPlannedForAsG1() {
    PlanningHeap z = PlanningHeap.of(8 * GIB, List.of("ZGC Cycles", "ZGC Pauses"), -1);
    assertFalse(z.movesLargeArrays());
    assertEquals("ZGC", z.collector());
    assertEquals("Shenandoah", PlanningHeap.of(GIB, List.of("Shenandoah Pauses"), -1).collector());
    assertEquals("Epsilon", PlanningHeap.of(GIB, List.of("Epsilon Heap"), -1).collector());
    assertEquals(PlanningHeap.NON_MOVING_HEADROOM, z.phaseHeadroom());
    // a serial collector whose old generation cannot be read is not trusted to hold the heap
    PlanningHeap unread = PlanningHeap.of(8 * GIB, List.of("Copy", "MarkSweepCompact"), -1);
    assertFalse(unread.movesLargeArrays());
    assertEquals(PlanningHeap.NON_MOVING_HEADROOM, unread.phaseHeadroom());
    assertEquals("serial (old generation unknown)", unread.collector());
    assertThrows(IllegalArgumentException.class, () -> PlanningHeap.of(0, List.of(), -1));
  }

  @Test
  void underG1ARunNeedsItsResidentPartAndItsLargestPhaseCountedOneAndAHalfTimesAndMore() {
    org.vivit4j.bench.BenchCase c = org.vivit4j.bench.BenchCase.of("fmnist_2c2d", 16);
    MemoryEstimate e =
        new org.vivit4j.api.DirectionalDerivativesComputation(
                org.vivit4j.api.ComputationOptions.defaults())
            .assumingHeapLimit(8 * GIB)
            .memoryEstimate(c.network(), c.loss(), 16, c.groups(), true, false);
    long phase = e.peakBytes() - e.residentBytes();
    assertTrue(phase > 0 && e.residentBytes() > 0, e.parts().toString());
    assertEquals(e.peakBytes(), e.neededBytes(1.0));
    assertEquals(e.residentBytes() + (long) Math.ceil(1.6 * phase), e.neededBytes(1.6));
    // the refusal counts the same: fits a moving heap of the peak, not G1's heap of it
    PlanningHeap g1 = PlanningHeap.of(e.peakBytes(), List.of("G1 Old Generation"), -1);
    PlanningHeap serial =
        PlanningHeap.of(e.peakBytes(), List.of("MarkSweepCompact"), e.peakBytes());
    e.checkFits(serial);
    org.vivit4j.model.InvalidInputException refused =
        assertThrows(org.vivit4j.model.InvalidInputException.class, () -> e.checkFits(g1));
    assertTrue(
        refused
            .getMessage()
            .contains("needs about " + MemoryEstimate.gib(e.neededBytes(1.6)) + " (the largest"),
        refused.getMessage());
    assertTrue(refused.getMessage().contains("-XX:+UseSerialGC"), refused.getMessage());
    // -Xmx advice: the need and a quarter, rounded up, plus one GiB
    assertEquals(6, g1.xmxGibFor(4 * GIB));
  }

  @Test
  void theXmxAdviceGivesAnOldGenerationThatHoldsTheNeed() {
    // the serial collector with its default NewRatio = 2: a run plans for 2/3 of the heap
    PlanningHeap serial = PlanningHeap.of(30 * GIB, List.of("MarkSweepCompact"), 20 * GIB);
    long need = (long) (22.6 * GIB);
    long advised = serial.xmxGibFor(need) * GIB;
    assertTrue(advised > 30 * GIB, "more than the heap that refused it: " + advised);
    assertTrue(advised * 2 / 3 >= need * 1.25, "its old generation holds the need: " + advised);
  }

  @Test
  void aJvmOnTheSerialCollectorPlansForItsOldGeneration() throws Exception {
    String probe = probe(List.of("-XX:+UseSerialGC", "-XX:NewRatio=31"), "-Xmx512m");
    // e.g. "serial 520093696 536870912 true": an old generation of 31/32 of the heap
    String[] f = probe.trim().split(" ");
    assertEquals("serial", f[0], probe);
    long usable = Long.parseLong(f[1]);
    long max = Long.parseLong(f[2]);
    assertTrue(usable > 0.9 * max && usable <= max, probe);
    assertEquals("true", f[3], probe);
  }

  @Test
  void aJvmOnG1PlansForTheWholeHeap() throws Exception {
    String probe = probe(List.of("-XX:+UseG1GC"), "-Xmx512m");
    String[] f = probe.trim().split(" ");
    assertEquals("G1", f[0], probe);
    assertEquals(Long.parseLong(f[2]), Long.parseLong(f[1]));
    assertEquals("false", f[3], probe);
  }

  @Test
  void theCollectorOptionsOfThisJvmAreItsGcFlagsOnly() {
    for (String o : PlanningHeap.collectorOptions()) {
      assertTrue(
          o.matches("-XX:[+]Use[A-Za-z0-9]+GC|-Xmn.*|-XX:(NewRatio|NewSize|MaxNewSize)=.*"), o);
    }
  }

  /** {@link Probe}'s line in a child JVM started with {@code flags}. */
  private static String probe(List<String> flags, String xmx) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(xmx);
    cmd.addAll(flags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Probe.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    String out = run(pb);
    return out.lines().filter(l -> l.startsWith("PROBE ")).findFirst().orElseThrow().substring(6);
  }

  private static String run(ProcessBuilder pb) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child timed out");
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  /** Prints this JVM's planning heap: collector, usable and heap bytes, whether it moves. */
  static final class Probe {
    public static void main(String[] args) {
      PlanningHeap h = PlanningHeap.ofThisJvm();
      System.out.println(
          "PROBE "
              + h.collector()
              + " "
              + h.usableBytes()
              + " "
              + h.maxHeapBytes()
              + " "
              + h.movesLargeArrays());
    }
  }
}
