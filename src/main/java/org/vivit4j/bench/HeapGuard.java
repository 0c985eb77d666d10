package org.vivit4j.bench;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.vivit4j.model.InvalidInputException;

/**
 * Runs one benchmark case so that a case too large for this JVM's heap costs that case, not the
 * report: an {@link OutOfMemoryError}, or the memory estimate refusing the run up front, becomes
 * one line for the report and an empty result, and the bench goes on to the next case. (A full
 * bench once ran 28 minutes and then died on cifar100_allcnnc in float32 with nothing written.)
 */
public final class HeapGuard {
  /** The field of the memory estimate's refusal ({@code MemoryEstimate.checkFits}). */
  static final String MEMORY_FIELD = "memory";

  private HeapGuard() {}

  /**
   * {@code body}'s value, or empty after passing {@code failed} the line {@code "<what>: not timed
   * (…)"} when it ran out of heap or was refused as too large for it. Anything else {@code body}
   * throws passes through.
   */
  public static <T> Optional<T> run(String what, Supplier<T> body, Consumer<String> failed) {
    try {
      return Optional.of(body.get());
    } catch (OutOfMemoryError e) {
      failed.accept(
          String.format(
              Locale.ROOT,
              "%s: not timed (the Java heap ran out at its limit of %.1f GiB; give the bench more,"
                  + " e.g. JDK_JAVA_OPTIONS=-Xmx16g)",
              what,
              Runtime.getRuntime().maxMemory() / (double) (1L << 30)));
      return Optional.empty();
    } catch (InvalidInputException e) {
      if (!MEMORY_FIELD.equals(e.field())) {
        throw e;
      }
      failed.accept(what + ": not timed (" + e.getMessage() + ")");
      return Optional.empty();
    }
  }
}
