package org.vivit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;

/** The pieces of {@code tornado-run bench}: memory fit, correctness gate, report files. */
class BenchPiecesTest {

  private static MemoryCurve.Point point(int n, long peak) {
    return new MemoryCurve.Point(n, "ok", 1, 0.5, peak, 1, "lanczos", 10, 1e-13, false);
  }

  @Test
  void memoryFitRecoversAQuadraticAndPredictsTheLargestN() {
    List<MemoryCurve.Point> pts =
        List.of(
            point(256, 1000 + 800L * 256 * 256),
            point(1024, 1000 + 800L * 1024 * 1024),
            point(2048, 1000 + 800L * 2048 * 2048),
            MemoryCurve.failed(4096, "oom", false));
    double[] fit = MemoryCurve.fit(pts);
    assertEquals(1000, fit[0], 1e-3 * 800L * 2048 * 2048);
    assertEquals(800, fit[1], 1e-9);
    long heap = 20L << 30;
    int largest = MemoryCurve.predictLargest(fit, heap);
    assertEquals(0, largest % 64);
    assertTrue(800.0 * largest * largest <= heap);
    assertTrue(800.0 * (largest + 64) * (largest + 64) > heap - 1000);
    assertNull(MemoryCurve.fit(List.of(point(256, 5))));
  }

  @Test
  void agreementPassesForTheSameRunAndFailsForAnotherProblem() {
    BenchCase small = BenchCase.mlp784(8);
    try (Backend b = org.vivit4j.bench.BenchConfig.cpu(Gemm.PLAIN, Precision.FLOAT64).open()) {
      ComputationResult r1 = EndToEndBench.runOnce(small, b, ComputationOptions.defaults());
      ComputationResult r2 = EndToEndBench.runOnce(small, b, ComputationOptions.defaults());
      Agreement.Outcome same =
          Agreement.check(r1.groups().get(0), r2.groups().get(0), 1e-12, 1e-12);
      assertTrue(same.passed(), same.summary());
      assertTrue(Agreement.identity(r1.groups().get(0)) < 1e-12);
      BenchCase other = BenchCase.mlp784(9);
      ComputationResult r3 = EndToEndBench.runOnce(other, b, ComputationOptions.defaults());
      assertFalse(
          Agreement.check(r1.groups().get(0), r3.groups().get(0), 1e-6, 1e-6).passed(),
          "different problems must not agree");
    }
  }

  @Test
  void reportWritesTheFolderTheIndexAndTheRatios(@TempDir Path results) throws Exception {
    BenchEnvironment env =
        new BenchEnvironment(
            "abc1234",
            "2026-01-02T03:04:05Z",
            "JDK",
            "Intel(R) Xeon(R) Processor",
            2,
            "BLAS",
            1L << 30,
            List.of(),
            "tornado-env/tornado-run bench --quick");
    EndToEndBench.Timing t =
        new EndToEndBench.Timing(
            "mlp784_n128",
            "label",
            128,
            "cpu-blas-float64",
            "float64",
            "dev",
            "lanczos",
            1,
            new double[] {0.1, 0.2, 0.3},
            0.2,
            0.1,
            0.05,
            100,
            1e-13,
            "passed");
    BenchReport.Run run =
        new BenchReport.Run(
            env,
            true,
            List.of("passed"),
            List.of(t),
            List.of(),
            java.util.Map.of(),
            List.of(),
            20L << 30,
            List.of("note"));
    Path dir = BenchReport.write(results, run);
    assertEquals("2026-01-02_abc1234_intel-xeon-processor-2c", dir.getFileName().toString());
    for (String f :
        List.of("summary.md", "end_to_end.csv", "end_to_end.json", "environment.json")) {
      assertTrue(Files.exists(dir.resolve(f)), f);
    }
    String summary = Files.readString(dir.resolve("summary.md"));
    assertTrue(summary.contains("**35.5×**"), summary); // 7.10 s / 0.2 s
    assertTrue(summary.contains("tornado-env/tornado-run bench --quick"), summary);
    String index = Files.readString(results.resolve("index.jsonl"));
    assertTrue(index.contains("\"mlp784_n128/float64\":35.5"), index);
    assertEquals(1, index.lines().count());
  }
}
