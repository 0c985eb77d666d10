package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;

/**
 * The layout kernels of the products-bound Conv2d operations ({@code channels_last}, {@code
 * gather_channels}, {@code conv_fold}, {@code copy_columns}, {@code flag_asymmetric}, {@code
 * accumulate_block_mirrored}) against their twins on awkward sizes, and the two operations they
 * serve in the cases the shared {@link KernelConvTest} does not reach: the transposed convolution
 * in several chunks, and the structured Gram of a factor with itself (block rows, mirrored) or with
 * a non-symmetric {@code q}.
 */
class KernelConvGemmTest {
  private static OpenClBackend opencl;
  private static final Map<ProductKernels, OpenClBackend> BY_FORM =
      new EnumMap<>(ProductKernels.class);

  @BeforeAll
  static void open() {
    opencl = new OpenClBackend();
    for (ProductKernels form : ProductKernels.values()) {
      BY_FORM.put(form, new OpenClBackend(null, form));
    }
  }

  @AfterAll
  static void close() {
    opencl.close();
    BY_FORM.values().forEach(OpenClBackend::close);
    BY_FORM.clear();
  }

  private static OpenClMatrix upload(double[] v, int rows, int cols) {
    return (OpenClMatrix) opencl.upload(v, rows, cols);
  }

  static Stream<Arguments> convCases() {
    List<Arguments> out = new ArrayList<>();
    int[] rows = {1, 7, 13};
    int[] channels = {1, 3, 7, 13};
    for (int i = 0; i < KernelConvTest.CONV.length; i++) {
      ConvGeometry g = KernelConvTest.geometry(KernelConvTest.CONV[i]);
      out.add(Arguments.of(KernelConvTest.describe(g), i, rows[i % 3], channels[i % 4]));
    }
    return out.stream();
  }

  /** {R, r0, rows, O, T}: 1, primes, rows past the first. */
  private static final int[][] CHANNELS_LAST = {
    {1, 0, 1, 1, 1}, {7, 2, 5, 3, 13}, {13, 12, 1, 65, 7}, {4, 0, 4, 17, 64},
  };

  @Test
  void channelsLastAndGatherChannelsAreExact() {
    for (int[] s : CHANNELS_LAST) {
      int rows = s[0];
      int r0 = s[1];
      int count = s[2];
      int o = s[3];
      int t = s[4];
      double[] y = KernelTwins.randomFloats(new SplittableRandom(rows * 7L + o), rows * o * t, 1);
      try (OpenClMatrix dy = upload(y, rows, o * t)) {
        double[][] got =
            opencl.withConvGemm(
                k -> {
                  try (OpenClMatrix yt = (OpenClMatrix) opencl.zeros(count * t, o);
                      OpenClMatrix ys = (OpenClMatrix) opencl.zeros(o, count * t)) {
                    k.channelsLast(dy, r0, count, o, t, yt);
                    k.gatherChannels(dy, r0, count, o, t, ys);
                    return new double[][] {opencl.download(yt), opencl.download(ys)};
                  }
                });
        String what = java.util.Arrays.toString(s);
        assertArrayEquals(
            ConvGemmKernelTwins.channelsLast(y, r0, count, o, t).value(),
            got[0],
            "channels_last " + what);
        assertArrayEquals(
            ConvGemmKernelTwins.gatherChannels(y, r0, count, o, t).value(),
            got[1],
            "gather_channels " + what);
      }
    }
  }

  @Test
  void channelsLastOfOneRowIsTheTranspose() {
    int o = 13;
    int k = 67;
    double[] w = KernelTwins.randomFloats(new SplittableRandom(5), o * k, 1);
    double[] expected = new double[k * o];
    for (int i = 0; i < o; i++) {
      for (int j = 0; j < k; j++) {
        expected[j * o + i] = w[i * k + j];
      }
    }
    try (OpenClMatrix dw = upload(w, o, k)) {
      double[] got =
          opencl.withConvGemm(
              kk -> {
                try (OpenClMatrix wt = (OpenClMatrix) opencl.zeros(k, o)) {
                  kk.channelsLast(dw, 0, 1, o, k, wt);
                  return opencl.download(wt);
                }
              });
      assertArrayEquals(expected, got, "Wᵀ");
    }
  }

