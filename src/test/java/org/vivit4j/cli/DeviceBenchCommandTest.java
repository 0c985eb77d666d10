package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code device-bench} (run by {@code device-check} on a GPU machine) refuses a Gram size that the
 * expanded-Hadamard kernel cannot tile before it starts, and its smallest run writes a report whose
 * kernel checks all pass. The default sizes once included 4096, which is no multiple of C̃ = 10:
 * the full device-check then stopped with an exception in the middle of its kernel table.
 */
class DeviceBenchCommandTest {
  @TempDir Path dir;

  @Test
  void aSizeThatIsNoMultipleOfTheClassCountIsRefusedByName() {
    Path out = dir.resolve("report");
    CliRun run =
        CliRun.of(
            "device-bench", "--backend", "cpu", "--sizes", "40,4096", "--out", out.toString());
    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--sizes: 4096"), run.err());
    assertFalse(Files.exists(out), "no report folder for a refused run");
  }

  @Test
  void everyDefaultSizeIsAMultipleOfTheClassCount() {
    for (String g : DeviceBenchCommand.DEFAULT_SIZES.split(",")) {
      assertEquals(0, Integer.parseInt(g) % DeviceBenchCommand.CT, "default size " + g);
    }
  }

  @Test
  void theQuickRunChecksEveryKernelAgainstFloat64() throws Exception {
    Path out = dir.resolve("report");
    CliRun run =
        CliRun.of(
            "device-bench",
            "--backend",
            "cpu",
            "--quick",
            "--sizes",
            "130",
            "--out",
            out.toString());
    assertEquals(0, run.exitCode(), run.err());
    String summary = Files.readString(out.resolve("summary.md"));
    assertTrue(summary.contains("All kernel checks passed."), summary);
    assertTrue(Files.readAllLines(out.resolve("kernels.csv")).size() > 2, "kernel rows");
  }

  @Test
  void onOpenClTheRowsNameTheKernelsThatRan() throws Exception {
    boolean vector;
    try (var probe = new org.vivit4j.opencl.OpenClBackend()) {
      vector = probe.productKernels() == org.vivit4j.opencl.ProductKernels.VECTOR;
    }
    Path out = dir.resolve("report");
    CliRun run =
        CliRun.of(
            "device-bench",
            "--backend",
            "opencl",
            "--quick",
            "--sizes",
            "130",
            "--out",
            out.toString());
    assertEquals(0, run.exitCode(), run.err());
    List<String> kernels =
        Files.readAllLines(out.resolve("kernels.csv")).stream()
            .skip(1)
            .map(l -> l.split(",")[0])
            .toList();
    // mulTransB(b, b) is a Gram of one buffer: gram_vector in the vector form
    List<String> expected =
        vector ? List.of("gram_vector", "mul_vector") : List.of("mul_trans_b", "mul");
    assertTrue(kernels.containsAll(expected), kernels.toString());
    assertFalse(kernels.contains(vector ? "mul" : "mul_vector"), kernels.toString());
  }

  @Test
  void aFileAsOutIsRefusedByNameAndKept() throws Exception {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "keep me");
    CliRun run = CliRun.of("device-bench", "--backend", "cpu", "--quick", "--out", file.toString());
    assertEquals(2, run.exitCode(), run.err());
    assertEquals(
        "error: --out: "
            + file
            + ": is not a folder (device-bench writes its report files into --out)",
        run.err().strip());
    assertEquals("keep me", Files.readString(file));
  }
}
