package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@link ProgressLines}: when it prints, what, and its time estimates, on a clock of its own. */
class ProgressLinesTest {
  private static final long SECOND = 1_000_000_000L;

  private long now;

  private String run(long[] passEnds, int total) {
    StringWriter text = new StringWriter();
    ProgressLines p = new ProgressLines(new PrintWriter(text), () -> now);
    now = 100 * SECOND;
    p.passes("Gram passes over chunk pairs", 0, total);
    for (int i = 0; i < passEnds.length; i++) {
      now = 100 * SECOND + passEnds[i];
      p.passes("Gram passes over chunk pairs", i + 1, total);
    }
    return text.toString();
  }

  @Test
  void aShortSequencePrintsNothing() {
    assertEquals("", run(new long[] {SECOND, 2 * SECOND, 9 * SECOND}, 3));
  }

  @Test
  void aLongSequencePrintsEveryTenSecondsWithTheTimeLeftAndALastLine() {
    // passes of 6 s: lines after passes 2 (12 s), 4 (24 s), and the last (5, 30 s)
    String text =
        run(new long[] {6 * SECOND, 12 * SECOND, 18 * SECOND, 24 * SECOND, 30 * SECOND}, 5);
    assertEquals(
        String.join(
            System.lineSeparator(),
            "progress: Gram passes over chunk pairs: 2 of 5 done, 0:12 elapsed, about 0:18 left",
            "progress: Gram passes over chunk pairs: 4 of 5 done, 0:24 elapsed, about 0:06 left",
            "progress: Gram passes over chunk pairs: 5 of 5 done, 0:30 elapsed",
            ""),
        text);
  }

  @Test
  void clockReadsMinutesAndHours() {
    assertEquals("0:00", ProgressLines.clock(0.4));
    assertEquals("1:05", ProgressLines.clock(65));
    assertEquals("59:59", ProgressLines.clock(3599));
    assertEquals("1:00:00", ProgressLines.clock(3600));
    assertEquals("2:03:04", ProgressLines.clock(7384));
  }
}
