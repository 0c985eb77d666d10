package org.vivit4j.property;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.ReferenceCheck;
import org.vivit4j.testing.TestBackends;

/**
 * The fast path against the autograd-style reference: the settings grid (activation × loss ×
 * reduction × grouping × criterion × sub-sampling), at least 200 seeded random networks and 120
 * random small conv nets (with pooling and every Conv2d Gram strategy), on every test backend.
 */
class FastPathVsReferenceTest {
  /** Random networks per backend and run (the issue asks for at least 200). */
  static final int RANDOM_NETWORKS = 200;

  static Stream<Arguments> grid() {
    List<ProblemSetting> settings = ProblemSetting.grid();
    return TestBackends.names().stream()
        .flatMap(b -> settings.stream().map(s -> Arguments.of(s, b)));
  }

  static Stream<Arguments> randomNetworks() {
    return TestBackends.names().stream()
        .flatMap(
            b ->
                LongStream.range(0, RANDOM_NETWORKS)
                    .mapToObj(seed -> Arguments.of(ProblemSetting.random(seed), b)));
  }

  /** Random small conv nets per backend (conv, activation, pooling, flatten, linear). */
  static final int RANDOM_CONV_NETWORKS = 120;

  static Stream<Arguments> randomConvNetworks() {
    return TestBackends.names().stream()
        .flatMap(
            b ->
                LongStream.range(0, RANDOM_CONV_NETWORKS)
                    .mapToObj(seed -> Arguments.of(ProblemSetting.randomConv(seed), b)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("randomConvNetworks")
  void randomConvNetworks(ProblemSetting setting, String backend) {
    ReferenceCheck.check(setting, backend);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("grid")
  void settingsGrid(ProblemSetting setting, String backend) {
    ReferenceCheck.check(setting, backend);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("randomNetworks")
  void randomNetworks(ProblemSetting setting, String backend) {
    ReferenceCheck.check(setting, backend);
  }
}
