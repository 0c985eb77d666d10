package org.vivit4j.opencl;

/** An OpenCL C program failed to compile; the message and {@link #buildLog()} hold the log. */
public class OpenClBuildException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String program;
  private final String buildLog;

  public OpenClBuildException(String program, String buildLog, Throwable cause) {
    super("OpenCL program '" + program + "' failed to build; build log:\n" + buildLog, cause);
    this.program = program;
    this.buildLog = buildLog;
  }

  /** The program's name (its file name under {@code kernels/} without {@code .cl}). */
  public String program() {
    return program;
  }

  /** The compiler's build log for the device. */
  public String buildLog() {
    return buildLog;
  }
}
