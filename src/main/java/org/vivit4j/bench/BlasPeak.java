package org.vivit4j.bench;

import dev.ludovic.netlib.blas.NativeBLAS;
import java.util.SplittableRandom;
import org.vivit4j.blas.NativeBlas;

/**
 * The native BLAS's matrix-product rate on this machine, measured in the benchmark run itself: the
 * best of {@code repeats} square {@code ?gemm} of order {@code size} ({@code 2·size³} flops each,
 * after one untimed warm-up), float64 and float32. A run's products cannot go faster than this, so
 * {@code 2·multiplyAdds / rate} is a floor of its time that holds on this machine in this sitting
 * (the published rates in OPENCL-NOTES were measured on another day; these shared machines vary).
 *
 * @param size the order of the square products
 * @param repeats timed products per dtype (the best is kept)
 * @param float64Gflops {@code dgemm}'s best rate, GFLOP/s
 * @param float32Gflops {@code sgemm}'s best rate, GFLOP/s
 */
public record BlasPeak(int size, int repeats, double float64Gflops, double float32Gflops) {
  /** The bench's order: large enough for the BLAS's full rate, 0.1–0.2 s a product here. */
  public static final int SIZE = 2048;

  /** The dtypes measured, those {@link #gflops} knows. */
  public static final java.util.List<String> DTYPES = java.util.List.of("float64", "float32");

  /** Timed products per dtype. */
  public static final int REPEATS = 3;

  /**
   * The order to measure with in a heap of {@code maxHeapBytes}: {@link #SIZE}, halved until the
   * six operands ({@code 36·size²} bytes) take at most a quarter of the heap, so that a small-heap
   * {@code bench} does not run out of memory measuring (at least 64).
   */
  public static int sizeFor(long maxHeapBytes) {
    int size = SIZE;
    while (size > 64 && 36L * size * size > maxHeapBytes / 4) {
      size /= 2;
    }
    return size;
  }

  public BlasPeak {
    if (size < 1 || repeats < 1) {
      throw new IllegalArgumentException("size " + size + ", repeats " + repeats);
    }
  }

  /** Measures both dtypes; null when the native BLAS does not load (nothing to measure). */
  public static BlasPeak measure(int size, int repeats) {
    NativeBLAS blas = NativeBlas.orNull();
    if (blas == null) {
      return null;
    }
    int entries = Math.multiplyExact(size, size);
    double[] a = new double[entries];
    double[] b = new double[entries];
    double[] c = new double[entries];
    float[] af = new float[entries];
    float[] bf = new float[entries];
    float[] cf = new float[entries];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < entries; i++) {
      a[i] = random.nextDouble(-1, 1);
      b[i] = random.nextDouble(-1, 1);
      af[i] = (float) a[i];
      bf[i] = (float) b[i];
    }
    double best64 = Double.POSITIVE_INFINITY;
    double best32 = Double.POSITIVE_INFINITY;
    for (int r = 0; r <= repeats; r++) {
      long t0 = System.nanoTime();
      blas.dgemm("N", "N", size, size, size, 1.0, a, size, b, size, 0.0, c, size);
      long t1 = System.nanoTime();
      blas.sgemm("N", "N", size, size, size, 1f, af, size, bf, size, 0f, cf, size);
      long t2 = System.nanoTime();
      if (r > 0) { // the first of each is a warm-up (threads started, pages touched)
        best64 = Math.min(best64, (t1 - t0) * 1e-9);
        best32 = Math.min(best32, (t2 - t1) * 1e-9);
      }
    }
    double flop = 2.0 * size * size * (double) size;
    return new BlasPeak(size, repeats, flop / best64 * 1e-9, flop / best32 * 1e-9);
  }

  /** The rate of {@code dtype} ({@code float64} or {@code float32}), GFLOP/s. */
  public double gflops(String dtype) {
    return switch (dtype) {
      case "float64" -> float64Gflops;
      case "float32" -> float32Gflops;
      default -> throw new IllegalArgumentException("dtype " + dtype);
    };
  }

  /**
   * The GFLOP/s plot's reference lines: the published rates and, when {@code peak} is not null, the
   * rates measured in the run.
   */
  public static java.util.Map<String, Double> referenceLines(BlasPeak peak) {
    java.util.Map<String, Double> lines = new java.util.TreeMap<>(BenchPlots.REFERENCE_GFLOPS);
    if (peak != null) {
      lines.put("dgemm measured in this run", peak.float64Gflops());
      lines.put("sgemm measured in this run", peak.float32Gflops());
    }
    return lines;
  }

  /** The product routine whose rate {@link #gflops} gives: {@code dgemm} or {@code sgemm}. */
  public static String routine(String dtype) {
    return switch (dtype) {
      case "float64" -> "dgemm";
      case "float32" -> "sgemm";
      default -> throw new IllegalArgumentException("dtype " + dtype);
    };
  }

  /**
   * Seconds that {@code multiplyAdds} multiply-adds take at this rate: {@code 2·multiplyAdds /
   * rate}, the floor of a run whose products alone run at the measured peak.
   */
  public double floorSeconds(long multiplyAdds, String dtype) {
    if (multiplyAdds < 0) {
      throw new IllegalArgumentException("multiply-adds " + multiplyAdds);
    }
    return 2e-9 * multiplyAdds / gflops(dtype);
  }
}
