package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.io.OutputFile;
import org.vivit4j.io.OutputWriteException;

/**
 * A write that fails (a full disk) reaches the user as one line naming {@code --out} and the cause,
 * exit 1, without the exception's class or the temporary file's name.
 */
class ErrorHandlerTest {
  @TempDir Path dir;

  @Test
  void aFailedWriteIsOneLineNamingTheOption() throws IOException {
    Path target = dir.resolve("r.json");
    OutputWriteException failed =
        assertThrows(
            OutputWriteException.class,
            () ->
                OutputFile.check("--out", target)
                    .write(
                        out -> {
                          out.write('{');
                          throw new IOException("No space left on device");
                        }));
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = new ErrorHandler().handleExecutionException(failed, cl, null);
    assertEquals(Main.EXIT_MISMATCH, code);
    assertEquals(
        "error: --out: cannot write " + target + ": No space left on device",
        err.toString().strip());
    try (var s = Files.list(dir)) {
      assertEquals(0, s.count(), "no target and no temporary file");
    }
  }
}
