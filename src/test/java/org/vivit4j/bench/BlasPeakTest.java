package org.vivit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vivit4j.blas.NativeBlas;

class BlasPeakTest {
  /** The test command installs OpenBLAS: a run without it must fail here, not skip. */
  @Test
  void measuresBothDtypesOnTheNativeBlas() {
    assertTrue(NativeBlas.isAvailable(), "native BLAS: " + NativeBlas.failure());
    BlasPeak peak = BlasPeak.measure(256, 2);
    assertNotNull(peak);
    assertEquals(256, peak.size());
    assertEquals(2, peak.repeats());
    // any BLAS multiplies 256² matrices at 0.5–10⁴ GFLOP/s: a slip of 10³ in the units either
    // way leaves that range
    for (double r : new double[] {peak.float64Gflops(), peak.float32Gflops()}) {
      assertTrue(r > 0.5 && r < 1e4, "rate " + r);
    }
  }

  @Test
  void theOrderShrinksWithTheHeap() {
    assertEquals(BlasPeak.SIZE, BlasPeak.sizeFor(8L << 30));
    // 2048: 151 MB of operands; in a 256 MiB heap a quarter holds 1024's 38 MB but not 2048's
    assertEquals(1024, BlasPeak.sizeFor(256L << 20));
    assertEquals(64, BlasPeak.sizeFor(1L << 20));
  }

  @Test
  void theFloorIsTwiceTheMultiplyAddsOverTheRate() {
    BlasPeak peak = new BlasPeak(2048, 3, 100.0, 250.0);
    assertEquals(1.4, peak.floorSeconds(70_000_000_000L, "float64"), 1e-12);
    assertEquals(0.56, peak.floorSeconds(70_000_000_000L, "float32"), 1e-12);
    assertEquals(250.0, peak.gflops("float32"));
    assertThrows(IllegalArgumentException.class, () -> peak.gflops("float16"));
    assertEquals("dgemm", BlasPeak.routine("float64"));
    assertEquals("sgemm", BlasPeak.routine("float32"));
    assertThrows(IllegalArgumentException.class, () -> peak.floorSeconds(-1, "float64"));
    assertThrows(IllegalArgumentException.class, () -> new BlasPeak(0, 3, 1, 1));
  }

  /** The measured peaks join the published reference lines of the GFLOP/s plot; none guessed. */
  @Test
  void theOpsPlotDrawsTheMeasuredPeakBesideThePublishedOnes() {
    var lines = BlasPeak.referenceLines(new BlasPeak(2048, 3, 101.5, 202.5));
    assertEquals(101.5, lines.get("dgemm measured in this run"));
    assertEquals(202.5, lines.get("sgemm measured in this run"));
    assertEquals(BenchPlots.REFERENCE_GFLOPS.size() + 2, lines.size());
    assertEquals(BenchPlots.REFERENCE_GFLOPS, BlasPeak.referenceLines(null));
  }
}
