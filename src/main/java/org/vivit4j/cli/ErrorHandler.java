package org.vivit4j.cli;

import java.util.List;
import org.vivit4j.model.InvalidInputException;
import picocli.CommandLine;

/**
 * Turns exceptions into one clear line and an exit code: bad input (2), a heap that ran out despite
 * the up-front memory estimate (2, with the {@code -Xmx} to try), an OpenCL device without room for
 * the run's buffers (2, saying how to run smaller), an unavailable device (3), an output file that
 * could not be written (1, naming the option, e.g. {@code --out: cannot write r.json: No space left
 * on device}), anything else (1, with the exception's class so a bug is recognisable).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(
      Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
    var err = cmd.getErr();
    if (ex instanceof CommandLine.ExecutionException && ex.getCause() instanceof OutOfMemoryError) {
      err.println("error: memory: " + outOfMemory(Runtime.getRuntime().maxMemory()));
      return Main.EXIT_BAD_INPUT;
    }
    if (ex instanceof org.vivit4j.opencl.DeviceMemoryException full) {
      // the device's counterpart of a heap that ran out: the message says how to run smaller
      err.println("error: memory: " + full.getMessage());
      return Main.EXIT_BAD_INPUT;
    }
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

  /** The line for a run that ran out of heap despite the up-front estimate (a last resort). */
  static String outOfMemory(long heapLimitBytes) {
    long gib = Math.max(1, Math.round(heapLimitBytes / (1024.0 * 1024 * 1024)));
    return "the Java heap ran out (limit "
        + org.vivit4j.core.MemoryEstimate.gib(heapLimitBytes)
        + "); run with a larger heap, e.g. -Xmx"
        + 2 * gib
        + "g (tornado-run: JDK_JAVA_OPTIONS=-Xmx"
        + 2 * gib
        + "g tornado-env/tornado-run ...)";
  }

  /**
   * Runs commands as picocli's {@link CommandLine.RunLast} does, but hands an {@link
   * OutOfMemoryError} (which picocli lets through as an {@link Error}) to this handler as an {@link
   * CommandLine.ExecutionException}: one line, no stack trace. The error has unwound the command's
   * stack by then, so its large arrays are unreachable and the line can be printed.
   */
  static CommandLine.IExecutionStrategy catchingOutOfMemory() {
    CommandLine.RunLast runLast = new CommandLine.RunLast();
    return parseResult -> {
      try {
        return runLast.execute(parseResult);
      } catch (OutOfMemoryError e) {
        List<CommandLine> cls = parseResult.asCommandLineList();
        throw new CommandLine.ExecutionException(cls.get(cls.size() - 1), "out of memory", e);
      }
    };
  }
}
