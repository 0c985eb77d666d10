package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.core.PlanningHeap;

/** The note of a run chunked to this JVM's heap: what the plan used, and what to do under G1. */
class HeapNoteTest {
  private static final long GIB = 1L << 30;

  @Test
  void underG1TheNoteNamesTheSerialCollector() {
    PlanningHeap g1 = PlanningHeap.of(16 * GIB, List.of("G1 Old Generation"), -1);
    assertEquals(
        "heap: the factor pass's chunks were sized to the 16.0 GiB heap (G1 does not move large"
            + " arrays, so a phase's arrays count 1.6 times; under -XX:+UseSerialGC -XX:NewRatio=31"
            + " they count once in 31/32 of the heap)",
        GgnComputation.heapNote(g1));
  }

  @Test
  void underTheSerialCollectorTheNoteNamesItsOldGeneration() {
    PlanningHeap serial = PlanningHeap.of(16 * GIB, List.of("MarkSweepCompact"), 15 * GIB);
    assertEquals(
        "heap: the factor pass's chunks were sized to 15.0 GiB of the 16.0 GiB heap (the serial"
            + " collector's old generation)",
        GgnComputation.heapNote(serial));
  }
}
