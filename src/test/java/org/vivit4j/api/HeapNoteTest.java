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
        "heap: the chunks were sized to the 16.0 GiB heap (G1 does not move large arrays: a"
            + " phase's arrays count 1.6 times; -XX:+UseSerialGC plans for its old generation);"
            + " under JDK_JAVA_OPTIONS=\"-XX:+UseSerialGC -XX:NewRatio=31\" they count once (in"
            + " 31/32 of it): larger chunks, fewer passes",
        GgnComputation.heapNote(g1));
  }

  @Test
  void underTheSerialCollectorTheNoteNamesItsOldGeneration() {
    PlanningHeap serial = PlanningHeap.of(16 * GIB, List.of("MarkSweepCompact"), 15 * GIB);
    assertEquals(
        "heap: the chunks were sized to 15.0 GiB of the 16.0 GiB heap (serial collector: its old"
            + " generation)",
        GgnComputation.heapNote(serial));
  }
}
