package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code devices} names the CPU implementation that {@code solve --backend cpu} actually runs
 * (before, it always said "plain Java" while solve ran OpenBLAS).
 */
class DevicesCommandTest {
  @TempDir Path dir;

  @Test
  void theCpuLineNamesWhatSolveRuns() throws Exception {
    Path out = dir.resolve("r.json");
    CliRun solve =
        CliRun.of(
            "solve",
            "--problem",
            "src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json",
            "--out",
            out.toString(),
            "--backend",
            "cpu");
    assertEquals(0, solve.exitCode(), solve.err());
    String solveDevice =
        new ObjectMapper().readTree(Files.readString(out)).get("device").textValue();

    CliRun devices = CliRun.of("devices");
    assertEquals(0, devices.exitCode(), devices.err());
    String cpuLine =
        devices.out().lines().filter(l -> l.startsWith("cpu: ")).findFirst().orElseThrow();
    assertTrue(
        cpuLine.startsWith("cpu: " + solveDevice + ", --gemm "),
        "devices says '" + cpuLine + "' but solve ran on '" + solveDevice + "'");
  }
}
