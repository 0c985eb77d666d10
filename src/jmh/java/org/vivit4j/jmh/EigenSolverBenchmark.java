package org.vivit4j.jmh;

import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;
import org.vivit4j.linalg.HostProducts;
import org.vivit4j.linalg.LanczosTopK;
import org.vivit4j.linalg.SymmetricEigen;

/**
 * The top-11 eigenpairs of a Gram-like (Wishart, slowly decaying) matrix: dense EJML against
 * Lanczos, the measurement behind {@code EigenSolver.AUTO_DENSE_MAX_SIZE}. Setup checks that both
 * give the same top eigenvalues.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class EigenSolverBenchmark {
  @Param({"64", "128", "256", "512", "1024"})
  public int n;

  private double[] gram;

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(n);
    double[] v = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        v[i * n + j] = rnd.nextGaussian() * Math.pow(0.97, j);
      }
    }
    gram = new double[n * n];
    HostProducts.mulTransB(1, v, v, 0, gram, n, n, n);
    double[] dense = SymmetricEigen.decompose(gram, n).values();
    double[] top = LanczosTopK.dense(gram, n, LanczosTopK.Options.defaults()).top(11).values();
    for (int i = 0; i < 11; i++) {
      double want = dense[n - 11 + i];
      if (Math.abs(top[i] - want) > 1e-10 * dense[n - 1]) {
        throw new IllegalStateException("n=" + n + ": eigenvalue " + i + " " + top[i] + " vs " + want);
      }
    }
  }

  @Benchmark
  public Object dense() {
    return SymmetricEigen.decompose(gram, n);
  }

  @Benchmark
  public Object lanczosTop11() {
    return LanczosTopK.dense(gram, n, LanczosTopK.Options.defaults()).top(11);
  }
}
