package org.vivit4j.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fuzzing suite of issue 11: mutants of the golden and generated problem files through {@code
 * solve}, each of which must end as a valid result or a clean bad-input error ({@link
 * SolveContract}). Mutant {@code i} has seed {@code base + i}. One mutant in five also gets a
 * {@code solve} option, one in four a chunking option ({@link ChunkFlags}: a bad value must be
 * refused naming its option), and one in four is run a second time as its twin with an array
 * re-encoded as base64 float64, which must end alike ({@link TwinComparison}).
 *
 * <p>CI runs {@value #CI_COUNT} mutants from the fixed base seed {@value #CI_BASE_SEED}. To vary
 * it: {@code mvn -o test -Dtest=FuzzSolveTest -Dfuzz.seed=S -Dfuzz.count=N} runs mutants {@code S …
 * S+N−1}; a failure message names each failing mutant's seed, so {@code -Dfuzz.seed=SEED
 * -Dfuzz.count=1} reruns exactly that mutant ({@code -Dfuzz.seeds=S1,S2,...} a list of them).
 * {@code -Dfuzz.report=FILE} writes every failure (one per line: seed, class, detail, mutations)
 * for triage; {@code -Dfuzz.timings=FILE} every mutant's base, milliseconds, outcome, first stderr
 * line and mutations; {@code -Dfuzz.dump=DIR} the failing mutants as files {@code DIR/SEED.json},
 * to run through the real command line. The base seed and the counts are published as the test's
 * report entry and named in the test's display name and failure message.
 */
class FuzzSolveTest {
  /** The base seed of the CI run (fixed, so CI is deterministic). */
  static final long CI_BASE_SEED = 1_100_000L;

  /**
   * Mutants per CI run: at least 1000 (issue 11). Measured on the two-core build machine: 6–8 s for
   * the test (10–20 s for {@code mvn}) when idle, 20–45 s while five other builds ran; about 25 ms
   * per mutant when idle, most of it parsing the golden files, plus the re-encoded twins.
   */
  static final int CI_COUNT = 1000;

  /**
   * A mutant running longer than this is a failure (a hang, or an allocation the input limits
   * should have refused): the largest valid base problem solves in well under a second.
   */
  static final int SECONDS_PER_MUTANT = 30;

  /**
   * With many mutants, at least this fraction must reach a valid result, so that the result
   * identities are exercised and not only the error path (a fuzzer that only breaks files checks
   * little of the computation).
   */
  static final double MIN_VALID_FRACTION = 0.1;

  /** Failures of one class listed in the message with their seeds (all in the report file). */
  private static final int SEEDS_SHOWN = 5;

  @TempDir Path scratch;

  static Stream<Arguments> run() {
    return Stream.of(
        Arguments.of(
            Long.getLong("fuzz.seed", CI_BASE_SEED), Integer.getInteger("fuzz.count", CI_COUNT)));
  }

