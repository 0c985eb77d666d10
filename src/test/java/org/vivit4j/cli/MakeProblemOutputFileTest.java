package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make-problem --out} is checked as {@code solve --out} is, before any data is loaded or any
 * weight drawn: exit 2, one line naming {@code --out} (before, a missing folder surfaced as an
 * exception naming the internal temporary file).
 */
class MakeProblemOutputFileTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private void assertRefused(String out, String expectedLine) throws IOException {
    List<String> before = names();
    CliRun run =
        CliRun.of("make-problem", "fmnist_2c2d", "--n", "1", "--random-data", "--out", out);
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertEquals(expectedLine, run.err().strip());
    assertEquals("", run.out());
    assertEquals(before, names(), "nothing created, no temporary file");
  }

  @Test
  void aMissingFolder() throws IOException {
    Path out = dir.resolve("nodir").resolve("x.json");
    assertRefused(
        out.toString(),
        "error: --out: " + out + ": folder " + dir.resolve("nodir") + " does not exist");
  }

  @Test
  void devNullStaysADevice() throws IOException {
    assertRefused(
        "/dev/null",
        "error: --out: /dev/null: is a character device, not a regular file (writing would"
            + " replace it with a plain file)");
    int mode =
        (Integer) Files.getAttribute(Path.of("/dev/null"), "unix:mode", LinkOption.NOFOLLOW_LINKS);
    assertTrue((mode & 0170000) == 0020000, "/dev/null is still a character device");
  }

  @Test
  void aDirectory() throws IOException {
    assertRefused(dir.toString(), "error: --out: " + dir + ": is a directory; give a file path");
  }
}
