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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.io.ProblemReader;

/**
 * The memory estimate against the heap a real run needs, measured by running it: a medium MLP (a
 * dense 1200 × 1200 Gram eigensolve) and fmnist_2c2d on 16 samples each complete in a child JVM
 * whose heap is {@link #HEAP_FACTOR} times the estimate plus the JVM's own baseline, and runs out
 * of heap (with the up-front check turned off) in one of the estimate divided by {@link
 * #HEAP_FACTOR}: the peak lies between the two. Likewise a packed float32 Gram from chunk pairs,
 * and fmnist_2c2d in float32 on the CPU backend, whose {@code float[]} matrices count 4 bytes a
 * value.
 */
class MemoryEstimateTest {
  /**
   * How far the estimate may be from the heap the run needs, either way. The estimate counts the
   * large arrays only (Grams, the eigensolver's workspace, activations, factors, directions) and
   * leaves out object headers, small buffers and the collector's slack (G1 does not move the
   * humongous regions of large arrays, so a heap close to full fragments: measured, fmnist_2c2d
   * needs 1.0–1.3× its estimate, the MLP 0.85–0.95×); EJML's workspace is counted as {@link
   * MemoryEstimate#DENSE_TRANSIENT_GRAMS} whole matrices. A factor 2 either way bounds these
   * without letting a missing large term (each is a third or more of these runs) pass.
   */
  static final double HEAP_FACTOR = 2.0;

  /**
   * The heap, as a multiple of its estimate, in which the float32 fmnist_2c2d case must finish;
   * below the ratio of its 8-byte and float32 counts (581 / 386 MiB = 1.5). The estimate leaves out
   * the collector's slack and the problem text (see {@link #HEAP_FACTOR}: fmnist_2c2d needs
   * 1.0–1.3× its estimate). Measured on the 2-core machine with the plain pass pinned, 19 child
   * runs, idle and beside two busy processes (load average 5–7): out of heap at 395–400 MiB (4 of
   * 4) and at 405 MiB (4 of 5), finished at 410–425 MiB (10 of 10), a sampled peak of 381–391 MiB
   * in use; the need, 1.05–1.1× the estimate, did not move with the load (the collector frees
   * everything it can before it reports the heap out). 1.3 (502 MiB) leaves 20 % above the largest
   * need seen and stays 80 MiB below the 8-byte count.
   */
  static final double FLOAT32_CASE_HEADROOM = 1.3;

  /**
   * A factor-memory budget no run here reaches: the child runs the plain pass, the one its estimate
   * describes, whatever its heap limit.
   */
  static final long PLAIN_PASS_BUDGET = 64L << 30;

  /** The JVM, picocli, Jackson and the problem text: allowed on top of the larger heap. */
  static final long BASELINE_BYTES = 48L << 20;

  @TempDir Path dir;

  /** Sizes print in the unit that shows them: a one-byte device limit is not "0.0 MiB". */
  @Test
  void sizesPrintInAUnitThatShowsThem() {
    assertEquals("1 byte", MemoryEstimate.gib(1));
    assertEquals("1023 bytes", MemoryEstimate.gib(1023));
    assertEquals("27.0 KiB", MemoryEstimate.gib(27 * 1024));
    assertEquals("1.5 MiB", MemoryEstimate.gib(3L << 19));
    assertEquals("10.1 GiB", MemoryEstimate.gib((long) (10.1 * (1L << 30))));
  }

  @Test
  void aMediumMlpNeedsBetweenHalfAndTwiceItsEstimate() throws Exception {
    Path problemFile = dir.resolve("mlp.json");
    Files.writeString(problemFile, MlpProblem.json(120, 10, 7));
    assertNeedsBetweenHalfAndTwiceTheEstimate(problemFile, 50L << 20);
  }

