package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The taps of a window inside the input, against counting them one by one. */
class ConvGeometryTapsTest {
  @ParameterizedTest(name = "start {0} dil {1} k {2} size {3}")
  @CsvSource({
    "0, 1, 5, 14",
    "-2, 1, 5, 14",
    "12, 1, 5, 14",
    "-1, 3, 3, 1",
    "-5, 1, 2, 10",
    "-3, 2, 2, 4",
    "4, 2, 3, 4",
    "3, 2, 3, 4",
    "-7, 3, 4, 5",
    "2, 1, 1, 3",
    "-1, 2, 1, 3"
  })
  void theRangeHoldsExactlyTheTapsInside(int start, int dil, int k, int size) {
    int first = ConvGeometry.firstTapInside(start, dil);
    int end = ConvGeometry.endTapInside(start, dil, k, size);
    int inside = 0;
    for (int a = 0; a < k; a++) {
      int at = start + a * dil;
      boolean in = at >= 0 && at < size;
      if (in) {
        inside++;
      }
      // a tap is in the range [first, end) exactly when it lies inside the input
      assertEquals(in, a >= first && a < end, "tap " + a);
    }
    assertEquals(inside, Math.max(0, end - first));
  }
}
