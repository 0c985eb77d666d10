package org.vivit4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vivit4j.model.InvalidInputException;

/**
 * A bench case that does not fit the heap costs that case: one line for the report and an empty
 * result. Any other failure still stops the bench.
 */
class HeapGuardTest {
  private final List<String> lines = new ArrayList<>();

  @Test
  void aValueComesThroughUntouched() {
    Object value = new Object();
    assertSame(value, HeapGuard.run("case", () -> value, lines::add).orElseThrow());
    assertEquals(List.of(), lines);
  }

  @Test
  void runningOutOfHeapBecomesOneLineNamingTheCaseAndTheLimit() {
    Optional<Object> r =
        HeapGuard.run(
            "cifar100_allcnnc_n8 on cpu-blas-float32",
            () -> {
              throw new OutOfMemoryError("Java heap space");
            },
            lines::add);
    assertTrue(r.isEmpty());
    assertEquals(1, lines.size());
    String line = lines.get(0);
    assertTrue(line.startsWith("cifar100_allcnnc_n8 on cpu-blas-float32: not timed"), line);
    String limit =
        String.format(
            java.util.Locale.ROOT,
            "%.1f GiB",
            Runtime.getRuntime().maxMemory() / (double) (1L << 30));
    assertTrue(line.contains(limit), line);
  }

  @Test
  void theEstimatesRefusalIsReportedWithItsOwnMessage() {
    Optional<Object> r =
        HeapGuard.run(
            "case",
            () -> {
              throw new InvalidInputException(
                  HeapGuard.MEMORY_FIELD,
                  "this run needs about 30 GiB but the heap limit is 6 GiB");
            },
            lines::add);
    assertTrue(r.isEmpty());
    assertEquals(
        List.of(
            "case: not timed (memory: this run needs about 30 GiB but the heap limit is 6 GiB)"),
        lines);
  }

  @Test
  void otherBadInputAndOtherErrorsPassThrough() {
    assertThrows(
        InvalidInputException.class,
        () ->
            HeapGuard.run(
                "case",
                () -> {
                  throw new InvalidInputException("--k", "must be at least 1");
                },
                lines::add));
    assertThrows(
        StackOverflowError.class,
        () ->
            HeapGuard.run(
                "case",
                () -> {
                  throw new StackOverflowError();
                },
                lines::add));
    assertEquals(List.of(), lines);
  }
}
