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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.bench.BenchConfig;
import org.vivit4j.model.Activation;

/**
 * Each backend operation at the shapes of the 784-128-64-10 MLP's first hidden layer ({@code B_out
 * [G × 128]}, {@code W [128 × 784]}, {@code G = N·C̃} with C̃ = 10), per backend configuration.
 * Setup checks each operation against a float64 twin on sampled entries before anything is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BackendOpsBenchmark {
  @Param({"cpu-blas-float64", "cpu-blas-float32", "cpu-plain-float64", "opencl-float32"})
  public String config;

  /** Gram size {@code G = N·C̃}: N = 32, 128, 256. */
  @Param({"320", "1280", "2560"})
  public int g;

  static final int OUT = 128;
  static final int IN = 784;
  static final int CT = 10;

  private Backend backend;
  private DeviceMatrix b;
  private DeviceMatrix w;
  private DeviceMatrix q;
  private DeviceMatrix z;
  private DeviceMatrix acc;

  @Setup(Level.Trial)
  public void setUp() {
    backend = Configs.open(config);
    SplittableRandom rnd = new SplittableRandom(g);
    double[] bh = Twins.random(rnd, g * OUT);
    double[] wh = Twins.random(rnd, OUT * IN);
    double[] qh = Twins.random(rnd, (g / CT) * (g / CT));
    b = backend.upload(bh, g, OUT);
    w = backend.upload(wh, OUT, IN);
    q = backend.upload(qh, g / CT, g / CT);
    z = backend.upload(Twins.random(rnd, (g / CT) * OUT), g / CT, OUT);
    acc = backend.zeros(g, g);
    double tol = config.endsWith("float32") ? 1e-4 : 1e-12;
    try (DeviceMatrix c = backend.mulTransB(b, b)) {
      Twins.checkMulTransB(bh, bh, backend.download(c), g, OUT, g, tol, "mulTransB " + config);
    }
    try (DeviceMatrix c = backend.mul(b, w)) {
      Twins.checkMul(bh, wh, backend.download(c), g, OUT, IN, tol, "mul " + config);
    }
    try (DeviceMatrix a = backend.zeros(g, g)) {
      backend.accumulateFactorGram(a, b, q, true, true, CT);
      Twins.checkFactorGram(bh, qh, backend.download(a), g, OUT, CT, tol, "factor Gram " + config);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    for (DeviceMatrix m : new DeviceMatrix[] {b, w, q, z, acc}) {
      m.close();
    }
    backend.close();
  }

  /** {@code B Bᵀ}: the factor Gram of a Linear layer. */
  @Benchmark
  public void mulTransB(Blackhole bh) {
    try (DeviceMatrix c = backend.mulTransB(b, b)) {
      bh.consume(c);
    }
  }

  /** {@code B W}: the factor backpropagated through a Linear layer. */
  @Benchmark
  public void mul(Blackhole bh) {
    try (DeviceMatrix c = backend.mul(b, w)) {
      bh.consume(c);
    }
  }

  /** {@code acc += (B Bᵀ) ⊙ (A Aᵀ ⊗ 1) + B Bᵀ}: weight and bias Gram contributions. */
  @Benchmark
  public void accumulateFactorGram() {
    backend.accumulateFactorGram(acc, b, q, true, true, CT);
  }

  /** {@code b ⊙= φ'(z)} for ReLU, in place. */
  @Benchmark
  public void scaleByActivationDerivative() {
    backend.scaleByActivationDerivative(b, z, Activation.RELU, CT);
  }
}
