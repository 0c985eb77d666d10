package org.vivit4j.cli;

/** The command line that started this JVM, for stamping results (set by the launcher). */
final class CommandLineText {
  private CommandLineText() {}

  /** The launcher passes its exact command in {@code vivit4j.command}; else the JVM's own. */
  static String current() {
    String fromLauncher = System.getProperty("vivit4j.command");
    if (fromLauncher != null) {
      return fromLauncher;
    }
    return ProcessHandle.current().info().commandLine().orElse("(unknown)");
  }
}