  @ParameterizedTest(name = "{0}, R = {2}")
  @MethodSource("convCases")
  void convFoldMatchesTwin(String what, int which, int rows, int unused) {
    ConvGeometry g = KernelConvTest.geometry(KernelConvTest.CONV[which]);
    SplittableRandom rng = new SplittableRandom(300 + which);
    int r0 = rows / 2;
    int count = rows - r0;
    double[] u = KernelTwins.randomFloats(rng, count * g.positions() * g.patchSize(), 1);
    double[] x = KernelTwins.randomFloats(rng, rows * g.inputSize(), 1);
    try (OpenClMatrix du = upload(u, g.patchSize(), count * g.positions());
        OpenClMatrix dx = upload(x, rows, g.inputSize())) {
      opencl.withConvGemm(
          k -> {
            k.convFold(du, count, g, dx, r0);
            return null;
          });
      // rows before r0 keep x (the twin's magnitude there is |x|); each entry written is a sum
      // of at most kh·kw patch entries
      KernelAssertions.assertMatchesTwin(
          ConvGemmKernelTwins.convFold(u, count, g, x, r0),
          opencl.download(dx),
          g.inputSize(),
          KernelTolerances.dot(g.kernelH() * g.kernelW()),
          "conv_fold " + what);
    }
  }

  static Stream<Arguments> convCasesByForm() {
    return convCases()
        .flatMap(
            c -> Stream.of(ProductKernels.values()).map(f -> Arguments.of(concat(c.get(), f))));
  }

  private static Object[] concat(Object[] head, Object last) {
    Object[] out = java.util.Arrays.copyOf(head, head.length + 1);
    out[head.length] = last;
    return out;
  }

  @ParameterizedTest(name = "{0}, R = {2}, O = {3}, {4} products")
  @MethodSource("convCasesByForm")
  void convTransposeInChunksMatchesTwin(
      String what, int which, int rows, int o, ProductKernels form) {
    OpenClBackend opencl = BY_FORM.get(form);
    ConvGeometry g = KernelConvTest.geometry(KernelConvTest.CONV[which]);
    SplittableRandom rng = new SplittableRandom(700 + which);
    int r = rows + 4; // at least 5 rows, so that two-row chunks leave a short last chunk
    double[] y = KernelTwins.randomFloats(rng, r * o * g.positions(), 1);
    double[] w = KernelTwins.randomFloats(rng, o * g.patchSize(), 1);
    long perRow = (long) Math.max(g.patchSize(), o) * g.positions();
    for (int chunkRows : new int[] {1, 2, r}) {
      int budget = (int) (chunkRows * perRow);
      try (OpenClMatrix dy = (OpenClMatrix) opencl.upload(y, r, o * g.positions());
          OpenClMatrix dw = (OpenClMatrix) opencl.upload(w, o, g.patchSize())) {
        double[] got =
            opencl.withConvGemm(
                k -> {
                  try (OpenClMatrix dx = k.convTranspose(dy, dw, g, budget)) {
                    return opencl.download(dx);
                  }
                });
        KernelAssertions.assertMatchesTwin(
            ConvKernelTwins.convTranspose(y, w, r, o, g),
            got,
            g.inputSize(),
            KernelTolerances.dot(o * g.kernelH() * g.kernelW()),
            "convTranspose in chunks of " + chunkRows + " rows, " + what);
      }
    }
  }

  /** {rows, srcCols, col0, width}. */
  private static final int[][] COLUMNS = {
    {1, 1, 0, 1}, {7, 13, 5, 8}, {65, 130, 65, 65}, {13, 39, 26, 13}, {5, 64, 0, 64},
  };

