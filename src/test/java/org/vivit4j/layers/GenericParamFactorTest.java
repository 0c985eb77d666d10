package org.vivit4j.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.Tolerances;

/**
 * The Gram contribution, gradient cross terms and {@code V·w} derived generically from {@link
 * Layer#paramJacT} equal the fused contractions of Linear, Conv2d, LayerNorm and Embedding
 * (float64, awkward sizes, unsorted sample subsets, a strided and dilated convolution, repeated and
 * unused embedding indices), within {@link Tolerances#F64_FIRST_ORDER}: the same products summed in
 * another order.
 */
class GenericParamFactorTest {
  private static final int N = 5;
  private static final int CT = 3;
  private static final int[] GGN_ROWS = {4, 0, 2};
  private static final int[] GRAD_ROWS = {1, 3, 4};

  private static double[] random(SplittableRandom rnd, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextDouble(-1, 1);
    }
    return a;
  }

  @Test
  void linearMatchesItsFusedContractions() {
    SplittableRandom rnd = new SplittableRandom(11);
    int in = 7;
    int out = 13;
    LinearSpec spec = new LinearSpec(in, out, random(rnd, in * out), random(rnd, out));
    check(new LinearLayer(spec), in, out, rnd, "linear");
  }

  @Test
  void conv2dMatchesItsFusedContractionsUnderEveryPolicy() {
    int[] inShape = {2, 5, 7};
    for (ConvGramPolicy.Mode mode : ConvGramPolicy.Mode.values()) {
      SplittableRandom rnd = new SplittableRandom(12);
      int o = 3;
      int[] k = {2, 3};
      Conv2dSpec spec =
          new Conv2dSpec(
              2,
              o,
              k,
              new int[] {2, 1},
              new int[] {1, 0},
              new int[] {1, 2},
              random(rnd, o * 2 * k[0] * k[1]),
              random(rnd, o));
      ConvGramPolicy policy = new ConvGramPolicy(mode, ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS);
      Conv2dLayer layer = new Conv2dLayer("model[0]", spec, inShape, policy);
      check(layer, layer.inSize(), layer.outSize(), rnd, "conv2d " + mode);
    }
  }

  @Test
  void layerNormMatchesItsFusedContractions() {
    SplittableRandom rnd = new SplittableRandom(13);
    // two groups of M = 5, so the bias is not B_out itself
    LayerNormSpec spec = new LayerNormSpec(new int[] {5}, 1e-5, random(rnd, 5), random(rnd, 5));
    check(new LayerNormLayer(spec, 10), 10, 10, rnd, "layernorm");
  }

  @Test
  void embeddingMatchesItsCompressedContractions() {
    SplittableRandom rnd = new SplittableRandom(14);
    int v = 9;
    int d = 2;
    int length = 4;
    EmbeddingSpec spec = new EmbeddingSpec(v, d, random(rnd, v * d));
    // indices 0..5 only (rows 6..8 unused), repeated within and across samples
    double[] input = new double[N * length];
    for (int i = 0; i < input.length; i++) {
      input[i] = rnd.nextInt(6);
    }
    input[1] = input[0];
    check(new EmbeddingLayer(spec, length), input, length, length * d, rnd, "embedding");
  }

  /**
   * With {@code padding_idx}: the padding row (hit by some indices) is left out of the compressed
   * factor as it is of {@code paramJacT}; and a GGN whose indices are all the padding row (an empty
   * compressed factor) contributes nothing either way.
   */
  @Test
  void aPaddedEmbeddingMatchesItsCompressedContractions() {
    SplittableRandom rnd = new SplittableRandom(15);
    int v = 7;
    int d = 3;
    int length = 3;
    EmbeddingSpec spec = new EmbeddingSpec(v, d, random(rnd, v * d), -3);
    double[] input = new double[N * length];
    for (int i = 0; i < input.length; i++) {
      input[i] = rnd.nextInt(3) == 0 ? 4 : rnd.nextInt(v);
    }
    check(new EmbeddingLayer(spec, length), input, length, length * d, rnd, "padded embedding");
    java.util.Arrays.fill(input, 4);
    check(new EmbeddingLayer(spec, length), input, length, length * d, rnd, "only padding");
  }

  @Test
  void aLayerWithoutParametersRefusesParamJacT() {
    try (CpuBackend be = new CpuBackend(Precision.FLOAT64, Gemm.PLAIN);
        DeviceMatrix b = be.upload(new double[2], 2, 1)) {
      ActivationLayer relu = new ActivationLayer(org.vivit4j.model.Activation.RELU, 1);
      assertThrows(
          IllegalArgumentException.class, () -> relu.paramJacT(null, b, new int[] {0, 1}, 1, 0));
    }
  }

  private static void check(Layer layer, int in, int out, SplittableRandom rnd, String what) {
    check(layer, random(rnd, N * in), in, out, rnd, what);
  }

  private static void check(
      Layer layer, double[] input, int in, int out, SplittableRandom rnd, String what) {
    double[] deltaOut = random(rnd, N * out);
    int g = GGN_ROWS.length * CT;
    double[] factor = random(rnd, g * out);
    double[][] w = {random(rnd, g), random(rnd, g)};
    try (CpuBackend be = new CpuBackend(Precision.FLOAT64, Gemm.PLAIN);
        DeviceMatrix bOut = be.upload(factor, g, out);
        LayerContext ctx =
            new LayerContext(be, CT, input, in, deltaOut, out, GGN_ROWS, GRAD_ROWS, bOut)) {
      for (int t = 0; t < layer.numParamTensors(); t++) {
        String at = what + " tensor " + t;
        try (DeviceMatrix fused = be.zeros(g, g);
            DeviceMatrix generic = be.zeros(g, g)) {
          layer.accumulateGram(ctx, t, fused);
          layer.accumulateGramGeneric(ctx, t, generic);
          Compare.assertClose(
              at + " Gram", be.download(generic), be.download(fused), Tolerances.F64_FIRST_ORDER);
        }
        try (DeviceMatrix fused = be.zeros(GRAD_ROWS.length, g);
            DeviceMatrix generic = be.zeros(GRAD_ROWS.length, g)) {
          layer.accumulateCrossTerms(ctx, t, fused);
          layer.accumulateCrossTermsGeneric(ctx, t, generic);
          Compare.assertClose(
              at + " cross terms",
              be.download(generic),
              be.download(fused),
              Tolerances.F64_FIRST_ORDER);
        }
        double[][] fusedVw = layer.applyFactor(ctx, factor, t, w);
        double[][] genericVw = layer.applyFactorGeneric(ctx, factor, t, w);
        assertEquals(layer.paramSize(t), genericVw[0].length, at + " V·w size");
        Compare.assertClose(at + " V·w", genericVw, fusedVw, Tolerances.F64_FIRST_ORDER);
      }
    }
    assertEquals(true, List.of(1, 2).contains(layer.numParamTensors()), what + " has parameters");
  }
}
