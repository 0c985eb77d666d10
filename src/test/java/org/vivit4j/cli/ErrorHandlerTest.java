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
 * exit 1, without the exception's class or the temporary file's name; an OpenCL device without room
 * for the run as one line and exit 2, as a heap that ran out.
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

  @Test
  void aDeviceWithoutRoomIsOneLineAndExitTwo() {
    var full =
        new org.vivit4j.opencl.DeviceMemoryException(
            "the OpenCL device X has no room for a 3×4 float32 buffer (48 B): ...; run with"
                + " smaller chunks");
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = new ErrorHandler().handleExecutionException(full, cl, null);
    assertEquals(Main.EXIT_BAD_INPUT, code);
    assertEquals("error: memory: " + full.getMessage(), err.toString().strip());
  }
}
