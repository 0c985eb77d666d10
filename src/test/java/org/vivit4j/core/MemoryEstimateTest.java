package org.vivit4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.io.ProblemReader;

/**
 * The memory estimate against the heap a real run needs: a medium MLP (a dense 1200 × 1200 Gram
 * eigensolve) runs in a child JVM whose heap is {@link #HEAP_FACTOR} times the estimate plus the
 * JVM's own baseline, and its heap in use (sampled by solve's memory report) stays above the
 * estimate divided by {@link #HEAP_FACTOR}.
 */
class MemoryEstimateTest {
  /**
   * How far the estimate may be from the heap the run needs, either way. The estimate counts the
   * large arrays only (the Grams, the eigensolver's workspace, activations, factors) and leaves out
   * object headers, the parsed JSON and the collector's slack, and EJML's workspace is counted as
   * {@link MemoryEstimate#DENSE_TRANSIENT_GRAMS} whole matrices: a factor 2 either way bounds these
   * without letting a missing G² term (each is a third or more of this run) pass.
   */
  static final double HEAP_FACTOR = 2.0;

  /** The JVM, picocli, Jackson and the problem text before the run: allowed on top. */
  static final long BASELINE_BYTES = 48L << 20;

  @TempDir Path dir;

  @Test
  void aMediumMlpRunsInTwiceTheEstimateAndUsesAtLeastHalfOfIt() throws Exception {
    Path problemFile = dir.resolve("mlp.json");
    Files.writeString(problemFile, MlpProblem.json(120, 10, 7));
    Problem problem = ProblemReader.read(problemFile);
    long estimate =
        problem
            .computation()
            .memoryEstimate(problem.network(), problem.batch().n(), problem.groups(), true)
            .peakBytes();
    assertTrue(estimate > 50L << 20, "the case must be dominated by the Gram terms: " + estimate);
    long heap = (long) (HEAP_FACTOR * estimate) + BASELINE_BYTES;
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + (heap >> 20) + "m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.vivit4j.cli.Main");
    cmd.add("solve");
    cmd.add("--problem");
    cmd.add(problemFile.toString());
    cmd.add("--out");
    cmd.add(dir.resolve("result.json").toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child JVM timed out");
    assertEquals(0, p.exitValue(), "the run must fit twice its estimate: " + out);
    Matcher m = Pattern.compile("peak JVM heap: ([0-9.]+) MiB sampled in use").matcher(out);
    assertTrue(m.find(), out);
    double usedBytes = Double.parseDouble(m.group(1)) * (1 << 20);
    assertTrue(
        usedBytes >= estimate / HEAP_FACTOR,
        "estimate " + estimate + " is more than " + HEAP_FACTOR + "× the heap used " + usedBytes);
  }

  /** A 4-8-C MLP problem text with a dense eigensolve of its {@code C·N} Gram. */
  static final class MlpProblem {
    static String json(int n, int classes, long seed) throws IOException {
      java.util.Random r = new java.util.Random(seed);
      StringBuilder s = new StringBuilder();
      s.append("{\"name\":\"mlp\",\"N\":").append(n).append(",\"input_shape\":[4],");
      s.append("\"loss\":{\"type\":\"cross_entropy\",\"reduction\":\"mean\"},\"model\":[");
      s.append(linear(4, 8, r)).append(",{\"type\":\"relu\"},").append(linear(8, classes, r));
      s.append("],\"X\":[");
      for (int i = 0; i < n; i++) {
        s.append(i == 0 ? "[" : ",[");
        for (int d = 0; d < 4; d++) {
          s.append(d == 0 ? "" : ",").append(r.nextGaussian());
        }
        s.append(']');
      }
      s.append("],\"y\":[");
      for (int i = 0; i < n; i++) {
        s.append(i == 0 ? "" : ",").append(r.nextInt(classes));
      }
      s.append("],\"computation\":{\"eigensolver\":\"dense\"},");
      s.append(
          "\"param_groups\":[{\"params\":[0,1,2,3],\"criterion\":{\"type\":\"top_k\",\"k\":3}}]}");
      return s.toString();
    }

    private static String linear(int in, int out, java.util.Random r) {
      StringBuilder s = new StringBuilder("{\"type\":\"linear\",\"in\":" + in + ",\"out\":" + out);
      s.append(",\"weight\":[");
      for (int o = 0; o < out; o++) {
        s.append(o == 0 ? "[" : ",[");
        for (int i = 0; i < in; i++) {
          s.append(i == 0 ? "" : ",").append(0.3 * r.nextGaussian());
        }
        s.append(']');
      }
      s.append("],\"bias\":[");
      for (int o = 0; o < out; o++) {
        s.append(o == 0 ? "0" : ",0");
      }
      return s.append("]}").toString();
    }
  }
}