  /**
   * A Gram stored packed in float32 and assembled from chunk pairs (600 samples, 10 classes: 6000
   * rows, 72 MB of triangle; chunks of 100 samples), solved by Lanczos: dominated by the packed
   * Gram, the cross terms and a chunk pair's Gram.
   */
  @Test
  void aPackedFloat32GramFromChunkPairsNeedsBetweenHalfAndTwiceItsEstimate() throws Exception {
    Path problemFile = dir.resolve("packed.json");
    Files.writeString(problemFile, MlpProblem.json(600, 10, 11, "lanczos"));
    Problem problem = ProblemReader.read(problemFile);
    long estimate =
        problem
            .computation()
            .withGramStorage(GramLayout.Storage.PACKED)
            .withFactorChunk(100)
            .memoryEstimate(problem.network(), problem.batch().n(), problem.groups(), true, true)
            .peakBytes();
    assertNeedsBetweenHalfAndTwiceTheEstimate(
        problemFile,
        estimate,
        100L << 20,
        "--gram-storage",
        "packed",
        "--dtype",
        "float32",
        "--factor-chunk",
        "100");
  }

  /**
   * fmnist_2c2d (3.27 M parameters) on 26 samples: dominated by the Conv2d factors and the {@code
   * V·w} blocks of the first convolution rather than the Gram (its directional derivatives read the
   * eigenvectors' signs only, so no parameter-space directions are stored).
   */
  @Test
  void fmnist2c2dNeedsBetweenHalfAndTwiceItsEstimate() throws Exception {
    Path problemFile = dir.resolve("fmnist.json");
    java.io.StringWriter sink = new java.io.StringWriter();
    var cl = org.vivit4j.cli.Main.commandLine();
    cl.setOut(new java.io.PrintWriter(sink, true));
    cl.setErr(new java.io.PrintWriter(sink, true));
    int code =
        cl.execute(
            "make-problem",
            "fmnist_2c2d",
            "--n",
            "26",
            "--random-data",
            "--out",
            problemFile.toString());
    assertEquals(0, code, sink.toString());
    assertNeedsBetweenHalfAndTwiceTheEstimate(problemFile, 400L << 20);
    fitsAnOldGenerationOfItsEstimate(problemFile);
  }

  /**
   * Under the serial collector, which compacts every array, a run plans for its estimate in the old
   * generation ({@link PlanningHeap}), so it must finish in an old generation of its estimate plus
   * {@link #SERIAL_SLACK_BYTES}. Measured for this fmnist_2c2d case (estimate 377 MiB): finished
   * with an old generation of 340 MiB, out of heap at 310 MiB; a large term missing from the
   * estimate would make it run out.
   */
  private void fitsAnOldGenerationOfItsEstimate(Path problemFile) throws Exception {
    long estimate = plainPassEstimate(problemFile);
    long young = 16L << 20;
    Child fits =
        solve(
            problemFile,
            estimate + SERIAL_SLACK_BYTES + young,
            List.of("-XX:+UseSerialGC", "-Xmn" + (young >> 20) + "m"),
            "--factor-memory",
            String.valueOf(PLAIN_PASS_BUDGET));
    assertEquals(
        0,
        fits.exitCode(),
        "the run must finish in an old generation of its estimate ("
            + (estimate >> 20)
            + " MiB) and "
            + (SERIAL_SLACK_BYTES >> 20)
            + " MiB: "
            + fits.output());
  }

  /**
   * What the estimate leaves out (the problem text, headers, small buffers), for the serial case.
   */
  static final long SERIAL_SLACK_BYTES = 16L << 20;

