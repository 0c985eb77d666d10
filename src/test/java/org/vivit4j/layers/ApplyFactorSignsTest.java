package org.vivit4j.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.GramSpace;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.linalg.CanonicalSigns;

/**
 * {@link Layer#applyFactorSigns} gives the canonical signs of {@link Layer#applyFactor}'s vectors:
 * Linear's weight in tiles of output rows (one row per tile, and a last tile shorter than the
 * others), its bias and a Conv2d layer through the default (whole vectors), each at an offset into
 * a group's vectors whose other entries are offered too.
 */
class ApplyFactorSignsTest {
  private static final int N = 5;
  private static final int CT = 3;
  private static final int[] GGN_ROWS = {4, 0, 2};

  private static double[] random(SplittableRandom rnd, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextDouble(-1, 1);
    }
    return a;
  }

  @Test
  void linearTilesGiveTheVectorsSigns() {
    // K = 3: 50 003 inputs make one output row per tile; 5 000 make tiles of 8 rows (8 + 5)
    int[][] shapes = {{50003, 7}, {5000, 13}, {4, 3}};
    int flips = 0;
    for (int[] shape : shapes) {
      for (int seed = 0; seed < 4; seed++) {
        SplittableRandom rnd = new SplittableRandom(100L * shape[0] + seed);
        int in = shape[0];
        int out = shape[1];
        LinearLayer layer =
            new LinearLayer(new LinearSpec(in, out, random(rnd, in * out), random(rnd, out)));
        flips += check(layer, in, out, rnd, "linear " + in + "→" + out + " seed " + seed);
      }
    }
    assertTrue(flips > 0, "some vector must have a negative sign, or the check shows nothing");
  }

  @Test
  void conv2dUsesTheWholeVectors() {
    SplittableRandom rnd = new SplittableRandom(3);
    int[] inShape = {2, 5, 7};
    int o = 3;
    int[] k = {2, 3};
    Conv2dLayer.Conv2dSpec spec =
        new Conv2dLayer.Conv2dSpec(
            2,
            o,
            k,
            new int[] {1, 1},
            new int[] {1, 0},
            new int[] {1, 1},
            random(rnd, o * 2 * k[0] * k[1]),
            random(rnd, o));
    Conv2dLayer layer = new Conv2dLayer("model[0]", spec, inShape, ConvGramPolicy.defaults());
    check(layer, layer.inSize(), layer.outSize(), rnd, "conv2d");
  }

  /**
   * Signs of every tensor of {@code layer} placed after a 10-entry prefix whose entries are small
   * (so the layer's entries decide), against the whole vectors' canonical signs; the same with
   * {@code −w}, every sign flipped. Returns how many negative signs it saw.
   */
  private static int check(Layer layer, int in, int out, SplittableRandom rnd, String what) {
    int g = GGN_ROWS.length * CT;
    double[] input = random(rnd, N * in);
    double[] factor = random(rnd, g * out);
    double[][] w = {random(rnd, g), random(rnd, g), random(rnd, g)};
    double[][] minus = new double[w.length][];
    for (int i = 0; i < w.length; i++) {
      minus[i] = java.util.Arrays.stream(w[i]).map(x -> -x).toArray();
    }
    int negative = 0;
    try (CpuBackend be = new CpuBackend(Precision.FLOAT64, Gemm.PLAIN);
        DeviceMatrix bOut = be.upload(factor, g, out);
        LayerContext ctx =
            new LayerContext(be, CT, input, in, null, out, GGN_ROWS, new int[0], bOut)) {
      for (int t = 0; t < layer.numParamTensors(); t++) {
        double[][] vw = layer.applyFactor(ctx, factor, t, w);
        double[] expected = new double[w.length];
        for (int kk = 0; kk < w.length; kk++) {
          expected[kk] = GramSpace.canonicalSign(vw[kk]);
          negative += expected[kk] < 0 ? 1 : 0;
        }
        double[] prefix = new double[10];
        java.util.Arrays.fill(prefix, 1e-300);
        CanonicalSigns signs = new CanonicalSigns(w.length);
        layer.applyFactorSigns(ctx, factor, t, w, signs, prefix.length);
        CanonicalSigns flipped = new CanonicalSigns(w.length);
        layer.applyFactorSigns(ctx, factor, t, minus, flipped, prefix.length);
        double[] expectedFlipped = new double[w.length];
        for (int kk = 0; kk < w.length; kk++) {
          signs.offer(kk, prefix, 0, prefix.length, 0);
          flipped.offer(kk, prefix, 0, prefix.length, 0);
          expectedFlipped[kk] = -expected[kk];
        }
        assertArrayEquals(expected, signs.signs(), what + " tensor " + t);
        assertArrayEquals(expectedFlipped, flipped.signs(), what + " tensor " + t + ", −w");
      }
    }
    return negative;
  }
}
