package org.vivit4j.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** The command line of this run, for stamping results. */
final class CommandLineText {
  private CommandLineText() {}

  /** {@code tornado-run} followed by the arguments picocli parsed, in order. */
  static List<String> current(CommandLine.Model.CommandSpec spec) {
    List<String> out = new ArrayList<>();
    out.add("tornado-run");
    CommandLine root = spec.commandLine();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    out.addAll(root.getParseResult().originalArgs());
    return out;
  }
}
