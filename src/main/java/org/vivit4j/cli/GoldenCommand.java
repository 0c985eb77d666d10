package org.vivit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.Backend;
import org.vivit4j.golden.GoldenComparison;
import org.vivit4j.golden.GoldenOutputs;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.model.UnsupportedFeatureException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code tornado-run golden DIR…}: runs every golden case (problem + the real ViViT's outputs) in
 * the given files or folders and compares, as the golden README prescribes. Exit 1 on any mismatch.
 * Cases with a feature that is not supported yet are listed as such.
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

  @Override
  public Integer call() throws IOException {
    java.io.PrintWriter out = spec.commandLine().getOut();
    int passed = 0;
    int failed = 0;
    int unsupported = 0;
    try (Backend backend = backendOptions.create()) {
      out.printf(
          "golden cases on %s (%s, %s)%n",
          backend.deviceName(), backend.name(), backend.precision().typeName());
      for (Path file : files()) {
        String json = Files.readString(file);
        Problem problem;
        ComputationResult result;
        try {
          problem = ProblemReader.parse(json);
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
          unsupported++;
          out.printf("  %-55s not supported yet: %s%n", file.getFileName(), e.getMessage());
          continue;
        }
        GoldenOutputs golden = GoldenOutputs.fromJson(new ObjectMapper().readTree(json));
        GoldenComparison.Report report =
            GoldenComparison.compare(problem.name(), result, golden, backend.precision());
        if (report.passed()) {
          passed++;
          double worst =
              report.checks().stream()
                  .mapToDouble(c -> c.error() / Math.max(c.tolerance(), 1e-300))
                  .max()
                  .orElse(0);
          out.printf(
              "  %-55s ok (%d checks, worst error/tol %.1e)%n",
              file.getFileName(), report.checks().size(), worst);
          result.runInfo().notes().forEach(n -> out.println("      note: " + n));
        } else {
          failed++;
          out.printf("  %-55s MISMATCH%n", file.getFileName());
          report.failures().forEach(c -> out.println("      " + c));
        }
      }
    }
    out.printf(
        "golden: %d passed, %d failed%s%n",
        passed, failed, unsupported == 0 ? "" : ", " + unsupported + " not supported yet");
    return failed == 0 ? 0 : Main.EXIT_MISMATCH;
  }

  private List<Path> files() throws IOException {
    List<Path> out = new java.util.ArrayList<>();
    for (Path p : inputs) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".json")).sorted().forEach(out::add);
        }
      } else {
        out.add(p);
      }
    }
    return out;
  }
}
