package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.backend.DeviceMatrix;

/**
 * Kernels {@code jact_layer_norm}, {@code jact_layer_norm_weight} and {@code jact_layer_norm_bias}
 * against their twins, on awkward sizes (1, primes, sizes next to the local size).
 */
class KernelLayerNormTest {
  private static OpenClBackend backend;

  @BeforeAll
  static void open() {
    backend = new OpenClBackend();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** x̂ {@code [samples × G·M]}, b {@code [samples·block × G·M]}. */
  record Case(int samples, int block, int groups, int size) {
    int rows() {
      return samples * block;
    }

    int width() {
      return groups * size;
    }

    @Override
    public String toString() {
      return "N=" + samples + " block=" + block + " G=" + groups + " M=" + size;
    }
  }

  static List<Case> cases() {
    int[][] shapes = {
      {1, 1, 1, 1},
      {1, 1, 1, 3},
      {7, 3, 1, 13},
      {5, 2, 3, 7},
      {13, 10, 2, 37},
      {3, 1, 5, 65},
      {37, 1, 1, 129},
      {4, 30, 4, 31},
      {2, 257, 1, 5}
    };
    List<Case> out = new ArrayList<>();
    for (int[] s : shapes) {
      out.add(new Case(s[0], s[1], s[2], s[3]));
    }
    return out;
  }

  /** A normalised input: each group of random values standardised in double, then rounded. */
  private static double[][] normalised(SplittableRandom rng, Case c) {
    double[] x = KernelTwins.randomFloats(rng, c.samples() * c.width(), 2.0);
    double[] xhat = new double[x.length];
    double[] rstd = new double[c.samples() * c.groups()];
    for (int s = 0; s < c.samples(); s++) {
      for (int g = 0; g < c.groups(); g++) {
        int o = s * c.width() + g * c.size();
        double mu = 0;
        for (int j = 0; j < c.size(); j++) {
          mu += x[o + j] / c.size();
        }
        double v = 0;
        for (int j = 0; j < c.size(); j++) {
          v += (x[o + j] - mu) * (x[o + j] - mu) / c.size();
        }
        double r = 1 / Math.sqrt(v + 1e-5);
        rstd[s * c.groups() + g] = (float) r;
        for (int j = 0; j < c.size(); j++) {
          xhat[o + j] = (float) ((x[o + j] - mu) * r);
        }
      }
    }
    return new double[][] {xhat, rstd};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void jactMatchesTwin(Case c) {
    SplittableRandom rng = new SplittableRandom(97L * c.rows() + 13L * c.width());
    double[] b = KernelTwins.randomFloats(rng, c.rows() * c.width(), 1.0);
    double[][] stats = normalised(rng, c);
    double[] gamma = KernelTwins.randomFloats(rng, c.size(), 1.0);
    try (DeviceMatrix db = backend.upload(b, c.rows(), c.width());
        DeviceMatrix dx = backend.upload(stats[0], c.samples(), c.width());
        DeviceMatrix dr = backend.upload(stats[1], c.samples(), c.groups());
        DeviceMatrix dg = backend.upload(gamma, 1, c.size())) {
      backend.layerNormJacT(db, dx, dr, dg, c.block());
      // u_j = γ_j b_j, two sums of M terms, two divisions, a product, two differences and the
      // final product by r: at most M + 8 roundings on the magnitude.
      KernelAssertions.assertMatchesTwin(
          KernelTwins.jactLayerNorm(
              b, stats[0], stats[1], gamma, c.rows(), c.groups(), c.size(), c.block()),
          backend.download(db),
          c.width(),
          KernelTolerances.dot(c.size() + 8),
          "jact_layer_norm " + c);
      assertArrayEquals(stats[0], backend.download(dx), "x̂ must not be modified");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void weightAndBiasMatchTwins(Case c) {
    SplittableRandom rng = new SplittableRandom(31L * c.rows() + c.width());
    double[] b = KernelTwins.randomFloats(rng, c.rows() * c.width(), 1.0);
    double[] xhat = normalised(rng, c)[0];
    try (DeviceMatrix db = backend.upload(b, c.rows(), c.width());
        DeviceMatrix dx = backend.upload(xhat, c.samples(), c.width());
        DeviceMatrix w = backend.layerNormParamJacT(db, dx, c.size(), c.block());
        DeviceMatrix bias = backend.layerNormParamJacT(db, null, c.size(), c.block())) {
      KernelAssertions.assertMatchesTwin(
          KernelTwins.layerNormParamJacT(b, xhat, c.rows(), c.groups(), c.size(), c.block()),
          backend.download(w),
          c.size(),
          KernelTolerances.dot(c.groups() + 1),
          "jact_layer_norm_weight " + c);
      KernelAssertions.assertMatchesTwin(
          KernelTwins.layerNormParamJacT(b, null, c.rows(), c.groups(), c.size(), c.block()),
          backend.download(bias),
          c.size(),
          KernelTolerances.dot(c.groups()),
          "jact_layer_norm_bias " + c);
    }
  }

  @Test
  void shapesThatDoNotMatchAreRejected() {
    try (DeviceMatrix b = backend.zeros(6, 8);
        DeviceMatrix x = backend.zeros(3, 8);
        DeviceMatrix r = backend.zeros(3, 2);
        DeviceMatrix g = backend.zeros(1, 3)) {
      assertThrows(IllegalArgumentException.class, () -> backend.layerNormJacT(b, x, r, g, 2));
      assertThrows(IllegalArgumentException.class, () -> backend.layerNormParamJacT(b, x, 3, 2));
      assertThrows(IllegalArgumentException.class, () -> backend.layerNormParamJacT(b, x, 4, 3));
    }
  }
}
