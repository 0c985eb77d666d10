package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} refuses a bad {@code --out} or {@code --memory-heap} before it times anything: the
 * full bench runs for most of an hour, and it used to fail only when writing its report. The
 * timeout is what makes "before" testable: the quick bench takes minutes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BenchCommandBadInputTest {
  @TempDir Path dir;

  private static void assertRefused(CliRun run, String field) {
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, run.err());
    assertTrue(lines[0].startsWith("error: " + field + ": "), lines[0]);
  }

  @Test
  void aDeviceAsOutIsRefusedBeforeTiming() {
    assertRefused(CliRun.of("bench", "--quick", "--out", "/dev/null"), "--out");
  }

  @Test
  void aFileAsOutIsRefusedAndKept() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "mine");
    assertRefused(CliRun.of("bench", "--quick", "--out", file.toString()), "--out");
    assertEquals("mine", Files.readString(file));
  }

  @Test
  void aMissingParentIsRefused() {
    assertRefused(
        CliRun.of("bench", "--quick", "--out", dir.resolve("no/such/results").toString()), "--out");
    assertFalse(Files.exists(dir.resolve("no")));
  }

  @Test
  void aBadHeapSizeIsRefusedBeforeTiming() {
    for (String heap : new String[] {"lots", "0", "99999999999999g", "-5g"}) {
      assertRefused(
          CliRun.of("bench", "--quick", "--out", dir.toString(), "--memory-heap", heap),
          "--memory-heap");
    }
  }

  @Test
  void aBadCifarBatchIsRefusedBeforeTiming() {
    assertRefused(
        CliRun.of("bench", "--quick", "--out", dir.toString(), "--fmnist-n", "0"), "--fmnist-n");
    assertRefused(
        CliRun.of("bench", "--quick", "--out", dir.toString(), "--cifar10-n", "0"), "--cifar10-n");
    assertRefused(
        CliRun.of("bench", "--quick", "--out", dir.toString(), "--cifar100-n", "-3"),
        "--cifar100-n");
  }

  @Test
  void oneSampleIsRefusedForTheConvCases() {
    // one sample's 10-class cross-entropy GGN has rank 9 < 10 directions: a run of minutes once
    // died at its end with no report
    for (String flag : new String[] {"--fmnist-n", "--cifar10-n", "--cifar100-n"}) {
      CliRun run = CliRun.of("bench", "--quick", "--out", dir.toString(), flag, "1");
      assertRefused(run, flag);
      assertTrue(run.err().contains("at least 2"), run.err());
    }
  }

  @Test
  void aRepeatedOrBadFmnistBatchInTheListIsRefused() throws IOException {
    CliRun twice = CliRun.of("bench", "--quick", "--out", dir.toString(), "--fmnist-n", "16,16");
    assertRefused(twice, "--fmnist-n");
    assertTrue(twice.err().contains("16 given twice"), twice.err());
    assertRefused(
        CliRun.of("bench", "--quick", "--out", dir.toString(), "--fmnist-n", "16,0"), "--fmnist-n");
    try (var entries = Files.list(dir)) {
      assertEquals(0, entries.count(), "no report folder for a refused run");
    }
  }
}
