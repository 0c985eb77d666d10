package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.io.InputFile;

/**
 * {@code solve --problem} paths that are not a readable problem file, through the real command
 * line: exit 2, one line {@code error: --problem: PATH: problem}, no output file. Each run has a
 * time limit: before the checks, {@code /dev/zero} was read for 20 s into an OutOfMemoryError and a
 * FIFO blocked forever.
 */
class SolveProblemFileTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private String assertRefused(String problem, String phrase) throws IOException {
    Path out = dir.resolve("r.json");
    List<String> before = names();
    CliRun run =
        assertTimeoutPreemptively(
            LIMIT, () -> CliRun.of("solve", "--problem", problem, "--out", out.toString()));
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, "one line expected, got: " + run.err());
    assertTrue(lines[0].startsWith("error: --problem: " + problem + ": "), lines[0]);
    assertTrue(lines[0].contains(phrase), lines[0]);
    assertEquals(before, names(), "no result and no temporary file");
    return lines[0];
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void missing() throws IOException {
    assertRefused(dir.resolve("nope.json").toString(), "no such file");
  }

  @Test
  void aDirectory() throws IOException {
    assertRefused(dir.toString(), "is a directory");
  }

  @Test
  void devZeroIsNotRead() throws IOException {
    assertRefused("/dev/zero", "is a character device, not a regular file");
  }

  @Test
  void aFifoIsNotOpened() throws Exception {
    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor(), "mkfifo");
    assertRefused(fifo.toString(), "is a FIFO (named pipe), not a regular file");
  }

  @Test
  void anUnreadableFile() throws IOException {
    // Root may read a 0000 file; the owner read bit says it is not meant to be read.
    Path p =
        Files.copy(
            Path.of("src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json"),
            dir.resolve("p.json"));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
    assertRefused(p.toString(), "is not readable (mode ---------)");
  }

  @Test
  void aDanglingSymbolicLink() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("p.json"), dir.resolve("gone.json"));
    assertRefused(link.toString(), "symbolic link to nothing");
  }

  @Test
  void aFileTooLargeForTheHeapIsRefusedBeforeItIsRead() throws IOException {
    // A sparse file one byte over the limit: no disk used, and a read of it would take minutes
    // and end in an OutOfMemoryError.
    Path big = dir.resolve("big.json");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(InputFile.sizeLimit() + 1);
    }
    String line = assertRefused(big.toString(), "is ");
    assertTrue(
        line.contains("reading it takes up to 6× its size of Java heap")
            || line.contains("larger than the 2 GiB a problem file may have"),
        "the line says why the size is refused: " + line);
  }
}
