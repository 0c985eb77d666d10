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

  private static MemoryCurve.Point point(int n, double peak) {
    return new MemoryCurve.Point(
        "mlp784",
        n,
        "ok",
        1 + 1e-4 * n + 1e-7 * n * n,
        0.5,
        (long) peak,
        (long) peak / 2,
        1,
        "lanczos",
        10,
        1e-13,
        false,
        "float32",
        10 * n,
        0,
        (long) peak);
  }

  @Test
  void memoryFitRecoversAQuadraticAndPredictsTheLargestN() {
    List<MemoryCurve.Point> pts =
        List.of(
            point(256, 1000 + 800.0 * 256 * 256),
            point(1024, 1000 + 800.0 * 1024 * 1024),
            point(2048, 1000 + 800.0 * 2048 * 2048),
            MemoryCurve.failed("mlp784", 4096, "oom", false, "float32"));
    double[] fit = MemoryCurve.fit(pts);
    assertEquals(1000, fit[0], 1e-6 * 800.0 * 2048 * 2048);
    assertEquals(0, fit[1], 1e-3);
    assertEquals(800, fit[2], 1e-6);
    assertEquals(1000 + 800.0 * 3000 * 3000, MemoryCurve.predict(fit, 3000), 1e-6 * 800 * 9e6);
    // the time fit reads the seconds (1 + 1e-4·N + 1e-7·N² in point()), not the peak
    double[] time = MemoryCurve.timeFit(pts);
    assertEquals(1, time[0], 1e-9);
    assertEquals(1e-4, time[1], 1e-12);
    assertEquals(1e-7, time[2], 1e-15);
    assertNull(MemoryCurve.fit(List.of(point(256, 5))));
  }

  @Test
  void memoryFitKeepsTheLinearTermOfConvNets() {
    // per-sample factors (18 MB a sample) dominate a conv net's peak at moderate N
    double a = 3e8;
    double b = 1.8e7;
    double c = 800;
    List<MemoryCurve.Point> pts =
        List.of(32, 64, 128, 256).stream().map(n -> point(n, a + b * n + c * n * n)).toList();
    double[] fit = MemoryCurve.fit(pts);
    assertEquals(a, fit[0], 1e-6 * a);
    assertEquals(b, fit[1], 1e-6 * b);
    assertEquals(c, fit[2], 1e-3 * c);
    // two points: no linear term
    double[] two = MemoryCurve.fit(pts.subList(0, 2));
    assertEquals(0, two[1]);
    // a peak that falls with N predicts nothing
    assertNull(MemoryCurve.fit(List.of(point(32, 3e9), point(64, 2e9), point(128, 1e9))));
  }

  @Test
  void pointsThatWouldExhaustTheMachineAreNotRun() {
    assertTrue(PeakMemory.machineAvailableBytes() > 2L << 30, "needs /proc/meminfo and 2 GiB");
    MemoryCurve.Point huge =
        MemoryCurve.tooBigForMachine("mlp784", 4096, new double[] {0, 0, 1e9}, "float32");
    assertTrue(huge.status().startsWith("not run: predicted peak"), huge.status());
    assertEquals("float32", huge.dtype());
    assertNull(MemoryCurve.tooBigForMachine("mlp784", 16, new double[] {1e6, 0, 1}, "float32"));
    assertNull(MemoryCurve.tooBigForMachine("mlp784", 4096, null, "float32"));
  }

  @Test
  void benchCasesByNetworkName() {
    assertEquals("mlp784_n8", BenchCase.of("mlp784", 8).id());
    BenchCase conv = BenchCase.of("fmnist_2c2d", 2);
    assertEquals("fmnist_2c2d_n2", conv.id());
    assertEquals(3_274_634, conv.network().numParams());
    org.vivit4j.model.InvalidInputException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.vivit4j.model.InvalidInputException.class, () -> BenchCase.of("resnet", 8));
    assertTrue(e.getMessage().contains("--network"), e.getMessage());
  }

  @Test
  void warmUpRunsUntilTheirTimeBudgetIsSpent() {
    BenchCase small = BenchCase.mlp784(2);
    BenchConfig cfg = BenchConfig.cpu(Gemm.PLAIN, Precision.FLOAT64);
    try (Backend b = cfg.open()) {
      ComputationOptions o = ComputationOptions.defaults();
      assertEquals(3, EndToEndBench.time(small, cfg, b, o, 3, 0, 2, "x").warmups());
      // a budget far beyond what 40 runs of a 2-sample MLP take: the cap ends the warm-up
      EndToEndBench.Timing capped = EndToEndBench.time(small, cfg, b, o, 3, 1e6, 2, "x");
      assertEquals(EndToEndBench.MAX_WARMUPS, capped.warmups());
      assertEquals(2, capped.seconds().length);
    }
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
        environment("Intel(R) Xeon(R) Processor", "tornado-env/tornado-run bench --quick");
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
            "passed",
            -1);
    EndToEndBench.Timing conv =
        new EndToEndBench.Timing(
            "fmnist_2c2d_n128",
            "fmnist_2c2d (DeepOBS), CE mean, N=128, top-10",
            128,
            "cpu-blas-float64",
            "float64",
            "dev",
            "lanczos",
            1,
            new double[] {19, 19.5, 20},
            19.5,
            19,
            0.1,
            180,
            1e-13,
            "passed",
            117_000_000_000L);
    List<MemoryCurve.Point> memory =
        List.of(
            point(256, 1.6e8),
            point(512, 3.9e8),
            new MemoryCurve.Point(
                "fmnist_2c2d",
                64,
                "ok",
                9.8,
                0.14,
                2_268_082_712L,
                1_150_021_464L,
                21,
                "lanczos",
                180,
                3e-14,
                false,
                "float32",
                576,
                0,
                2_000_000_000L),
            new MemoryCurve.Point(
                "fmnist_2c2d",
                128,
                "ok",
                19.1,
                0.09,
                2_922_484_736L,
                1_312_814_240L,
                24,
                "lanczos",
                180,
                1e-13,
                false,
                "float32",
                1152,
                0,
                2_684_354_560L));
    BenchReport.Run run =
        new BenchReport.Run(
            env,
            true,
            List.of("passed"),
            List.of(t, conv),
            List.of(),
            java.util.Map.of(),
            memory,
            20L << 30,
            List.of("note"),
            ViVitTimings.quoted(),
            new BlasPeak(2048, 3, 100.0, 200.0));
    Path dir = BenchReport.write(results, run);
    assertEquals("2026-01-02_abc1234_intel-xeon-processor-2c", dir.getFileName().toString());
    for (String f :
        List.of(
            "summary.md",
            "end_to_end.csv",
            "end_to_end.json",
            "environment.json",
            "memory.csv",
            "memory_vs_n_mlp784.png",
            "memory_vs_n_fmnist_2c2d.png")) {
      assertTrue(Files.exists(dir.resolve(f)), f);
    }
    String summary = Files.readString(dir.resolve("summary.md"));
    assertTrue(summary.contains("**35.5×**"), summary); // 7.10 s / 0.2 s
    assertTrue(summary.contains("tornado-env/tornado-run bench --quick"), summary);
    // the counted products: 2 × 1.17e11 multiply-adds in the median 19.5 s; none for the other;
    // against the given dgemm peak of 100 GFLOP/s, 12 % and a floor of 234 GFLOP / 100 = 2.34 s
    assertTrue(
        summary.contains(
            "cpu-blas-float64 19.50 s (234.0 GFLOP of matrix products a run: 12.0 GFLOP/s, 12 %"
                + " of the dgemm peak; the products alone at that peak: 2.34 s);"),
        summary);
    assertTrue(summary.contains("| 180 | 234.0 | 12.0 | 12 % | 3 (+1 warm-up) |"), summary);
    assertTrue(summary.contains("| 100 | – | – | – | 3 (+1 warm-up) |"), summary);
    assertTrue(
        summary.contains(
            "| BLAS peak, measured in this run | dgemm 100.0 GFLOP/s, sgemm 200.0 GFLOP/s (best"
                + " of 3 square products of order 2048) |"),
        summary);
    assertTrue(
        summary.contains(
            "Issue 10's time goals at fmnist_2c2d N = 128 (default CPU backend): float64 19.50 s"
                + " against ≤ 1.50 s: **not met** (its products at this run's dgemm peak need"
                + " 2.34 s, 156 % of the goal)."),
        summary);
    assertTrue(
        Files.readString(dir.resolve("blas_peak.json")).contains("\"float32Gflops\" : 200.0"));
    String endToEnd = Files.readString(dir.resolve("end_to_end.csv"));
    assertTrue(endToEnd.contains(",117000000000,12.00,"), endToEnd);
    assertTrue(summary.contains("## Time and peak heap vs N (784-128-64-10 MLP"), summary);
    assertTrue(summary.contains("## Time and peak heap vs N (fmnist_2c2d (DeepOBS conv net)"));
    assertTrue(
        summary.contains(
            "| 128 | 1152 | – | ok | 19.10 s | 90.00 ms | 2.72 GiB | 1.22 GiB | 2.50 GiB | 24 |"),
        summary);
    assertTrue(summary.contains("exact top-10, cpu float32)"), summary);
    // the largest N and the goal come from the library's estimate, not from the two points
    int largest = LargestBatch.largest("fmnist_2c2d", 20L << 30, "float32");
    assertTrue(
        summary.contains(
            "**Largest N by the memory estimate in the 20 GiB heap (float32): " + largest + "**"),
        summary);
    // and says which collector that heap is planned for
    assertTrue(
        summary.contains("under G1, which counts a phase's arrays 1.6 times, a run admits less)."),
        summary);
    assertTrue(summary.contains("Issue 10's goal is N ≥ 8448 in a 20 GiB heap in float32:"));
    assertTrue(summary.contains("Fit of the time: "), summary);
    String csv = Files.readString(dir.resolve("memory.csv"));
    assertTrue(csv.startsWith("network,n,status,"), csv);
    assertTrue(csv.contains("fmnist_2c2d,128,\"ok\",19.1000,"), csv);
    assertTrue(csv.contains(",false,float32,1152,0,2684354560\n"), csv);
    // the plots can be redrawn from the JSON files alone
    Files.delete(dir.resolve("memory_vs_n_fmnist_2c2d.png"));
    Files.delete(dir.resolve("time_vs_n.png"));
    BenchReport.replot(dir, 20L << 30);
    assertTrue(Files.size(dir.resolve("memory_vs_n_fmnist_2c2d.png")) > 1000);
    assertTrue(Files.size(dir.resolve("time_vs_n.png")) > 1000);
    org.vivit4j.model.InvalidInputException notAReport =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.vivit4j.model.InvalidInputException.class,
            () -> BenchReport.replot(results.resolve("missing"), 1L << 30));
    assertTrue(notAReport.getMessage().contains("--replot"), notAReport.getMessage());
    String index = Files.readString(results.resolve("index.jsonl"));
    assertTrue(index.contains("\"mlp784_n128/float64\":35.5"), index);
    assertEquals(1, index.lines().count());
  }

  /** The N = 128 time goals read met or not per dtype, each with the floor of its own routine. */
  @Test
  void theN128GoalsAreMetOrNotPerDtype() {
    List<EndToEndBench.Timing> timings = new java.util.ArrayList<>();
    for (String dtype : List.of("float64", "float32")) {
      double median = dtype.equals("float64") ? 1.9 : 0.95;
      timings.add(
          new EndToEndBench.Timing(
              "fmnist_2c2d_n128",
              "fmnist_2c2d (DeepOBS), CE mean, N=128, top-10",
              128,
              "cpu-blas-" + dtype,
              dtype,
              "dev",
              "lanczos",
              1,
              new double[] {median},
              median,
              median,
              0.02,
              150,
              1e-13,
              "passed",
              70_000_000_000L));
    }
    BenchEnvironment env = environment("AMD EPYC", "tornado-env/tornado-run bench");
    BenchReport.Run run =
        new BenchReport.Run(
            env,
            false,
            List.of("passed"),
            timings,
            List.of(),
            java.util.Map.of(),
            List.of(),
            20L << 30,
            List.of(),
            ViVitTimings.quoted(),
            new BlasPeak(2048, 3, 100.0, 280.0));
    String summary = BenchSummary.markdown(run, List.of());
    // 140 GFLOP: 1.40 s at 100 GFLOP/s (float64), 0.50 s at 280 (float32)
    assertTrue(
        summary.contains(
            "float64 1.90 s against ≤ 1.50 s: **not met** (its products at this run's dgemm peak"
                + " need 1.40 s, 93 % of the goal); float32 950.00 ms against ≤ 1.00 s: **met**"
                + " (its products at this run's sgemm peak need 500.00 ms, 50 % of the goal)."),
        summary);
    assertTrue(summary.contains("| 140.0 | 73.7 | 74 % |"), summary); // 140 / 1.9 s = 73.7
    assertTrue(summary.contains("| 140.0 | 147.4 | 53 % |"), summary); // 140 / 0.95 s, of 280
  }

  /**
   * With ViViT timings measured here that hold fmnist_2c2d at the timed N, the conv case is a row
   * of the ratio table with the goal; a dtype the timings lack is "–", not "crashed".
   */
  @Test
  void measuredFmnistTimingsGiveARatioRow() {
    EndToEndBench.Timing conv =
        new EndToEndBench.Timing(
            "fmnist_2c2d_n32",
            "fmnist_2c2d (DeepOBS), CE mean, N=32, top-10",
            32,
            "cpu-blas-float64",
            "float64",
            "dev",
            "dense",
            1,
            new double[] {1.0, 1.2, 1.4},
            1.2,
            1.0,
            0.1,
            0,
            1e-14,
            "passed",
            -1);
    ViVitTimings measured =
        new ViVitTimings(
            java.util.Map.of(
                "fmnist_2c2d_n32", new ViVitTimings.Entry(34.2, 15.0, "–"),
                "mlp784_n32", new ViVitTimings.Entry(0.3, null, "–")),
            "time_vivit.py here",
            true);
    BenchEnvironment env = environment("AMD EPYC", "tornado-env/tornado-run bench --fmnist-n 32");
    BenchReport.Run run =
        new BenchReport.Run(
            env,
            false,
            List.of("passed"),
            List.of(conv),
            List.of(),
            java.util.Map.of(),
            List.of(),
            20L << 30,
            List.of(),
            measured,
            null);
    String summary = BenchSummary.markdown(run, List.of());
    assertTrue(
        summary.contains(
            "| fmnist_2c2d (DeepOBS), CE mean, N=32, top-10 | 34.20 s | 1.20 s | **28.5×** |"),
        summary);
    assertTrue(summary.contains("| ≥ 20× |"), summary);
    assertFalse(summary.contains("crashed"), summary);
    assertFalse(summary.contains("RTX 2080"), summary);
    // without a measured peak the share is not guessed
    assertTrue(summary.contains("| BLAS peak, measured in this run | not measured"), summary);
    assertFalse(summary.contains("of the dgemm peak"), summary);
  }

  /** A 2-core machine's environment at a fixed commit and date, run with {@code command}. */
  private static BenchEnvironment environment(String cpu, String command) {
    return new BenchEnvironment(
        "abc1234", "2026-01-02T03:04:05Z", "JDK", cpu, 2, "BLAS", 1L << 30, List.of(), command);
  }
}
