package org.vivit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.Backend;
import org.vivit4j.golden.GoldenOutputs;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.problems.RandomProblems;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tornado-run seed}: the seed example, checked against autograd and the real ViViT. */
@Command(
    name = "seed",
    mixinStandardHelpOptions = true,
    description = {
      "ViViT's example 'directional derivatives along GGN eigenvectors': a 7-5-5-3 ReLU MLP,",
      "MSE (mean), N = 4, top-4 eigenvectors. Every γ and λ is compared with an autograd-style",
      "reference and with the numbers the real ViViT produced. Exit code 1 on any mismatch."
    })
final class SeedCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The embedded golden case: model, weights, data and the real ViViT's outputs. */
  static final String SEED_RESOURCE = "/seed/seed_mlp_relu_mse_mean_top4.json";

  @Mixin BackendOptions backendOptions = new BackendOptions();

  @Option(
      names = "--verbose",
      description = "print the OpenCL program build time and per-kernel device times")
  boolean verbose;

  @Option(names = "--random", description = "draw fresh weights and data instead")
  boolean random;

  @Option(names = "--seed", defaultValue = "0", description = "seed for --random")
  long seed;

  /** ViViT's example uses the top-4 eigenvectors. */
  private static final int TOP_K = 4;

  @Override
  public Integer call() throws IOException {
    java.io.PrintWriter out = spec.commandLine().getOut();
    try (Backend backend = backendOptions.create()) {
      SeedCheck check = new SeedCheck(out);
      if (random) {
        RandomProblems.Instance p = RandomProblems.seedArchitecture(seed);
        out.printf(
            "vivit4j seed --random --seed %d: 7-5-5-3 ReLU MLP, MSE (mean), N = 4, top-%d%n",
            seed, TOP_K);
        out.println("(fresh weights and data: compared with the autograd reference only)");
        check.run(p.network(), p.loss(), p.batch(), TOP_K, backend, null);
      } else {
        String json = readSeed();
        Problem problem = ProblemReader.parse(json);
        GoldenOutputs golden = GoldenOutputs.fromJson(new ObjectMapper().readTree(json));
        out.printf(
            "vivit4j seed: ViViT's example on the embedded case '%s'%n"
                + "7-5-5-3 ReLU MLP, MSE (mean), N = 4, top-%d eigenvectors of the full GGN%n",
            problem.name(), TOP_K);
        check.run(problem.network(), problem.loss(), problem.batch(), TOP_K, backend, golden);
      }
      if (verbose) {
        KernelReport.print(backend, out);
      }
      return check.mismatches() == 0 ? 0 : Main.EXIT_MISMATCH;
    }
  }

  static String readSeed() throws IOException {
    try (InputStream in = SeedCommand.class.getResourceAsStream(SEED_RESOURCE)) {
      if (in == null) {
        throw new IOException(
            "the embedded seed case " + SEED_RESOURCE + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
