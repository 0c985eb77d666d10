package org.vivit4j.cli;

import org.vivit4j.model.InvalidInputException;
import picocli.CommandLine;

/**
 * Turns exceptions into one clear line and an exit code: bad input (2), an unavailable device (3),
 * an output file that could not be written (1, naming the option, e.g. {@code --out: cannot write
 * r.json: No space left on device}), anything else (1, with the exception's class so a bug is
 * recognisable).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    var err = cmd.getErr();
    if (ex instanceof InvalidInputException bad) {
      // the message may quote strings of the file: keep it one line and free of escapes
      err.println("error: " + TerminalText.escape(bad.getMessage()));
      return Main.EXIT_BAD_INPUT;
    }
    if (ex instanceof org.vivit4j.opencl.OpenClUnavailableException
        || ex instanceof org.vivit4j.backend.BlasUnavailableException) {
      err.println("error: " + ex.getMessage());
      return Main.EXIT_UNAVAILABLE;
    }
    if (ex instanceof org.vivit4j.io.OutputWriteException failedWrite) {
      // Not bad input but the run's end: the message names --out and the cause (a full disk).
      err.println("error: " + failedWrite.getMessage());
      return Main.EXIT_MISMATCH;
    }
    err.println("error: " + ex.getClass().getName() + ": " + ex.getMessage());
    return Main.EXIT_MISMATCH;
  }
}
