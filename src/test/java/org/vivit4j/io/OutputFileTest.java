package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.model.InvalidInputException;

/**
 * The write half of {@link OutputFile}: a failure while writing (a full disk, simulated by a stream
 * that fails after some bytes as {@code write(2)} does with ENOSPC) names the option and the
 * target, removes the temporary file and keeps the old target. The checks are exercised through the
 * CLI in {@code SolveOutputFileTest}.
 */
class OutputFileTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A stream that accepts {@code capacity} bytes, then fails as a full disk does. */
  private static final class FullDisk extends FilterOutputStream {
    private long left;

    FullDisk(OutputStream out, long capacity) {
      super(out);
      this.left = capacity;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        out.write(b, off, (int) left);
        left = 0;
        throw new IOException("No space left on device");
      }
      out.write(b, off, len);
      left -= len;
    }
  }

  private static OutputFile.Content bytes(int n) {
    return out -> {
      byte[] chunk = new byte[1000];
      java.util.Arrays.fill(chunk, (byte) 'x');
      for (int i = 0; i < n; i += chunk.length) {
        out.write(chunk, 0, Math.min(chunk.length, n - i));
      }
    };
  }

  @Test
  void aFullDiskNamesTheOptionKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
    Path target = dir.resolve("r.json");
    Files.writeString(target, "old result");
    OutputFile out = OutputFile.check("--out", target);
    // 200 kB through a 64 KiB buffer onto a disk with 100 kB free: fails in the middle.
    OutputWriteException e =
        assertThrows(
            OutputWriteException.class,
            () -> out.write(bytes(200_000), s -> new FullDisk(s, 100_000)));
    assertEquals("--out: cannot write " + target + ": No space left on device", e.getMessage());
    assertFalse(e.getMessage().contains(".tmp"), "the temporary file is never named");
    assertEquals("old result", Files.readString(target));
    assertEquals(List.of("r.json"), names(), "no temporary file is left");
  }

  @Test
  void aFullDiskAtTheLastFlushIsCaughtToo() throws IOException {
    // Everything fits the buffer; the failure comes when it is flushed before the sync.
    Path target = dir.resolve("r.json");
    OutputFile out = OutputFile.check("--out", target);
    OutputWriteException e =
        assertThrows(
            OutputWriteException.class, () -> out.write(bytes(5_000), s -> new FullDisk(s, 10)));
    assertTrue(e.getMessage().startsWith("--out: cannot write "), e.getMessage());
    assertEquals(List.of(), names(), "neither the target nor a temporary file");
  }

  @Test
  void aFailingContentLeavesNoTemporaryAndKeepsTheOldFile() throws IOException {
    Path target = dir.resolve("r.json");
    Files.writeString(target, "old");
    OutputFile out = OutputFile.check("--out", target);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                out.write(
                    s -> {
                      s.write("half".getBytes(StandardCharsets.UTF_8));
                      throw new IllegalStateException("bug");
                    }));
    assertEquals("bug", e.getMessage());
    assertEquals("old", Files.readString(target));
    assertEquals(List.of("r.json"), names());
  }

  @Test
  void writesAndReplacesAtomicallyEvenWhenTheContentClosesTheStream() throws IOException {
    Path target = dir.resolve("r.json");
    Files.writeString(target, "old");
    OutputFile.check("--out", target)
        .write(
            s -> {
              s.write("new".getBytes(StandardCharsets.UTF_8));
              s.close(); // Jackson closes its target; the file must still be synced and moved
            });
    assertEquals("new", Files.readString(target));
    assertEquals(List.of("r.json"), names());
  }

  @Test
  void aLongNameStillGetsATemporaryFile() throws IOException {
    // 240 bytes: the target is a legal name, ".NAME.<random>.tmp" would not be without the cut.
    String name = "r".repeat(235) + ".json";
    Path target = dir.resolve(name);
    OutputFile.check("--out", target).write(bytes(10));
    assertEquals(List.of(name), names());
    assertEquals(10, Files.size(target));
  }

  @Test
  void theTargetIsCheckedAgainWhenWritten() throws IOException {
    // A long run: the path became a directory meanwhile; the write refuses it instead of failing
    // on the rename.
    Path target = dir.resolve("r.json");
    OutputFile out = OutputFile.check("--out", target);
    Files.createDirectory(target);
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> out.write(bytes(10)));
    assertEquals("--out: " + target + ": is a directory; give a file path", e.getMessage());
    assertEquals(List.of("r.json"), names());
    assertTrue(Files.isDirectory(target));
  }

  @Test
  void controlCharactersInANameCannotBreakTheLine() {
    Path target = dir.resolve("a\nb\u001b[31m").resolve("r.json");
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> OutputFile.check("--out", target));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().contains("\u001b"), e.getMessage());
    assertTrue(e.getMessage().contains("a\\nb\\u001b[31m"), e.getMessage());
  }
}