  @Test
  void copyColumnsIsExact() {
    for (int[] s : COLUMNS) {
      int srcRows = s[0] + 2;
      double[] src =
          KernelTwins.randomFloats(new SplittableRandom(s[1] * 3L + s[2]), srcRows * s[1], 1);
      try (OpenClMatrix ds = upload(src, srcRows, s[1])) {
        double[] got =
            opencl.withConvGemm(
                k -> {
                  try (OpenClMatrix out = (OpenClMatrix) opencl.zeros(s[0], s[3])) {
                    k.copyColumns(ds, s[0], s[2], s[3], out);
                    return opencl.download(out);
                  }
                });
        assertArrayEquals(
            ConvGemmKernelTwins.copyColumns(src, s[1], s[0], s[2], s[3]).value(),
            got,
            "copy_columns " + java.util.Arrays.toString(s));
      }
    }
  }

  @Test
  void copyColumnsRefusesARangeOutsideTheSource() {
    try (OpenClMatrix src = upload(new double[12], 3, 4);
        OpenClMatrix out = upload(new double[12], 3, 4)) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              opencl.withConvGemm(
                  k -> {
                    k.copyColumns(src, 3, 2, 3, out);
                    return null;
                  }));
    }
  }

  private static boolean deviceSaysSymmetric(double[] q, int rows, int cols) {
    try (OpenClMatrix dq = upload(q, rows, cols)) {
      return opencl.withConvGemm(k -> k.exactlySymmetric(dq));
    }
  }

  @Test
  void flagAsymmetricFindsEveryMismatch() {
    for (int n : new int[] {1, 2, 7, 65}) {
      SplittableRandom rng = new SplittableRandom(n);
      double[] q = KernelTwins.randomFloats(rng, n * n, 1);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++) {
          q[j * n + i] = q[i * n + j];
        }
      }
      assertTrue(ConvGemmKernelTwins.exactlySymmetric(q, n));
      assertTrue(deviceSaysSymmetric(q, n, n), "symmetric " + n);
      if (n == 1) {
        continue;
      }
      // one entry one float32 ulp off, below and above the diagonal
      for (int[] ij :
          new int[][] {{n - 1, 0}, {0, n - 1}, {n / 2, n / 2 - 1 < 0 ? 1 : n / 2 - 1}}) {
        double[] p = q.clone();
        int at = ij[0] * n + ij[1];
        p[at] = Math.nextUp((float) p[at]);
        assertFalse(ConvGemmKernelTwins.exactlySymmetric(p, n));
        assertFalse(deviceSaysSymmetric(p, n, n), "perturbed at " + ij[0] + "," + ij[1]);
      }
      double[] nan = q.clone();
      nan[(n - 1) * n] = Double.NaN;
      nan[n - 1] = Double.NaN;
      assertFalse(ConvGemmKernelTwins.exactlySymmetric(nan, n));
      assertFalse(deviceSaysSymmetric(nan, n, n), "NaN pair");
    }
    assertFalse(deviceSaysSymmetric(new double[6], 2, 3), "not square");
  }

  /** {accRows, accCols, pRows, pCols, row0, mirrorCols}. */
  private static final int[][] MIRRORED = {
    {1, 1, 1, 1, 0, 0},
    {9, 9, 3, 9, 6, 6},
    {13, 13, 1, 13, 12, 12},
    {70, 70, 7, 28, 21, 21},
    {65, 65, 13, 65, 52, 52},
    {12, 12, 3, 9, 6, 2},
  };

  @Test
  void accumulateBlockMirroredMatchesTwin() {
    for (int[] s : MIRRORED) {
      SplittableRandom rng = new SplittableRandom(s[0] * 11L + s[2]);
      double[] acc = KernelTwins.randomFloats(rng, s[0] * s[1], 1);
      double[] p = KernelTwins.randomFloats(rng, s[2] * s[3], 1);
      try (OpenClMatrix da = upload(acc, s[0], s[1]);
          OpenClMatrix dp = upload(p, s[2], s[3])) {
        opencl.withConvGemm(
            k -> {
              k.accumulateBlockMirrored(da, dp, s[2], s[3], s[4], s[5]);
              return null;
            });
        KernelAssertions.assertMatchesTwin(
            ConvGemmKernelTwins.accumulateBlockMirrored(acc, s[1], p, s[2], s[3], s[4], s[5]),
            opencl.download(da),
            s[1],
            KernelTolerances.ACCUMULATE,
            "accumulate_block_mirrored " + java.util.Arrays.toString(s));
      }
    }
  }

  @Test
  void accumulateBlockMirroredRefusesAMirrorThatMeetsTheBlock() {
    try (OpenClMatrix acc = upload(new double[81], 9, 9);
        OpenClMatrix p = upload(new double[27], 3, 9)) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              opencl.withConvGemm(
                  k -> {
                    k.accumulateBlockMirrored(acc, p, 3, 9, 3, 4);
                    return null;
                  }));
    }
  }

  /** {samples n, rows per sample c, O, T}. */
  private static final int[][] GRAM = {
    {1, 1, 1, 1}, {5, 3, 2, 7}, {13, 1, 5, 3}, {4, 10, 7, 17}, {3, 13, 1, 65}, {3, 7, 11, 5},
  };

  static Stream<Arguments> gramCases() {
    List<Arguments> out = new ArrayList<>();
    for (ProductKernels form : ProductKernels.values()) {
      for (int[] s : GRAM) {
        out.add(Arguments.of(s[0], s[1], s[2], s[3], true, form));
        if (s[0] * s[3] > 1) { // a 1 × 1 q is always symmetric
          out.add(Arguments.of(s[0], s[1], s[2], s[3], false, form));
        }
      }
    }
    return out.stream();
  }

  /**
   * {@code accumulateConvGramStructured(acc, v, v, q)}: with {@code q} exactly symmetric it runs by
   * block rows (one {@code accumulate_block_mirrored} per sample block), otherwise by block columns
   * (one {@code accumulate_block} per sample block); both match the twin within the tolerance of
   * {@link KernelConvTest#convGramStructuredMatchesTwin}.
   */
  @ParameterizedTest(name = "n={0} c={1} O={2} T={3} symmetric q {4}, {5} products")
  @MethodSource("gramCases")
  void gramOfAFactorWithItselfMatchesTwin(
      int n, int c, int o, int t, boolean symmetricQ, ProductKernels form) {
    OpenClBackend opencl = BY_FORM.get(form);
    int rows = n * c;
    SplittableRandom rng = new SplittableRandom(n * 131L + c * 7L + t);
    double[] acc = KernelTwins.randomFloats(rng, rows * rows, 1);
    double[] v = KernelTwins.randomFloats(rng, rows * o * t, 1);
    int qn = n * t;
    double[] q = KernelTwins.randomFloats(rng, qn * qn, 1);
    if (symmetricQ) {
      for (int i = 0; i < qn; i++) {
        for (int j = 0; j < i; j++) {
          q[j * qn + i] = q[i * qn + j];
        }
      }
    } else {
      q[qn - 1] = q[(qn - 1) * qn] + 1; // exactly one pair differs
    }
    opencl.resetKernelStats();
    try (DeviceMatrix da = opencl.upload(acc, rows, rows);
        DeviceMatrix dv = opencl.upload(v, rows, o * t);
        DeviceMatrix dq = opencl.upload(q, qn, qn)) {
      opencl.accumulateConvGramStructured(da, dv, dv, dq, c, c, t);
      KernelAssertions.assertMatchesTwin(
          ConvKernelTwins.convGramStructured(acc, v, v, q, rows, rows, o, t, c, c),
          opencl.download(da),
          rows,
          KernelTolerances.dot(o + t * t + 2),
          "accumulateConvGramStructured symmetric q " + symmetricQ);
    }
    Map<String, KernelStats> stats = opencl.kernelStats();
    String used = symmetricQ ? "accumulate_block_mirrored" : "accumulate_block";
    String unused = symmetricQ ? "accumulate_block" : "accumulate_block_mirrored";
    assertEquals(n, stats.get(used).launches(), used + " launches");
    assertFalse(stats.containsKey(unused) && stats.get(unused).launches() > 0, unused + " ran");
  }
}
