package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Entry-wise comparison of a kernel's output with its twin. */
final class KernelAssertions {
  private KernelAssertions() {}

  /**
   * Asserts {@code |actual[t] − twin.value[t]| ≤ relTol · twin.magnitude[t]} for every entry,
   * reporting the worst entry as (row, column) of a {@code rows × cols} matrix.
   */
  static void assertMatchesTwin(
      KernelTwins.Twin twin, double[] actual, int cols, double relTol, String what) {
    assertEquals(twin.value().length, actual.length, what + ": number of entries");
    int worst = -1;
    double worstExcess = 0;
    for (int t = 0; t < actual.length; t++) {
      double err = Math.abs(actual[t] - twin.value()[t]);
      double allowed = relTol * twin.magnitude()[t];
      // NaN errors fail too: !(err <= allowed)
      if (!(err <= allowed) && (worst < 0 || !(err - allowed <= worstExcess))) {
        worst = t;
        worstExcess = err - allowed;
      }
    }
    if (worst >= 0) {
      fail(
          String.format(
              "%s: entry (%d, %d) is %.9g, twin %.9g, |error| %.3g > tolerance %.3g"
                  + " (= %.3g × magnitude %.6g)",
              what,
              worst / cols,
              worst % cols,
              actual[worst],
              twin.value()[worst],
              Math.abs(actual[worst] - twin.value()[worst]),
              relTol * twin.magnitude()[worst],
              relTol,
              twin.magnitude()[worst]));
    }
  }
}
