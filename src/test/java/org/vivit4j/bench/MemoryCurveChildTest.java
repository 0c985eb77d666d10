package org.vivit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A memory-curve point really runs in a child JVM and its line is read back. */
class MemoryCurveChildTest {
  @Test
  void aChildJvmMeasuresOnePoint() throws Exception {
    MemoryCurve.Point p = MemoryCurve.runChild("mlp784", 8, "512m", "float64", 120, false);
    assertEquals("ok", p.status(), p.toString());
    assertEquals("mlp784", p.network());
    assertEquals(8, p.n());
    assertTrue(p.seconds() > 0, p.toString());
    assertTrue(p.peakHeapBytes() > 0, p.toString());
    assertTrue(p.residual() >= 0 && p.residual() < 1e-8, p.toString());
  }

  @Test
  void aHeapTooSmallIsReportedNotThrown() throws Exception {
    MemoryCurve.Point p = MemoryCurve.runChild("mlp784", 64, "12m", "float64", 120, false);
    assertTrue(p.status().startsWith("oom") || p.status().startsWith("failed"), p.toString());
  }
}
