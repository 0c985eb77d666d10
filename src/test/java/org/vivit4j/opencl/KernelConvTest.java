package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;

/**
 * The convolution and pooling operations ({@code conv_unfold}, the transposed convolution, {@code
 * batched_mul}, {@code sum_groups}, {@code accumulate_block}, the structured weight Gram, {@code
 * max_pool_jac_t}, {@code avg_pool_jac_t}) and {@code copyRows} against their twins on awkward
 * sizes (1, primes, non-square kernels, strides, paddings, dilations, sizes next to the 64 tile),
 * on the OpenCL device and on the CPU backend in float32 and float64.
 */
class KernelConvTest {
  // both product forms on this machine's device, whichever its default is
  private static OpenClBackend openclVector;
  private static OpenClBackend openclTiled;
  private static final Backend CPU32 = new CpuBackend(Precision.FLOAT32);
  private static final Backend CPU64 = new CpuBackend(Precision.FLOAT64);
  // the lowered convolutions run their products on BLAS or in loops: both are tested
  private static final Backend BLAS32 = new CpuBackend(Precision.FLOAT32, Gemm.BLAS);
  private static final Backend BLAS64 = new CpuBackend(Precision.FLOAT64, Gemm.BLAS);

  @BeforeAll
  static void open() {
    openclVector = new OpenClBackend(null, ProductKernels.VECTOR);
    openclTiled = new OpenClBackend(null, ProductKernels.TILED);
  }

  @AfterAll
  static void close() {
    openclVector.close();
    openclTiled.close();
  }

  private static Backend backend(String name) {
    return switch (name) {
      case "opencl-vector" -> openclVector;
      case "opencl-tiled" -> openclTiled;
      case "cpu-float32" -> CPU32;
      case "cpu-blas-float32" -> BLAS32;
      case "cpu-blas-float64" -> BLAS64;
      default -> CPU64;
    };
  }

  /** Relative bound of a length-k sum: float32 for the device and CPU float32, else float64. */
  private static double dot(String backend, int k) {
    if (backend.endsWith("float64")) {
      double u = 0x1p-53;
      return k * u / (1 - k * u);
    }
    return KernelTolerances.dot(k);
  }

  private static final List<String> BACKENDS =
      List.of(
          "opencl-vector",
          "opencl-tiled",
          "cpu-float32",
          "cpu-float64",
          "cpu-blas-float32",
          "cpu-blas-float64");

  /** Convolution geometries: {C, H, W, kh, kw, sh, sw, ph, pw, dh, dw}. */
  static final int[][] CONV = {
    {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1},
    {3, 7, 5, 3, 2, 1, 1, 1, 0, 1, 1},
    {2, 13, 11, 3, 3, 2, 3, 1, 1, 2, 1},
    {5, 8, 9, 5, 5, 1, 1, 2, 2, 1, 1},
    {1, 17, 3, 2, 3, 3, 1, 0, 1, 1, 2},
    {4, 6, 6, 1, 4, 2, 2, 0, 2, 1, 1},
    // padding wider than the dilated kernel: whole windows (first/last rows and columns) read
    // only padding
    {2, 3, 4, 1, 2, 2, 1, 2, 3, 1, 2},
  };

  /** Pooling geometries (padding at most half the kernel); dilation only for max pooling. */
  private static final int[][] POOL = {
    {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1},
    {3, 7, 5, 2, 3, 2, 1, 1, 1, 1, 1},
    {2, 13, 11, 3, 3, 1, 1, 1, 1, 2, 1},
    {5, 8, 9, 2, 2, 2, 2, 0, 0, 1, 1},
    {1, 9, 4, 3, 2, 1, 3, 1, 1, 1, 1},
    {3, 29, 31, 5, 3, 3, 2, 2, 1, 1, 3},
  };

  static ConvGeometry geometry(int[] s) {
    return ConvGeometry.of(
        new int[] {s[0], s[1], s[2]},
        new int[] {s[3], s[4]},
        new int[] {s[5], s[6]},
        new int[] {s[7], s[8]},
        new int[] {s[9], s[10]});
  }

