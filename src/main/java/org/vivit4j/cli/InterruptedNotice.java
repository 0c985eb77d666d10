package org.vivit4j.cli;

import java.io.PrintWriter;

/**
 * While open, a JVM ended by a signal (Ctrl-C, {@code kill}) prints one line on stderr saying what
 * was not written; closed (the hook removed) once the command has finished its output, so a normal
 * exit or an error line is never followed by it. The output files themselves are safe without it:
 * they are written to a temporary file and moved into place.
 */
final class InterruptedNotice implements AutoCloseable {
  private final PrintWriter err;
  private final String line;
  private final Thread hook;

  InterruptedNotice(PrintWriter err, String line) {
    this.err = err;
    this.line = line;
    this.hook = new Thread(this::announce, "vivit4j-interrupted-notice");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** What the hook prints. */
  void announce() {
    err.println(line);
    err.flush();
  }

  /** Whether the hook is still registered (for tests). */
  boolean registered() {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalArgumentException alreadyRegistered) {
      return true;
    }
    Runtime.getRuntime().removeShutdownHook(hook);
    return false;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is already exiting: the hook runs and says so
    }
  }
}
