package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.data.SyntheticFashionMnist;
import org.vivit4j.experiment.OutputFolder;

/**
 * Whole {@code experiment} runs through the command line on a tiny synthetic data set: an earlier
 * run is never overwritten silently, the default sub-sample adapts to the curvature batch, and a
 * diverging run stops with an error and keeps what it wrote.
 */
class ExperimentCommandRunTest {
  @TempDir Path dir;
  private Path data;

  @BeforeEach
  void data() throws IOException {
    data = SyntheticFashionMnist.write(dir.resolve("data"), 48, 16, 7);
  }

  /** A short MLP run (6 steps of 8 samples, curvature on 4) into {@code out}, with extra flags. */
  private CliRun run(Path out, String... extra) {
    return runWithCurvatureBatch(out, 4, 8, extra);
  }

  private CliRun runWithCurvatureBatch(Path out, int curvatureBatch, int batch, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "experiment",
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--epochs",
                "1",
                "--batch-size",
                String.valueOf(batch),
                "--curvature-batch",
                String.valueOf(curvatureBatch),
                "--top-k",
                "3",
                "--measure-every",
                "3"));
    args.addAll(List.of(extra));
    return CliRun.of(args.toArray(String[]::new));
  }

  @Test
  void anEarlierExperimentIsRefusedWithoutOverwrite() throws IOException {
    Path out = dir.resolve("run");
    CliRun first = run(out, "--groups", "per-layer");
    assertEquals(0, first.exitCode(), first.err());
    assertTrue(Files.exists(out.resolve("eigenvalues_layer0.png")));
    byte[] config = Files.readAllBytes(out.resolve("config.json"));
    byte[] training = Files.readAllBytes(out.resolve("training.csv"));
    Files.writeString(out.resolve("notes.txt"), "mine");

    CliRun second = run(out, "--groups", "all", "--lr", "0.01");
    assertEquals(Main.EXIT_BAD_INPUT, second.exitCode(), second.err());
    assertEquals(1, second.err().strip().split("\n").length, second.err());
    assertTrue(
        second
            .err()
            .startsWith("error: --out: " + out + " already holds an experiment (config.json,"),
        second.err());
    assertTrue(
        second.err().strip().endsWith("; pass --overwrite or choose another --out"), second.err());
    assertArrayEquals(config, Files.readAllBytes(out.resolve("config.json")), "config.json kept");
    assertArrayEquals(training, Files.readAllBytes(out.resolve("training.csv")), "CSV kept");

    CliRun third = run(out, "--groups", "all", "--lr", "0.01", "--overwrite");
    assertEquals(0, third.exitCode(), third.err());
    assertTrue(Files.readString(out.resolve("config.json")).contains("\"lr\" : 0.01"));
    assertFalse(
        Files.exists(out.resolve("eigenvalues_layer0.png")),
        "the old run's per-layer plots must go with it");
    assertTrue(Files.exists(out.resolve("eigenvalues_all.png")));
    assertEquals("mine", Files.readString(out.resolve("notes.txt")), "other files are kept");
    // Written through a temporary file, yet with the permissions of any new file (not 0600).
    Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
    for (String written : List.of("loss.png", "config.json")) {
      assertEquals(
          Files.getPosixFilePermissions(plain),
          Files.getPosixFilePermissions(out.resolve(written)),
          written);
    }
  }

  @Test
  void aFolderARunningExperimentWritesIsRefusedEvenWithOverwrite() throws IOException {
    Path out = dir.resolve("busy");
    CliRun first = run(out, "--groups", "all");
    assertEquals(0, first.exitCode(), first.err());
    byte[] training = Files.readAllBytes(out.resolve("training.csv"));
    // Another experiment holds the folder's lock while this one starts.
    OutputFolder.Lock running = OutputFolder.prepare(out, false, "--out");
    try (running) {
      CliRun second = run(out, "--groups", "all", "--lr", "0.01", "--overwrite");
      assertEquals(Main.EXIT_BAD_INPUT, second.exitCode(), second.err());
      assertEquals(
          "error: --out: " + out + " is in use by another experiment that is still running",
          second.err().strip());
      assertArrayEquals(
          training, Files.readAllBytes(out.resolve("training.csv")), "the running one's CSV kept");
    }
    CliRun third = run(out, "--groups", "all", "--lr", "0.01", "--overwrite");
    assertEquals(0, third.exitCode(), "the lock is released with the run: " + third.err());
  }

  @Test
  void theDefaultSubsampleAdaptsToASmallCurvatureBatch() throws IOException {
    Path out = dir.resolve("run");
    // The case: the fixed default 16 made --curvature-batch 16 an error.
    CliRun r = runWithCurvatureBatch(out, 16, 16, "--groups", "all");
    assertEquals(0, r.exitCode(), r.err());
    JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
    assertEquals(8, config.get("config").get("subsample_ggn").asInt(), "half of 16");
    // The sub-sampled overlap was measured (a number in [0, 1], not NaN).
    List<String> groups = Files.readAllLines(out.resolve("groups.csv"));
    double overlap = Double.parseDouble(groups.get(1).split(",")[4]);
    assertTrue(overlap >= 0 && overlap <= 1 + 1e-9, groups.get(1));
  }

  @Test
  void divergingTrainingStopsWithAnErrorAndKeepsWhatWasWritten() throws IOException {
    Path out = dir.resolve("run");
    CliRun r = run(out, "--lr", "1e300", "--groups", "all");
    assertEquals(Main.EXIT_MISMATCH, r.exitCode(), r.err());
    String[] lines = r.err().strip().split("\n");
    assertEquals(1, lines.length, r.err());
    assertTrue(lines[0].startsWith("error: training diverged at step "), lines[0]);
    assertTrue(lines[0].contains("try a smaller lr"), lines[0]);
    for (String csv : List.of("training.csv", "evaluation.csv", "groups.csv", "directions.csv")) {
      List<String> rows = Files.readAllLines(out.resolve(csv));
      assertFalse(rows.isEmpty(), csv);
      for (String row : rows.subList(1, rows.size())) {
        assertFalse(row.contains("NaN") || row.contains("Infinity"), csv + ": " + row);
      }
    }
    assertNotNull(ImageIO.read(out.resolve("loss.png").toFile()), "loss.png is a complete PNG");
    try (Stream<Path> files = Files.list(out)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
    }
  }
}
