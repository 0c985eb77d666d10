package org.vivit4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.testing.Tolerances;

/**
 * The lowered host Conv2d ({@link ConvHost}: im2col, products, col2im over chunks of samples)
 * against its twin, the direct loops ({@link ConvHostLoops}), on awkward shapes: one channel,
 * non-square kernels and inputs, strides, paddings larger than the kernel's reach, dilations, a
 * single sample and batches that span several chunks.
 */
class ConvHostTest {
  /** {C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, O, N}. */
  private static final int[][] CASES = {
    {1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1},
    {3, 7, 5, 3, 2, 1, 1, 1, 0, 1, 1, 4, 3},
    {2, 13, 11, 3, 3, 2, 3, 1, 1, 2, 1, 5, 7},
    {5, 8, 9, 5, 5, 1, 1, 2, 2, 1, 1, 3, 2},
    {1, 17, 3, 2, 3, 3, 1, 0, 1, 1, 2, 2, 5},
    {4, 6, 6, 1, 4, 2, 2, 0, 3, 1, 1, 6, 4},
    {1, 28, 28, 5, 5, 1, 1, 2, 2, 1, 1, 32, 3},
    // T·K = 196·800 float64 values: at most 6 samples fit CHUNK_BYTES, so 29 samples run in five
    // chunks of 5, 6, 6, 6, 6
    {32, 14, 14, 5, 5, 1, 1, 2, 2, 1, 1, 64, 29},
  };

  static Stream<Arguments> cases() {
    return Stream.of(CASES).map(c -> Arguments.of(java.util.Arrays.toString(c), c));
  }

  private static ConvGeometry geometry(int[] c) {
    return ConvGeometry.of(
        new int[] {c[0], c[1], c[2]},
        new int[] {c[3], c[4]},
        new int[] {c[5], c[6]},
        new int[] {c[7], c[8]},
        new int[] {c[9], c[10]});
  }

  private static double[] random(SplittableRandom rng, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = rng.nextDouble(-1, 1);
    }
    return v;
  }

  private static double[] abs(double[] v) {
    double[] a = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      a[i] = Math.abs(v[i]);
    }
    return a;
  }

  /** Every entry within the reordered-sum bound of {@code terms} products of its magnitude. */
  private static void assertClose(
      double[] expected, double[] actual, double[] magnitude, long terms, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double bound = Tolerances.f64ReorderedSum(terms);
    for (int i = 0; i < expected.length; i++) {
      double err = Math.abs(expected[i] - actual[i]);
      assertTrue(
          err <= bound * magnitude[i] + Double.MIN_NORMAL,
          what + " entry " + i + ": " + actual[i] + " vs twin " + expected[i]);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void forwardMatchesDirectLoops(String name, int[] c) {
    ConvGeometry g = geometry(c);
    int o = c[11];
    int n = c[12];
    SplittableRandom rng = new SplittableRandom(name.hashCode());
    double[] x = random(rng, n * g.inputSize());
    double[] w = random(rng, o * g.patchSize());
    double[] b = random(rng, o);
    double[] mag = ConvHostLoops.forward(abs(x), abs(w), abs(b), o, g, n);
    assertClose(
        ConvHostLoops.forward(x, w, b, o, g, n),
        ConvHost.forward(x, w, b, o, g, n),
        mag,
        g.patchSize() + 1,
        "forward");
    assertClose(
        ConvHostLoops.forward(x, w, null, o, g, n),
        ConvHost.forward(x, w, null, o, g, n),
        mag,
        g.patchSize(),
        "forward without bias");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void inputGradientMatchesDirectLoops(String name, int[] c) {
    ConvGeometry g = geometry(c);
    int o = c[11];
    int n = c[12];
    SplittableRandom rng = new SplittableRandom(name.hashCode() + 1);
    double[] d = random(rng, n * o * g.positions());
    double[] w = random(rng, o * g.patchSize());
    assertClose(
        ConvHostLoops.inputGradient(d, w, o, g, n),
        ConvHost.inputGradient(d, w, o, g, n),
        ConvHostLoops.inputGradient(abs(d), abs(w), o, g, n),
        (long) o * g.kernelH() * g.kernelW(),
        "input gradient");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parameterGradientsMatchDirectLoops(String name, int[] c) {
    ConvGeometry g = geometry(c);
    int o = c[11];
    int n = c[12];
    SplittableRandom rng = new SplittableRandom(name.hashCode() + 2);
    double[] x = random(rng, n * g.inputSize());
    double[] d = random(rng, n * o * g.positions());
    double scale = 1.0 / n;
    double[][] twin = ConvHostLoops.paramGradients(x, d, o, g, n, scale);
    double[][] mag = ConvHostLoops.paramGradients(abs(x), abs(d), o, g, n, scale);
    double[][] got = ConvHost.paramGradients(x, d, o, g, n, scale);
    long terms = (long) n * g.positions() + 1;
    assertClose(twin[0], got[0], mag[0], terms, "weight gradient");
    assertClose(twin[1], got[1], mag[1], terms, "bias gradient");
  }
}