  /**
   * fmnist_2c2d on 64 samples in float32 on the CPU backend, whose matrices are {@code float[]}:
   * the factor terms count 4 bytes a value, the host arrays 8. The run needs between half and twice
   * this estimate, and finishes in {@link #FLOAT32_CASE_HEADROOM} times it, which is less than the
   * 8-byte count (the float64 estimate, the same run's estimate before float32 storage was
   * counted): the 8-byte count overstates the need by more than the run's slack, and counting the
   * host arrays at 4 bytes too (an underestimate) would not finish.
   *
   * <p>The child runs the plain pass whatever its heap ({@code --factor-memory} {@link
   * #PLAIN_PASS_BUDGET}): by default a run sizes its factor chunks to its heap limit, so in a small
   * heap it would run a chunked pass that the estimate (made here, for the plain pass) does not
   * describe. An earlier version of this case ran the default plan in half the 8-byte count (290
   * MiB) and ran out of heap in 2 of 5 runs: there the run chunked its pass to fit, and its peak,
   * before the factor pass (G1's log: up to 264 MiB in use), was within a few regions of the limit,
   * so whether it fit depended on where G1 had placed the humongous arrays.
   */
  @Test
  void fmnist2c2dInFloat32NeedsBetweenHalfAndTwiceItsFloat32Estimate() throws Exception {
    Path problemFile = dir.resolve("fmnist32.json");
    makeFmnist(problemFile, 64, "--outputs", "eigenvalues");
    Problem problem = ProblemReader.read(problemFile);
    var c = problem.computation().withFactorMemory(PLAIN_PASS_BUDGET);
    MemoryEstimate float32 =
        c.memoryEstimate(problem.network(), problem.batch().n(), problem.groups(), true, true);
    long eightBytes =
        c.memoryEstimate(problem.network(), problem.batch().n(), problem.groups(), true, false)
            .peakBytes();
    long estimate = float32.peakBytes();
    String[] flags = {"--dtype", "float32", "--factor-memory", String.valueOf(PLAIN_PASS_BUDGET)};
    assertNeedsBetweenHalfAndTwiceTheEstimate(problemFile, estimate, 200L << 20, flags);
    long withSlack = (long) (FLOAT32_CASE_HEADROOM * estimate);
    assertTrue(
        withSlack < eightBytes,
        "the case must tell the counts apart: "
            + FLOAT32_CASE_HEADROOM
            + " × "
            + estimate
            + " vs "
            + eightBytes);
    Child fits = solve(problemFile, withSlack, flags);
    assertEquals(
        0,
        fits.exitCode(),
        "the run must finish in "
            + FLOAT32_CASE_HEADROOM
            + " times its float32 estimate ("
            + (withSlack >> 20)
            + " MiB, below the 8-byte count "
            + (eightBytes >> 20)
            + " MiB): "
            + fits.output());
  }

  /**
   * The float32 estimate counts the backend's matrices (the factor terms of the backward pass) at 4
   * bytes and the host arrays (activations, parameters, Gram, eigensolver) at 8; the float64 one
   * counts both at 8, so its factor terms are exactly twice the float32 ones and the rest equal.
   */
  @Test
  void float32HalvesTheFactorTermsAndKeepsTheHostTerms() throws Exception {
    Path problemFile = dir.resolve("fmnist-eig.json");
    makeFmnist(problemFile, 24, "--outputs", "eigenvalues");
    Problem problem = ProblemReader.read(problemFile);
    var c = problem.computation();
    List<MemoryEstimate.Part> f64 =
        c.memoryEstimate(problem.network(), problem.batch().n(), problem.groups(), true, false)
            .parts();
    List<MemoryEstimate.Part> f32 =
        c.memoryEstimate(problem.network(), problem.batch().n(), problem.groups(), true, true)
            .parts();
    assertEquals(f64.size(), f32.size());
    int factorTerms = 0;
    for (int i = 0; i < f64.size(); i++) {
      String what = f64.get(i).what();
      assertEquals(what, f32.get(i).what());
      boolean factor =
          what.startsWith("GGN factor")
              || what.startsWith("its input factor")
              || what.startsWith("input Grams");
      factorTerms += factor ? 1 : 0;
      assertEquals(factor ? 2 * f32.get(i).bytes() : f32.get(i).bytes(), f64.get(i).bytes(), what);
      assertTrue(f64.get(i).bytes() % MemoryEstimate.VALUE_BYTES == 0, what);
    }
    assertEquals(3, factorTerms, f64.toString());
  }

  /**
   * The peak's terms (the resident ones and the largest phase's) add up to the peak, on a conv net
   * and an MLP, plain and in chunks.
   */
  @Test
  void thePeaksTermsAddUpToThePeak() throws Exception {
    Path fmnist = dir.resolve("fmnist-terms.json");
    makeFmnist(fmnist, 24);
    Path mlp = dir.resolve("mlp-terms.json");
    Files.writeString(mlp, MlpProblem.json(300, 10, 5));
    for (Path f : List.of(fmnist, mlp)) {
      Problem problem = ProblemReader.read(f);
      for (var c : List.of(problem.computation(), problem.computation().withFactorChunk(4))) {
        MemoryEstimate e =
            c.memoryEstimate(problem.network(), problem.batch().n(), problem.groups(), true, true);
        long sum = e.peakParts().stream().mapToLong(MemoryEstimate.Part::bytes).sum();
        assertEquals(e.peakBytes(), sum, f + " " + e.peakParts());
        assertTrue(e.peakParts().size() < e.parts().size(), e.parts().toString());
      }
    }
  }

