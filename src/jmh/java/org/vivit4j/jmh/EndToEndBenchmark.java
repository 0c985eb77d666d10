package org.vivit4j.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;
import org.vivit4j.bench.Agreement;
import org.vivit4j.bench.BenchCase;
import org.vivit4j.bench.BenchConfig;
import org.vivit4j.bench.EndToEndBench;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;

/**
 * End-to-end directional derivatives (ViViT's {@code DirectionalDerivativesComputation}) for the
 * seed architecture (7-5-5-3 ReLU, MSE, N = 4, top-4) and the 784-128-64-10 ReLU MLP with
 * cross-entropy at N = 32, 128, 512 (top-10), per backend configuration. Setup compares the result
 * with the plain float64 backend and checks {@code mean_n λ_nk = λ_k} before timing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EndToEndBenchmark {
  @Param({"seed", "mlp784_n32", "mlp784_n128", "mlp784_n512", "fmnist_2c2d_n128"})
  public String problem;

  @Param({"cpu-blas-float64", "cpu-blas-float32", "cpu-plain-float64", "opencl-float32"})
  public String config;

  private Backend backend;
  private BenchCase benchCase;
  private final ComputationOptions options = ComputationOptions.defaults();

  @Setup(Level.Trial)
  public void setUp() {
    benchCase = problem(problem);
    backend = Configs.open(config);
    ComputationResult mine = EndToEndBench.runOnce(benchCase, backend, options);
    ComputationResult reference;
    // the plain loops take minutes on the conv net: its reference is BLAS float64, dense eigensolve
    boolean conv = problem.startsWith("fmnist_2c2d");
    Gemm refGemm = conv ? Gemm.fastestAvailable() : Gemm.PLAIN;
    ComputationOptions refOptions =
        conv ? options.withEigenSolver(org.vivit4j.linalg.EigenSolver.DENSE) : options;
    try (Backend ref = BenchConfig.cpu(refGemm, Precision.FLOAT64).open()) {
      reference = EndToEndBench.runOnce(benchCase, ref, refOptions);
    }
    Agreement.Outcome o =
        Agreement.checkAgainstFloat64(
            mine.groups().get(0), reference.groups().get(0), backend.precision());
    if (!o.passed()) {
      throw new IllegalStateException(problem + " on " + config + ": " + o.summary());
    }
  }

  static BenchCase problem(String id) {
    if ("seed".equals(id)) {
      RandomProblems.Instance p =
          RandomProblems.mlp(
              0,
              new int[] {7, 5, 5, 3},
              new Activation[] {Activation.RELU, Activation.RELU},
              new LossSpec(LossType.MSE, Reduction.MEAN),
              4,
              true);
      return new BenchCase("seed_n4", "seed", p.network(), p.loss(), p.batch(), 4);
    }
    int n = Integer.parseInt(id.substring(id.lastIndexOf("_n") + 2));
    return id.startsWith("fmnist_2c2d") ? BenchCase.fmnist2c2d(n) : BenchCase.mlp784(n);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    backend.close();
  }

  @Benchmark
  public ComputationResult directionalDerivatives() {
    return EndToEndBench.runOnce(benchCase, backend, options);
  }
}
