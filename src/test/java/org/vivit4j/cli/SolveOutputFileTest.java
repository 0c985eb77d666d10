package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solve --out} through the real command line: every target that must not be written is
 * refused before any computation with exit 2 and one line {@code error: --out: PATH: problem}; the
 * files on disk (names, contents, kinds, modes) are the same before and after. The tests run as
 * root in CI, where the OS would let every one of these writes through.
 */
class SolveOutputFileTest {
  private static final Path SEED =
      Path.of("src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json");

  @TempDir Path dir;

  private Path problem() throws IOException {
    return Files.copy(SEED, dir.resolve("p.json"));
  }

  /** Every entry under {@code dir}: its kind, mode and, for a regular file, its content. */
  private Map<String, String> snapshot() throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        String kind =
            Files.isSymbolicLink(p)
                ? "link -> " + Files.readSymbolicLink(p)
                : Files.isDirectory(p)
                    ? "dir"
                    : "file " + Files.readString(p).hashCode() + " " + Files.size(p);
        String mode =
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        out.put(dir.relativize(p).toString(), kind + " " + mode);
      }
    }
    return out;
  }

  /** Runs solve, asserts the one-line refusal naming --out and the path, and that nothing moved. */
  private String assertRefused(Path problem, String out, String phrase) throws IOException {
    Map<String, String> before = snapshot();
    CliRun run = CliRun.of("solve", "--problem", problem.toString(), "--out", out);
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, "one line expected, got: " + run.err());
    assertTrue(lines[0].startsWith("error: --out: " + out + ": "), lines[0]);
    assertTrue(lines[0].contains(phrase), lines[0]);
    assertEquals("", run.out(), "refused before any computation: nothing on stdout");
    assertEquals(before, snapshot(), "the files on disk are untouched, no temporary file left");
    return lines[0];
  }

  private static boolean isCharacterDevice(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return (mode & 0170000) == 0020000;
  }

  @Test
  void devNullStaysADevice() throws IOException {
    Path devNull = Path.of("/dev/null");
    assertTrue(isCharacterDevice(devNull), "precondition");
    assertRefused(problem(), "/dev/null", "is a character device, not a regular file");
    assertTrue(isCharacterDevice(devNull), "/dev/null must still be a character device");
  }

  @Test
  void devFullStaysADevice() throws IOException {
    Path devFull = Path.of("/dev/full");
    assertTrue(isCharacterDevice(devFull), "precondition");
    assertRefused(problem(), "/dev/full", "is a character device, not a regular file");
    assertTrue(isCharacterDevice(devFull), "/dev/full must still be a character device");
  }

  @Test
  void theProblemFileItselfHoweverSpelt() throws IOException {
    Path p = problem();
    Files.createDirectory(dir.resolve("sub"));
    Files.createLink(dir.resolve("hard.json"), p);
    byte[] original = Files.readAllBytes(p);
    for (String spelling :
        List.of(
            p.toString(),
            dir.resolve("sub/../p.json").toString(),
            dir.resolve("./p.json").toString(),
            dir.resolve("hard.json").toString())) {
      assertRefused(p, spelling, "is the input file (--problem)");
    }
    assertArrayEquals(original, Files.readAllBytes(p), "the problem file is intact");
  }

  @Test
  void aSymbolicLinkIsRefusedAndItsTargetKept() throws IOException {
    Path result = Files.writeString(dir.resolve("old.json"), "old result");
    Path link = Files.createSymbolicLink(dir.resolve("link.json"), result.getFileName());
    assertRefused(problem(), link.toString(), "is a symbolic link");
    assertEquals("old result", Files.readString(result));
  }

  @Test
  void aReadOnlyFileIsKept() throws IOException {
    Path ro = Files.writeString(dir.resolve("ro.json"), "old result");
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r--r--r--"));
    assertRefused(problem(), ro.toString(), "is read-only (mode r--r--r--)");
  }

  @Test
  void aDirectory() throws IOException {
    Path d = Files.createDirectory(dir.resolve("results"));
    Files.writeString(d.resolve("keep"), "x");
    assertRefused(problem(), d.toString(), "is a directory");
  }

  @Test
  void aMissingFolder() throws IOException {
    String out = dir.resolve("nodir").resolve("r.json").toString();
    assertRefused(problem(), out, "folder " + dir.resolve("nodir") + " does not exist");
  }

  @Test
  void aFileWhereTheFolderShouldBe() throws IOException {
    Path p = problem();
    assertRefused(p, p.resolve("r.json").toString(), p + " is not a folder");
  }

  @Test
  void anUnwritableFolder() throws IOException {
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    assertRefused(problem(), ro.resolve("r.json").toString(), "is not writable (mode r-xr-xr-x)");
  }

  @Test
  void anEmptyPath() throws IOException {
    Path p = problem();
    Map<String, String> before = snapshot();
    CliRun run = CliRun.of("solve", "--problem", p.toString(), "--out", "");
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertEquals("error: --out: empty path", run.err().strip());
    assertEquals(before, snapshot());
  }

  @Test
  void theOutputIsCheckedBeforeTheProblemIsRead() throws IOException {
    // A malformed problem would be reported by the parser; --out is refused first, so a bad
    // --out never costs a read or a run.
    Path bad = Files.writeString(dir.resolve("bad.json"), "{\"name\": ");
    assertRefused(bad, "/dev/null", "is a character device");
  }

  @Test
  void aWritableExistingResultIsReplacedAndNothingElseChanges() throws IOException {
    Path p = problem();
    Path out = Files.writeString(dir.resolve("r.json"), "old result");
    CliRun run = CliRun.of("solve", "--problem", p.toString(), "--out", out.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertEquals(
        "seed_mlp_relu_mse_mean_top4",
        new ObjectMapper().readTree(out.toFile()).get("name").textValue());
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(
          List.of("p.json", "r.json"),
          s.map(f -> f.getFileName().toString()).sorted().toList(),
          "no temporary file left");
    }
    assertArrayEquals(Files.readAllBytes(SEED), Files.readAllBytes(p));
    assertFalse(run.err().contains("error"), run.err());
  }
}