  private static void makeFmnist(Path problemFile, int n, String... flags) {
    java.io.StringWriter sink = new java.io.StringWriter();
    var cl = org.vivit4j.cli.Main.commandLine();
    cl.setOut(new java.io.PrintWriter(sink, true));
    cl.setErr(new java.io.PrintWriter(sink, true));
    List<String> args =
        new ArrayList<>(
            List.of(
                "make-problem",
                "fmnist_2c2d",
                "--n",
                String.valueOf(n),
                "--random-data",
                "--out",
                problemFile.toString()));
    args.addAll(List.of(flags));
    int code = cl.execute(args.toArray(String[]::new));
    assertEquals(0, code, sink.toString());
  }

  /**
   * Runs the problem in a child JVM with twice its estimate (plus the JVM's baseline): it must
   * finish; and with half of it: it must run out of heap. The plain pass is pinned ({@link
   * #PLAIN_PASS_BUDGET}) in the estimate and the child alike, so that the child runs the plan
   * estimated whatever its heap limit.
   */
  private void assertNeedsBetweenHalfAndTwiceTheEstimate(Path problemFile, long atLeast)
      throws Exception {
    long estimate = plainPassEstimate(problemFile);
    assertNeedsBetweenHalfAndTwiceTheEstimate(
        problemFile, estimate, atLeast, "--factor-memory", String.valueOf(PLAIN_PASS_BUDGET));
  }

  /** The estimate of the problem's run with the plain pass pinned ({@link #PLAIN_PASS_BUDGET}). */
  private static long plainPassEstimate(Path problemFile) throws Exception {
    Problem problem = ProblemReader.read(problemFile);
    return problem
        .computation()
        .withFactorMemory(PLAIN_PASS_BUDGET)
        .memoryEstimate(problem.network(), problem.batch().n(), problem.groups(), true)
        .peakBytes();
  }

  /** As above, for a run with {@code flags} whose estimate is {@code estimate}. */
  private void assertNeedsBetweenHalfAndTwiceTheEstimate(
      Path problemFile, long estimate, long atLeast, String... flags) throws Exception {
    assertTrue(estimate > atLeast, "the case must be dominated by its large arrays: " + estimate);
    long large = (long) (HEAP_FACTOR * estimate) + BASELINE_BYTES;
    Child fits = solve(problemFile, large, flags);
    assertEquals(0, fits.exitCode(), "the run must fit twice its estimate: " + fits.output());
    // no baseline here: the JVM's own heap is part of what the run needs
    long small = (long) (estimate / HEAP_FACTOR);
    Child short_ = solve(problemFile, small, flags);
    // the exit code in the message: a flake of this assertion once showed no output at all
    assertEquals(
        2,
        short_.exitCode(),
        "half the estimate must be too small (exit " + short_.exitCode() + "): " + short_.output());
    assertTrue(short_.output().contains("error: memory: the Java heap ran out"), short_.output());
  }

  record Child(int exitCode, String output) {}

  /** {@code solve} in a child JVM with {@code heapBytes} of heap and the up-front check off. */
  private Child solve(Path problemFile, long heapBytes, String... flags) throws Exception {
    return solve(problemFile, heapBytes, List.of(), flags);
  }

  /** As above, the child JVM started with {@code jvmFlags} too (e.g. its collector). */
  private Child solve(Path problemFile, long heapBytes, List<String> jvmFlags, String... flags)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + (heapBytes >> 20) + "m");
    cmd.addAll(jvmFlags);
    cmd.add("-D" + MemoryEstimate.CHECK_PROPERTY + "=off");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.vivit4j.cli.Main");
    cmd.add("solve");
    cmd.add("--problem");
    cmd.add(problemFile.toString());
    cmd.add("--out");
    cmd.add(dir.resolve("result.json").toString());
    cmd.addAll(List.of(flags));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "child JVM timed out");
    return new Child(p.exitValue(), out);
  }

  /** A 4-8-C MLP problem text with a dense eigensolve of its {@code C·N} Gram. */
  static final class MlpProblem {
    static String json(int n, int classes, long seed) throws IOException {
      return json(n, classes, seed, "dense");
    }

    static String json(int n, int classes, long seed, String eigensolver) throws IOException {
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
      s.append("],\"computation\":{\"eigensolver\":\"" + eigensolver + "\"},");
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
