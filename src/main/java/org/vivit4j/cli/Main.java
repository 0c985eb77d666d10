package org.vivit4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code vivit4j} command line ({@code tornado-env/tornado-run} launches it). */
@Command(
    name = "tornado-run",
    mixinStandardHelpOptions = true,
    version = "vivit4j 0.1.0",
    description = "Curvature of neural networks through the low-rank structure of the GGN (ViViT).",
    subcommands = {
      SeedCommand.class,
      SolveCommand.class,
      GoldenCommand.class,
      MakeProblemCommand.class,
      DeviceBenchCommand.class,
      ExperimentCommand.class,
      BenchCommand.class,
      BenchPointCommand.class,
      DevicesCommand.class,
      InspectCommand.class
    })
public final class Main implements Runnable {

  /**
   * Exit code for a run that did not succeed for a reason other than its input: checks that found a
   * mismatch (or could check nothing), an output file that could not be written (a full disk), an
   * internal error. README "Exit codes" lists them all, with 130/143 for SIGINT/SIGTERM.
   */
  public static final int EXIT_MISMATCH = 1;

  /** Exit code for bad input (a field named in the message). */
  public static final int EXIT_BAD_INPUT = 2;

  /** Exit code when a requested device/backend is not available. */
  public static final int EXIT_UNAVAILABLE = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  /** Builds the command line with the project's error handling. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setExecutionStrategy(ErrorHandler.catchingOutOfMemory());
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          ex.getCommandLine().getErr().println(parameterErrorLine(ex));
          return EXIT_BAD_INPUT;
        });
    return cl;
  }

  /**
   * The one line of a command-line error. When picocli blames one option (a value that does not
   * convert, such as {@code --factor-chunk x}; a missing or repeated value) the line names it as
   * every other bad input names its field, {@code error: --factor-chunk: 'x' is not an int};
   * otherwise picocli's message follows {@code error: }.
   */
  static String parameterErrorLine(CommandLine.ParameterException ex) {
    String message = ex.getMessage();
    CommandLine.Model.ArgSpec blamed = ex.getArgSpec();
    if (ex instanceof CommandLine.OverwrittenOptionException o) {
      blamed = o.getOverwritten();
    } else if (ex instanceof CommandLine.MissingParameterException m
        && m.getMissing() != null
        && m.getMissing().size() == 1) {
      blamed = m.getMissing().get(0);
    }
    if (blamed instanceof CommandLine.Model.OptionSpec option) {
      String name = option.longestName();
      String prefix = "Invalid value for option '" + name + "': ";
      String problem = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
      return "error: " + name + ": " + problem;
    }
    return "error: " + message;
  }

  public static void main(String[] args) {
    CommandLine cl = commandLine();
    int code = cl.execute(args);
    cl.getOut().flush();
    cl.getErr().flush();
    System.exit(code);
  }
}
