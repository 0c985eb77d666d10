package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchCommandTest {
  /** The measured peaks join the published reference lines of the GFLOP/s plot; none guessed. */
  @Test
  void theOpsPlotDrawsTheMeasuredPeakBesideThePublishedOnes() {
    var lines =
        BenchCommand.opsReferenceLines(new org.vivit4j.bench.BlasPeak(2048, 3, 101.5, 202.5));
    assertEquals(101.5, lines.get("dgemm measured in this run"));
    assertEquals(202.5, lines.get("sgemm measured in this run"));
    assertEquals(org.vivit4j.bench.BenchPlots.REFERENCE_GFLOPS.size() + 2, lines.size());
    assertEquals(
        org.vivit4j.bench.BenchPlots.REFERENCE_GFLOPS.size(),
        BenchCommand.opsReferenceLines(null).size());
  }
}
