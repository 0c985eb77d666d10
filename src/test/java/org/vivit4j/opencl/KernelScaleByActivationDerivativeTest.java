package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.vivit4j.model.Activation;

/** Kernel {@code scale_by_activation_derivative} against its twin. */
class KernelScaleByActivationDerivativeTest {
  private static OpenClBackend backend;

  @BeforeAll
  static void open() {
    backend = new OpenClBackend();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  /** z {@code [samples × features]}, b {@code [samples·block × features]}. */
  record Case(Activation act, int samples, int block, int features) {
    @Override
    public String toString() {
      return act.typeName() + " N=" + samples + " block=" + block + " F=" + features;
    }
  }

  static List<Case> cases() {
    int[][] shapes = {
      {1, 1, 1}, {7, 3, 13}, {13, 10, 37}, {5, 13, 65}, {37, 1, 129}, {10, 30, 257}
    };
    List<Case> cases = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (int[] s : shapes) {
        cases.add(new Case(act, s[0], s[1], s[2]));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTwin(Case c) {
    int rows = c.samples() * c.block();
    SplittableRandom rng = new SplittableRandom(41L * rows + c.features() + c.act().ordinal());
    double[] b = KernelTwins.randomFloats(rng, rows * c.features(), 1.0);
    double[] z = KernelTwins.randomFloats(rng, c.samples() * c.features(), 3.0);
    // exact zeros (ReLU's φ'(0) = 0) and large |z|, where 1 − σ and 1 − tanh² cancel
    double[] special = {0.0, -0.0, 10.0, -10.0, 1e-3, -25.0, 25.0};
    for (int t = 0; t < z.length; t += 5) {
      z[t] = (float) special[(t / 5) % special.length];
    }
    try (DeviceMatrix db = backend.upload(b, rows, c.features());
        DeviceMatrix dz = backend.upload(z, c.samples(), c.features())) {
      backend.scaleByActivationDerivative(db, dz, c.act(), c.block());
      KernelAssertions.assertMatchesTwin(
          KernelTwins.scaleByActivationDerivative(b, z, c.act(), rows, c.features(), c.block()),
          backend.download(db),
          c.features(),
          c.act() == Activation.RELU ? 0.0 : KernelTolerances.ACTIVATION,
          "scale_by_activation_derivative " + c);
      assertArrayEquals(z, backend.download(dz), "z must not be modified");
    }
  }

  @Test
  void reluDerivativeAtZeroIsZero() {
    try (DeviceMatrix b = backend.upload(new double[] {2.0, 3.0, 5.0}, 1, 3);
        DeviceMatrix z = backend.upload(new double[] {0.0, 1e-30, -1e-30}, 1, 3)) {
      backend.scaleByActivationDerivative(b, z, Activation.RELU, 1);
      assertArrayEquals(new double[] {0.0, 3.0, 0.0}, backend.download(b));
    }
  }

  @Test
  void derivativesAtZeroAreQuarterAndOne() {
    try (DeviceMatrix b = backend.upload(new double[] {1.0, 1.0}, 2, 1);
        DeviceMatrix z = backend.upload(new double[] {0.0}, 1, 1)) {
      backend.scaleByActivationDerivative(b, z, Activation.SIGMOID, 2);
      assertArrayEquals(new double[] {0.25, 0.25}, backend.download(b));
      backend.scaleByActivationDerivative(b, z, Activation.TANH, 2);
      assertArrayEquals(new double[] {0.25, 0.25}, backend.download(b));
    }
  }

  @Test
  void activationCodesMatchTheKernelSource() {
    assertEquals(0, OpenClBackend.activationCode(Activation.RELU));
    assertEquals(1, OpenClBackend.activationCode(Activation.SIGMOID));
    assertEquals(2, OpenClBackend.activationCode(Activation.TANH));
    String source = KernelSources.load("scale_by_activation_derivative");
    assertEquals(true, source.contains("#define ACT_RELU 0"), "ACT_RELU");
    assertEquals(true, source.contains("#define ACT_SIGMOID 1"), "ACT_SIGMOID");
    assertEquals(true, source.contains("#define ACT_TANH 2"), "ACT_TANH");
  }

  @Test
  void shapesThatDoNotMatchAreRejected() {
    try (DeviceMatrix b = backend.zeros(6, 4);
        DeviceMatrix z = backend.zeros(4, 4)) {
      assertThrows(
          IllegalArgumentException.class,
          () -> backend.scaleByActivationDerivative(b, z, Activation.TANH, 2));
    }
  }
}
