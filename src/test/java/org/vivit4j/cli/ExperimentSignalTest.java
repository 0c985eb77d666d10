package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vivit4j.data.SyntheticFashionMnist;

/**
 * Regression (issue 11, item 3): Ctrl-C printed "Stream closed" and "plots could not be drawn:
 * Shutdown in progress" and left a 0-byte loss.png. A child JVM runs {@code experiment} on a tiny
 * synthetic data set for (nearly) ever; once it has logged training rows and curvature measurements
 * it gets the signal, and must end with 128 + signal, a clear line on stderr, every PNG present
 * complete and every CSV row intact.
 */
class ExperimentSignalTest {
  private static final long START_TIMEOUT_S = 120;
  private static final long STOP_TIMEOUT_S = 60;

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"INT, 130", "TERM, 143"})
  void signalEndsTheRunInOrderWithCompletePlots(String signal, int exitCode) throws Exception {
    Path data = SyntheticFashionMnist.write(dir.resolve("data"), 48, 16, 5);
    Path out = dir.resolve("run");
    Path stdout = dir.resolve("stdout.txt");
    Path stderr = dir.resolve("stderr.txt");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
                java.toString(),
                "-Djava.awt.headless=true",
                "-cp",
                System.getProperty("java.class.path"),
                "org.vivit4j.cli.Main",
                "experiment",
                "--data",
                data.toString(),
                "--out",
                out.toString(),
                "--epochs",
                "1000000",
                "--batch-size",
                "8",
                "--curvature-batch",
                "4",
                "--top-k",
                "3",
                "--measure-every",
                "2",
                "--groups",
                "all")
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile());
    Process p = pb.start();
    try {
      waitUntilTraining(p, out, stderr);
      assertFalse(
          ignores(p.pid(), signal),
          "the child JVM inherited SIG" + signal + " as ignored from the test runner: cannot test");
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start();
      assertEquals(0, kill.waitFor(), "kill -" + signal);
      if (!p.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
        fail("no exit " + STOP_TIMEOUT_S + " s after SIG" + signal + "; stderr: " + read(stderr));
      }
    } finally {
      p.destroyForcibly();
    }
    String err = read(stderr);
    assertEquals(exitCode, p.exitValue(), err);
    assertTrue(err.contains("stopped by SIG" + signal + " after "), err);
    assertFalse(err.contains("Exception") || err.contains("could not"), err);

    try (Stream<Path> files = Files.list(out)) {
      List<Path> all = files.toList();
      assertTrue(
          all.stream().noneMatch(f -> f.getFileName().toString().endsWith(".tmp")),
          "temporary files left: " + all);
      List<Path> pngs = all.stream().filter(f -> f.toString().endsWith(".png")).toList();
      for (String expected : List.of("loss.png", "eigenvalues_all.png", "trace.png")) {
        assertTrue(pngs.contains(out.resolve(expected)), expected + " drawn: " + all);
      }
      for (Path png : pngs) {
        assertTrue(Files.size(png) > 0, png + " is empty");
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, png + " does not decode as a PNG");
        assertTrue(image.getWidth() > 0 && image.getHeight() > 0, png.toString());
      }
    }
    for (String csv : List.of("training.csv", "evaluation.csv", "directions.csv", "groups.csv")) {
      String text = Files.readString(out.resolve(csv));
      assertTrue(text.endsWith("\n"), csv + " ends in the middle of a row");
      List<String> rows = text.lines().toList();
      int columns = rows.get(0).split(",", -1).length;
      for (String row : rows.subList(1, rows.size())) {
        String[] f = row.split(",", -1);
        assertEquals(columns, f.length, csv + ": " + row);
        for (int i = csv.equals("directions.csv") || csv.equals("groups.csv") ? 1 : 0;
            i < f.length;
            i++) {
          Double.parseDouble(f[i]);
        }
      }
    }
    List<String> training = Files.readAllLines(out.resolve("training.csv"));
    for (int i = 1; i < training.size(); i++) {
      assertEquals(String.valueOf(i), training.get(i).split(",")[0], "steps in order, none lost");
    }
  }

  /** Waits until the child has logged two training rows and a curvature measurement. */
  private static void waitUntilTraining(Process p, Path out, Path stderr)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        fail("the experiment ended early (" + p.exitValue() + "): " + read(stderr));
      }
      if (lines(out.resolve("training.csv")) >= 3 && lines(out.resolve("groups.csv")) >= 2) {
        return;
      }
      Thread.sleep(50);
    }
    fail("no training rows after " + START_TIMEOUT_S + " s: " + read(stderr));
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> s = Files.lines(file)) {
      return s.count();
    }
  }

  /** Whether the process ignores the signal (bit of its SigIgn mask in /proc). */
  private static boolean ignores(long pid, String signal) throws IOException {
    int number = signal.equals("INT") ? 2 : 15;
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return (mask & (1L << (number - 1))) != 0;
      }
    }
    return false;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
