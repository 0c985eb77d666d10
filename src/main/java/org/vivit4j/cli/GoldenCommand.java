package org.vivit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.Backend;
import org.vivit4j.golden.GoldenComparison;
import org.vivit4j.golden.GoldenOutputs;
import org.vivit4j.io.InputFile;
import org.vivit4j.io.PathText;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.UnsupportedFeatureException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code tornado-run golden DIR…}: runs every golden case (problem + the real ViViT's outputs) in
 * the given files or folders and compares, as the golden README prescribes. Exit 1 on any mismatch,
 * or when no case could be checked. Cases with a feature that is not supported yet are listed as
 * such. Bad input is exit 2 with one line naming the argument or the case file and the field: a
 * missing path, a folder without {@code *.json} files, a case that is malformed or lacks its {@code
 * outputs}. Every case is read and checked before the first one runs.
 */
@Command(
    name = "golden",
    mixinStandardHelpOptions = true,
    description = "Checks vivit4j against golden cases computed by the real ViViT.")
final class GoldenCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "1..*", description = "golden case files or folders of them")
  List<Path> inputs;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  /** One golden case, read and validated before anything runs. */
  private record Case(Path file, Problem problem, GoldenOutputs golden, String unsupported) {}

  @Override
  public Integer call() throws IOException {
    java.io.PrintWriter out = spec.commandLine().getOut();
    // Every case is read and checked first: a malformed one is reported before any case runs.
    List<Case> cases = new ArrayList<>();
    for (Path file : files()) {
      cases.add(read(file));
    }
    int passed = 0;
    int failed = 0;
    int unsupported = 0;
    try (Backend backend = backendOptions.create()) {
      out.printf(
          "golden cases on %s (%s, %s)%n",
          backend.deviceName(), backend.name(), backend.precision().typeName());
      for (Case c : cases) {
        String shown = c.file().getFileName().toString();
        ComputationResult result = null;
        String why = c.unsupported();
        if (why == null) {
          Problem problem = c.problem();
          try {
            result =
                problem
                    .computation()
                    .run(
                        problem.network(),
                        problem.loss(),
                        problem.batch(),
                        problem.groups(),
                        backend);
          } catch (UnsupportedFeatureException e) {
            why = e.getMessage();
          }
        }
        if (why != null) {
          unsupported++;
          out.printf("  %-55s not supported yet: %s%n", shown, why);
          continue;
        }
        GoldenComparison.Report report =
            GoldenComparison.compare(c.problem().name(), result, c.golden(), backend.precision());
        if (report.passed()) {
          passed++;
          double worst =
              report.checks().stream()
                  .mapToDouble(ch -> ch.error() / Math.max(ch.tolerance(), 1e-300))
                  .max()
                  .orElse(0);
          out.printf(
              "  %-55s ok (%d checks, worst error/tol %.1e)%n",
              shown, report.checks().size(), worst);
          result.runInfo().notes().forEach(n -> out.println("      note: " + n));
        } else {
          failed++;
          out.printf("  %-55s MISMATCH%n", shown);
          report.failures().forEach(ch -> out.println("      " + ch));
        }
      }
    }
    out.printf(
        "golden: %d passed, %d failed%s%n",
        passed, failed, unsupported == 0 ? "" : ", " + unsupported + " not supported yet");
    if (failed == 0 && passed == 0) {
      // Only unsupported cases: nothing was checked, which must not read as a pass.
      spec.commandLine()
          .getErr()
          .println("error: golden: none of the " + cases.size() + " cases could be checked");
      return Main.EXIT_MISMATCH;
    }
    return failed == 0 ? 0 : Main.EXIT_MISMATCH;
  }

  /**
   * Reads one case: its problem and its outputs. Any bad input is reported naming the file, then
   * the field: {@code error: cases/x.json: outputs.groups[0].evals: missing}.
   */
  private static Case read(Path file) throws IOException {
    String where = PathText.of(file);
    String json = InputFile.readText(null, file);
    Problem problem = null;
    String unsupported = null;
    try {
      problem = ProblemReader.parse(json, file.toAbsolutePath().getParent());
    } catch (UnsupportedFeatureException e) {
      unsupported = e.getMessage();
    } catch (InvalidInputException e) {
      throw new InvalidInputException(where, e.getMessage());
    }
    GoldenOutputs golden;
    try {
      golden = GoldenOutputs.fromJson(JSON.readTree(json));
    } catch (InvalidInputException e) {
      String hint =
          "outputs".equals(e.field())
              ? " (a golden case holds the real ViViT's outputs; a problem file is run with solve)"
              : "";
      throw new InvalidInputException(where, e.getMessage() + hint);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new InvalidInputException(where, "malformed JSON: " + e.getOriginalMessage());
    }
    return new Case(file, problem, golden, unsupported);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The case files the arguments name: a file as itself, a folder as its {@code *.json} files.
   *
   * @throws InvalidInputException naming the argument when it does not exist, is neither a file nor
   *     a folder, or is a folder without any {@code *.json} file
   */
  private List<Path> files() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : inputs) {
      String where = PathText.of(p);
      if (p.toString().isEmpty()) {
        throw new InvalidInputException("golden", "empty path");
      }
      if (Files.isDirectory(p)) {
        List<Path> found;
        try (Stream<Path> s = Files.list(p)) {
          found = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
          throw new InvalidInputException(where, "cannot list this folder: " + e.getMessage());
        }
        if (found.isEmpty()) {
          throw new InvalidInputException(
              where, "no golden case files (*.json) in this folder; nothing would be checked");
        }
        out.addAll(found);
      } else if (!Files.exists(p)) {
        throw new InvalidInputException(where, "no such file or folder");
      } else {
        out.add(p); // a file: InputFile says what is wrong if it is not a readable regular file
      }
    }
    return out;
  }
}