  @ParameterizedTest(name = "{1} mutants from base seed {0} (vary with -Dfuzz.seed, -Dfuzz.count)")
  @MethodSource("run")
  void everyMutantEndsAsAValidResultOrACleanBadInputError(
      long baseSeed, int count, TestReporter reporter) throws Exception {
    Mutator mutator = new Mutator(BaseProblems.load(scratch));
    Map<String, List<String>> failures = new TreeMap<>();
    List<String> report = new ArrayList<>();
    int valid = 0;
    int rejected = 0;
    int ran = 0;
    String timingFile = System.getProperty("fuzz.timings");
    Path dump =
        System.getProperty("fuzz.dump") == null ? null : Path.of(System.getProperty("fuzz.dump"));
    List<String> timings = timingFile == null ? null : new ArrayList<>();
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fuzz-solve");
              t.setDaemon(true); // an abandoned hung mutant must not keep the JVM alive
              return t;
            });
    try {
      long[] seeds = seeds(baseSeed, count);
      for (long seed : seeds) {
        long start = System.nanoTime();
        Mutant mutant = mutator.mutant(seed);
        Mutant m = mutant; // the one reported: the twin when the twin is what failed
        SolveContract.Verdict v = runLimited(worker, mutant, scratch.resolve("mutant" + seed));
        boolean hung = v == null;
        if (hung) {
          v =
              SolveContract.Verdict.bad(
                  "slower than " + SECONDS_PER_MUTANT + " s", "abandoned; later mutants not run");
        } else if (v.failureClass() == null && mutant.twin() != null) {
          Mutant t = mutant.twinMutant();
          SolveContract.Verdict vt = runLimited(worker, t, scratch.resolve("twin" + seed));
          hung = vt == null;
          // an outcome that depends on the encoding is the more specific finding: reported first
          String differs = hung ? null : TwinComparison.differs(v, vt);
          if (hung) {
            m = t;
            v =
                SolveContract.Verdict.bad(
                    "slower than " + SECONDS_PER_MUTANT + " s", "abandoned (twin)");
          } else if (differs != null) {
            m = t;
            v = SolveContract.Verdict.bad(differs, v.detail() + " / twin: " + vt.detail());
          } else if (vt.failureClass() != null) {
            m = t;
            v = vt;
          }
        }
        ran++;
        if (timings != null) {
          timings.add(
              seed
                  + "\t"
                  + m.base()
                  + "\t"
                  + (System.nanoTime() - start) / 1_000_000
                  + "\t"
                  + (v.failureClass() == null ? (v.valid() ? "valid" : "rejected") : "failure")
                  + "\t"
                  + String.valueOf(v.detail()).replace('\n', ' ')
                  + "\t"
                  + m.mutations()
                  + (m.flags().isEmpty() ? "" : " flags " + m.flags())
                  + (mutant.twin() == null ? "" : " twin " + mutant.twin().reencoded()));
        }
        if (v.failureClass() == null) {
          if (v.valid()) {
            valid++;
          } else {
            rejected++;
          }
        } else {
          failures
              .computeIfAbsent(v.failureClass(), k -> new ArrayList<>())
              .add(m.describe() + "\n      " + v.detail());
          report.add(
              seed
                  + "\t"
                  + v.failureClass()
                  + "\t"
                  + v.detail()
                  + "\t"
                  + m.mutations()
                  + (m.flags().isEmpty() ? "" : " flags " + m.flags()));
          if (dump != null) {
            Files.createDirectories(dump);
            Files.write(dump.resolve(seed + ".json"), m.bytes());
          }
        }
        if (hung) {
          break; // the JVM now runs an abandoned computation: what follows would be unreliable
        }
      }
    } finally {
      worker.shutdownNow();
    }
    String summary =
        String.format(
            "%s: %d mutants, %d valid results, %d clean bad-input errors, %d failures",
            System.getProperty("fuzz.seeds") == null ? "base seed " + baseSeed : "listed seeds",
            ran,
            valid,
            rejected,
            report.size());
    reporter.publishEntry("fuzz", summary);
    String reportFile = System.getProperty("fuzz.report");
    if (reportFile != null) {
      writeReport(Path.of(reportFile), summary, report);
    }
    if (timings != null) {
      Files.write(Path.of(timingFile), timings);
    }
    if (!failures.isEmpty()) {
      fail(message(summary, failures));
    }
    if (ran >= 100) {
      assertTrue(
          valid >= MIN_VALID_FRACTION * ran,
          summary + ": too few valid results to exercise the result identities");
    }
  }

  /** The mutant's verdict, or null when it ran longer than {@link #SECONDS_PER_MUTANT}. */
  private static SolveContract.Verdict runLimited(ExecutorService worker, Mutant m, Path dir)
      throws InterruptedException {
    Future<SolveContract.Verdict> f = worker.submit(() -> SolveContract.run(m, dir));
    try {
      return f.get(SECONDS_PER_MUTANT, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      return SolveContract.Verdict.bad("escaped " + c.getClass().getName(), c.getMessage());
    }
  }

  /** {@code base … base+count−1}, or the list {@code -Dfuzz.seeds=S1,S2,...} when given. */
  private static long[] seeds(long base, int count) {
    String list = System.getProperty("fuzz.seeds");
    if (list != null) {
      return java.util.Arrays.stream(list.split(","))
          .mapToLong(x -> Long.parseLong(x.strip()))
          .toArray();
    }
    return java.util.stream.LongStream.range(base, base + count).toArray();
  }

  private static String message(String summary, Map<String, List<String>> failures) {
    StringBuilder sb = new StringBuilder(summary).append('\n');
    failures.forEach(
        (k, list) -> {
          sb.append(list.size()).append(" × ").append(k).append('\n');
          list.stream().limit(SEEDS_SHOWN).forEach(s -> sb.append("    ").append(s).append('\n'));
        });
    return sb.toString();
  }

  private static void writeReport(Path file, String summary, List<String> lines)
      throws IOException {
    List<String> all = new ArrayList<>();
    all.add("# " + summary);
    all.addAll(lines);
    Files.write(file, all);
  }
}
