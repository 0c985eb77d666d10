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

  /**
   * z {@code [samples × features]}, b {@code [samples·block × features]}; {@code param} is
   * float32-representable, as the kernel receives it.
   */
  record Case(Activation act, double param, int samples, int block, int features) {
    @Override
    public String toString() {
      String p = act.paramName() == null ? "" : " " + act.paramName() + "=" + act.paramText(param);
      return act.typeName() + p + " N=" + samples + " block=" + block + " F=" + features;
    }
  }

  /**
   * Hyper-parameters tried per activation: PyTorch's default, a typical value, a negative one; or
   * every choice.
   */
  private static double[] params(Activation act) {
    if (act.param() != null && !act.param().choices().isEmpty()) {
      return java.util.stream.IntStream.range(0, act.param().choices().size())
          .asDoubleStream()
          .toArray();
    }
    return act.paramName() == null
        ? new double[] {act.defaultParam()}
        : new double[] {act.defaultParam(), (float) 0.2, (float) -0.7};
  }

  static List<Case> cases() {
    int[][] shapes = {
      {1, 1, 1}, {7, 3, 13}, {13, 10, 37}, {5, 13, 65}, {37, 1, 129}, {10, 30, 257}
    };
    List<Case> cases = new ArrayList<>();
    for (Activation act : Activation.values()) {
      for (double param : params(act)) {
        for (int[] s : shapes) {
          cases.add(new Case(act, (float) param, s[0], s[1], s[2]));
        }
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
      backend.scaleByActivationDerivative(db, dz, c.act(), c.param(), c.block());
      KernelAssertions.assertMatchesTwin(
          KernelTwins.scaleByActivationDerivative(
              b, z, c.act(), c.param(), rows, c.features(), c.block()),
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
  void theTemplateIsCompletedWithOneBranchPerActivation() {
    String template =
        KernelSources.fromDirectory(
            java.nio.file.Path.of(System.getProperty(KernelSources.DIRECTORY_PROPERTY)),
            ActivationKernelSource.PROGRAM);
    assertEquals(true, template.contains(ActivationKernelSource.MARKER), "the template's marker");
    String source = KernelSources.load(ActivationKernelSource.PROGRAM);
    assertEquals(false, source.contains(ActivationKernelSource.MARKER), "marker replaced");
    for (Activation act : Activation.values()) {
      String branch = "if (act == " + ActivationKernelSource.code(act) + ") { /* " + act.typeName();
      assertEquals(true, source.contains(branch), act + ": " + branch);
      assertEquals(true, source.contains(act.openClDerivative()), act + "'s derivative");
    }
    assertEquals(
        Activation.values().length,
        java.util.Set.of(Activation.values()).stream()
            .mapToInt(ActivationKernelSource::code)
            .distinct()
            .count(),
        "distinct codes");
  }

  @Test
  void piecewiseDerivativesTakeTheLowerBranchAtZero() {
    // PyTorch's backward: leaky_relu gives the slope at 0, elu α, selu λα
    try (DeviceMatrix z = backend.upload(new double[] {0.0, 2.0}, 1, 2)) {
      double[][] expected = {
        {0.25, 1.0},
        {1.5, 1.0},
        {(float) (1.0507009873554805 * 1.6732632423543772), 1.0507009873554805}
      };
      Activation[] acts = {Activation.LEAKY_RELU, Activation.ELU, Activation.SELU};
      double[] params = {0.25, 1.5, 0.0};
      for (int a = 0; a < acts.length; a++) {
        try (DeviceMatrix b = backend.upload(new double[] {1.0, 1.0}, 1, 2)) {
          backend.scaleByActivationDerivative(b, z, acts[a], params[a], 1);
          double[] got = backend.download(b);
          for (int j = 0; j < 2; j++) {
            assertEquals(
                expected[a][j], got[j], 4 * KernelTolerances.U * expected[a][j], acts[a] + "");
          }
        }
      }
    }
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
