package org.vivit4j.property;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.ReferenceCheck;

/**
 * The property settings with the Lanczos eigensolver forced (their Gram matrices are small, so
 * {@code auto} would pick the dense one): the same checks against the autograd reference, on the
 * computed top of the spectrum. The eigensolve is host-side, so the CPU backends suffice.
 */
class FastPathLanczosTest {
  static final int RANDOM_NETWORKS = 100;

  private static final List<String> BACKENDS = List.of("cpu-float64", "cpu-float32");

  static Stream<Arguments> grid() {
    List<ProblemSetting> settings = ProblemSetting.grid();
    return BACKENDS.stream().flatMap(b -> settings.stream().map(s -> Arguments.of(s, b)));
  }

  static Stream<Arguments> randomNetworks() {
    return BACKENDS.stream()
        .flatMap(
            b ->
                LongStream.range(0, RANDOM_NETWORKS)
                    .mapToObj(seed -> Arguments.of(ProblemSetting.random(seed), b)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("grid")
  void settingsGrid(ProblemSetting setting, String backend) {
    ReferenceCheck.check(setting, backend, EigenSolver.LANCZOS);
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("randomNetworks")
  void randomNetworks(ProblemSetting setting, String backend) {
    ReferenceCheck.check(setting, backend, EigenSolver.LANCZOS);
  }
}
