package org.vivit4j.cli;

import org.vivit4j.api.ComputationOptions;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.InvalidInputException;
import picocli.CommandLine.Option;

/** {@code --eigensolver auto|dense|lanczos}, shared by the commands that run computations. */
final class EigenSolverOption {
  @Option(
      names = "--eigensolver",
      description =
          "host eigensolver of the Gram matrices: dense (EJML, whole spectrum), lanczos (only the"
              + " top of the spectrum the criterion needs) or auto (dense up to N·C̃ = "
              + EigenSolver.AUTO_DENSE_MAX_SIZE
              + " and for criteria that need the whole spectrum, lanczos above). Default: the"
              + " problem's computation.eigensolver, which is dense when not given")
  String eigensolver;

  /** The choice, or null when the option was not given. */
  EigenSolver choice() {
    if (eigensolver == null) {
      return null;
    }
    EigenSolver s = EigenSolver.fromOptionName(eigensolver);
    if (s == null) {
      throw new InvalidInputException(
          "--eigensolver", "unknown eigensolver '" + eigensolver + "' (auto, dense, lanczos)");
    }
    return s;
  }

  /** {@code options} with the chosen eigensolver, or unchanged when none was given. */
  ComputationOptions apply(ComputationOptions options) {
    EigenSolver s = choice();
    return s == null ? options : options.withEigenSolver(s);
  }
}