  static String describe(ConvGeometry g) {
    return String.format(
        "C%d %dx%d k%dx%d s%dx%d p%dx%d d%dx%d",
        g.channels(),
        g.height(),
        g.width(),
        g.kernelH(),
        g.kernelW(),
        g.strideH(),
        g.strideW(),
        g.padH(),
        g.padW(),
        g.dilH(),
        g.dilW());
  }

  static Stream<Arguments> convCases() {
    List<Arguments> out = new ArrayList<>();
    int[] rows = {1, 7, 13};
    int[] channels = {1, 3, 7, 13};
    for (String b : BACKENDS) {
      for (int i = 0; i < CONV.length; i++) {
        out.add(Arguments.of(b, describe(geometry(CONV[i])), i, rows[i % 3], channels[i % 4]));
      }
    }
    return out.stream();
  }

  static Stream<Arguments> poolCases() {
    List<Arguments> out = new ArrayList<>();
    int[] rows = {1, 7, 13};
    for (String b : BACKENDS) {
      for (int i = 0; i < POOL.length; i++) {
        out.add(Arguments.of(b, describe(geometry(POOL[i])), i, rows[i % 3], 1 + i % 3));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}, N = {3}")
  @MethodSource("convCases")
  void convUnfoldMatchesTwin(String name, String what, int which, int n, int unused) {
    Backend be = backend(name);
    ConvGeometry g = geometry(CONV[which]);
    double[] x = KernelTwins.randomFloats(new SplittableRandom(11 + which), n * g.inputSize(), 1);
    try (DeviceMatrix dx = be.upload(x, n, g.inputSize());
        DeviceMatrix u = be.convUnfold(dx, g)) {
      assertEquals(n * g.positions(), u.rows());
      assertEquals(g.patchSize(), u.cols());
      // a copy: exact
      assertArrayEquals(ConvKernelTwins.convUnfold(x, n, g).value(), be.download(u), what);
    }
  }

  @ParameterizedTest(name = "{0} {1}, R = {3}, O = {4}")
  @MethodSource("convCases")
  void convTransposeMatchesTwin(String name, String what, int which, int rows, int o) {
    Backend be = backend(name);
    ConvGeometry g = geometry(CONV[which]);
    SplittableRandom rng = new SplittableRandom(100 + which);
    double[] y = KernelTwins.randomFloats(rng, rows * o * g.positions(), 1);
    double[] w = KernelTwins.randomFloats(rng, o * g.patchSize(), 1);
    try (DeviceMatrix dy = be.upload(y, rows, o * g.positions());
        DeviceMatrix dw = be.upload(w, o, g.patchSize());
        DeviceMatrix dx = be.convTranspose(dy, dw, g)) {
      assertEquals(rows, dx.rows());
      assertEquals(g.inputSize(), dx.cols());
      KernelAssertions.assertMatchesTwin(
          ConvKernelTwins.convTranspose(y, w, rows, o, g),
          be.download(dx),
          g.inputSize(),
          dot(name, o * g.kernelH() * g.kernelW()),
          "convTranspose " + what);
    }
  }

  /** {R, block, p, t, q}: 1, primes, the 64 tile ± 1, the 16 k-slice ± 1. */
  private static final int[][] BATCHED = {
    {1, 1, 1, 1, 1},
    {7, 7, 13, 37, 1},
    {13, 1, 65, 17, 129},
    {6, 3, 64, 16, 64},
    {5, 5, 63, 15, 65},
    {2, 1, 129, 65, 7},
    {4, 2, 3, 196, 25},
  };

  static Stream<Arguments> batchedCases() {
    List<Arguments> out = new ArrayList<>();
    for (String b : BACKENDS) {
      for (int[] s : BATCHED) {
        out.add(Arguments.of(b, s[0], s[1], s[2], s[3], s[4]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} R={1} block={2} p={3} t={4} q={5}")
  @MethodSource("batchedCases")
  void batchedMulMatchesTwin(String name, int rows, int block, int p, int t, int q) {
    Backend be = backend(name);
    SplittableRandom rng = new SplittableRandom(rows * 1000L + p * 10L + q);
    double[] a = KernelTwins.randomFloats(rng, rows * p * t, 1);
    double[] b = KernelTwins.randomFloats(rng, (rows / block) * t * q, 1);
    try (DeviceMatrix da = be.upload(a, rows, p * t);
        DeviceMatrix db = be.upload(b, (rows / block) * t, q);
        DeviceMatrix dc = be.batchedMul(da, db, block, p)) {
      assertEquals(rows, dc.rows());
      assertEquals(p * q, dc.cols());
      KernelAssertions.assertMatchesTwin(
          ConvKernelTwins.batchedMul(a, b, rows, block, p, t, q),
          be.download(dc),
          p * q,
          dot(name, t),
          "batched_mul");
    }
  }

  @ParameterizedTest(name = "{0} R={1} block={2} p={3} t={4} q={5}")
  @MethodSource("batchedCases")
  void sumGroupsMatchesTwin(String name, int rows, int block, int p, int t, int q) {
    Backend be = backend(name);
    double[] a = KernelTwins.randomFloats(new SplittableRandom(rows + 7L * t), rows * p * t, 1);
    try (DeviceMatrix da = be.upload(a, rows, p * t);
        DeviceMatrix dc = be.sumGroups(da, p)) {
      assertEquals(p, dc.cols());
      KernelAssertions.assertMatchesTwin(
          ConvKernelTwins.sumGroups(a, rows, p, t), be.download(dc), p, dot(name, t), "sum_groups");
    }
  }

  @ParameterizedTest(name = "{0} R={1} block={2} p={3} t={4} q={5}")
  @MethodSource("batchedCases")
  void accumulateBlockMatchesTwin(String name, int rows, int block, int p, int t, int q) {
    Backend be = backend(name);
    SplittableRandom rng = new SplittableRandom(3L * rows + p);
    int accRows = p + q + 3;
    int accCols = p + q + 1;
    double[] acc = KernelTwins.randomFloats(rng, accRows * accCols, 1);
    double[] pm = KernelTwins.randomFloats(rng, p * q, 1);
    for (boolean transposed : new boolean[] {false, true}) {
      int row0 = transposed ? 2 : 3;
      int col0 = 1;
      try (DeviceMatrix da = be.upload(acc, accRows, accCols);
          DeviceMatrix dp = be.upload(pm, p, q)) {
        be.accumulateBlock(da, dp, row0, col0, transposed);
        KernelAssertions.assertMatchesTwin(
            ConvKernelTwins.accumulateBlock(acc, accCols, pm, p, q, row0, col0, transposed),
            be.download(da),
            accCols,
            name.endsWith("float64") ? 0x1p-52 : KernelTolerances.ACCUMULATE,
            "accumulate_block transposed=" + transposed);
      }
    }
  }

  /** {R_l, R_r, O, T, lBlock, rBlock}. */
  private static final int[][] STRUCTURED = {
    {1, 1, 1, 1, 1, 1},
    {7, 13, 3, 5, 7, 13},
    {6, 9, 2, 7, 1, 3},
    {13, 13, 5, 3, 13, 1},
    {65, 4, 1, 2, 5, 2},
  };

  static Stream<Arguments> structuredCases() {
    List<Arguments> out = new ArrayList<>();
    for (String b : BACKENDS) {
      for (int[] s : STRUCTURED) {
        out.add(Arguments.of(b, s[0], s[1], s[2], s[3], s[4], s[5]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} Rl={1} Rr={2} O={3} T={4} blocks {5}/{6}")
  @MethodSource("structuredCases")
  void convGramStructuredMatchesTwin(
      String name, int rowsL, int rowsR, int o, int t, int lBlock, int rBlock) {
    Backend be = backend(name);
    SplittableRandom rng = new SplittableRandom(rowsL * 31L + rowsR);
    double[] acc = KernelTwins.randomFloats(rng, rowsL * rowsR, 1);
    double[] l = KernelTwins.randomFloats(rng, rowsL * o * t, 1);
    double[] r = KernelTwins.randomFloats(rng, rowsR * o * t, 1);
    int qRows = (rowsL / lBlock) * t;
    int qCols = (rowsR / rBlock) * t;
    double[] q = KernelTwins.randomFloats(rng, qRows * qCols, 1);
    try (DeviceMatrix da = be.upload(acc, rowsL, rowsR);
        DeviceMatrix dl = be.upload(l, rowsL, o * t);
        DeviceMatrix dr = be.upload(r, rowsR, o * t);
        DeviceMatrix dq = be.upload(q, qRows, qCols)) {
      be.accumulateConvGramStructured(da, dl, dr, dq, lBlock, rBlock, t);
      KernelAssertions.assertMatchesTwin(
          ConvKernelTwins.convGramStructured(acc, l, r, q, rowsL, rowsR, o, t, lBlock, rBlock),
          be.download(da),
          rowsR,
          dot(name, o + t * t + 2),
          "accumulateConvGramStructured");
    }
  }

  @ParameterizedTest(name = "{0} {1}, R = {3}, block = {4}")
  @MethodSource("poolCases")
  void maxPoolJacTMatchesTwin(String name, String what, int which, int rows, int block) {
    Backend be = backend(name);
    ConvGeometry g = geometry(POOL[which]);
    int samples = (rows + block - 1) / block;
    int r = samples * block;
    SplittableRandom rng = new SplittableRandom(500 + which);
    // Inputs on a coarse grid, so windows hold ties and the first-maximum rule is exercised.
    double[] x = new double[samples * g.inputSize()];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextInt(4);
    }
    double[] argmax = ConvKernelTwins.argmax(x, samples, g);
    int ct = g.channels() * g.positions();
    double[] y = KernelTwins.randomFloats(rng, r * ct, 1);
    try (DeviceMatrix dy = be.upload(y, r, ct);
        DeviceMatrix da = be.upload(argmax, samples, ct);
        DeviceMatrix dx = be.maxPoolJacT(dy, da, block, g)) {
      KernelAssertions.assertMatchesTwin(
          ConvKernelTwins.maxPoolJacT(y, argmax, r, block, g),
          be.download(dx),
          g.inputSize(),
          dot(name, g.kernelH() * g.kernelW()),
          "max_pool_jac_t " + what);
    }
  }

  @ParameterizedTest(name = "{0} {1}, R = {3}")
  @MethodSource("poolCases")
  void avgPoolJacTMatchesTwin(String name, String what, int which, int rows, int unused) {
    int[] s = POOL[which].clone();
    s[9] = 1; // average pooling has no dilation
    s[10] = 1;
    Backend be = backend(name);
    ConvGeometry g = geometry(s);
    int ct = g.channels() * g.positions();
    double[] y = KernelTwins.randomFloats(new SplittableRandom(900 + which), rows * ct, 1);
    try (DeviceMatrix dy = be.upload(y, rows, ct);
        DeviceMatrix dx = be.avgPoolJacT(dy, g)) {
      KernelAssertions.assertMatchesTwin(
          ConvKernelTwins.avgPoolJacT(y, rows, g),
          be.download(dx),
          g.inputSize(),
          dot(name, g.kernelH() * g.kernelW() + 2),
          "avg_pool_jac_t " + describe(g));
    }
  }

  @ParameterizedTest(name = "{0} R={1} block={2} p={3} t={4} q={5}")
  @MethodSource("batchedCases")
  void copyRowsIsExact(String name, int rows, int block, int p, int t, int q) {
    Backend be = backend(name);
    double[] a = KernelTwins.randomFloats(new SplittableRandom(rows + 13L * p), rows * q, 1);
    int from = rows / 3;
    int to = rows - rows / 4;
    try (DeviceMatrix da = be.upload(a, rows, q);
        DeviceMatrix dc = be.copyRows(da, from, to)) {
      assertEquals(to - from, dc.rows());
      assertArrayEquals(
          java.util.Arrays.copyOfRange(a, from * q, to * q), be.download(dc), "copyRows");
    }
  }
}
