package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code solve --plan}: the plan names the Gram and the chunks the run then uses, computes and
 * writes nothing, and exits 2 with the heap to use when the run would not fit.
 */
class SolvePlanTest {
  @TempDir Path dir;

  private Path fmnist(int n) {
    String p = dir.resolve("fmnist" + n + ".json").toString();
    CliRun made =
        CliRun.of("make-problem", "fmnist_2c2d", "--n", "" + n, "--random-data", "--out", p);
    assertEquals(0, made.exitCode(), made.err());
    return Path.of(p);
  }

  /** The Gram the run solved: the rank-reduced factor's when its note says so, else the whole. */
  private static int gramOfRun(String out) {
    Matcher reduced = Pattern.compile("columns: Gram (\\d+) × \\d+ for a spectrum").matcher(out);
    if (reduced.find()) {
      return Integer.parseInt(reduced.group(1));
    }
    Matcher m = Pattern.compile("Gram (\\d+), selected").matcher(out);
    assertTrue(m.find(), out);
    return Integer.parseInt(m.group(1));
  }

  private static int gramOfPlan(String out) {
    Matcher m = Pattern.compile("Gram: (\\d+) × (\\d+) per group").matcher(out);
    assertTrue(m.find(), out);
    assertEquals(m.group(1), m.group(2));
    return Integer.parseInt(m.group(1));
  }

  @Test
  void thePlanDescribesTheRunThatFollowsAndWritesNothing() throws Exception {
    Path problem = fmnist(24);
    Path out = dir.resolve("out.json");
    String md5 = java.util.Arrays.toString(Files.readAllBytes(problem));
    for (String[] flags :
        new String[][] {
          {"--dtype", "float32"}, {"--dtype", "float64", "--factor-chunk", "5"},
        }) {
      String[] planArgs = concat(new String[] {"solve", "--problem", problem.toString()}, flags);
      CliRun plan = CliRun.of(concat(planArgs, new String[] {"--plan"}));
      assertEquals(0, plan.exitCode(), plan.err());
      String text = plan.out();
      assertTrue(text.contains("plan for N = 24 on "), text);
      assertTrue(text.contains("nothing computed, nothing written"), text);
      assertTrue(text.contains("within the heap a run plans for"), text);
      // the heap line says what this JVM's collector lets a run plan for
      assertTrue(
          text.contains("heap: " + org.vivit4j.core.PlanningHeap.ofThisJvm().describe()), text);
      assertTrue(text.contains("largest batch this heap admits"), text);
      assertFalse(Files.exists(out), "the plan writes no file");

      CliRun run = CliRun.of(concat(planArgs, new String[] {"--out", out.toString()}));
      assertEquals(0, run.exitCode(), run.err());
      assertEquals(gramOfRun(run.out()), gramOfPlan(text), text + "\n" + run.out());
      if (flags.length > 2) {
        // the chunks the plan names are the chunks the run notes
        String chunks = "factor pass in 5 chunks of 5 GGN samples";
        assertTrue(text.contains(chunks), text);
        assertTrue(run.out().contains(chunks), run.out());
      } else {
        assertTrue(text.contains("factor pass: one pass over all 24 GGN samples"), text);
      }
      Files.delete(out);
    }
    assertEquals(md5, java.util.Arrays.toString(Files.readAllBytes(problem)));
  }

  /**
   * On OpenCL the plan also names the device memory the run would hold and of what, the run's notes
   * say the same estimate and {@code --verbose} the peak it held; the CPU backend's plan has no
   * device line.
   */
  @Test
  void onOpenClThePlanNamesTheDeviceMemoryTheRunHolds() throws Exception {
    Path problem = fmnist(6);
    CliRun plan =
        CliRun.of("solve", "--problem", problem.toString(), "--backend", "opencl", "--plan");
    assertEquals(0, plan.exitCode(), plan.err());
    Matcher m =
        Pattern.compile("estimated peak device memory: ([0-9.]+ MiB), within the ")
            .matcher(plan.out());
    assertTrue(m.find(), plan.out());
    Path out = dir.resolve("ocl.json");
    CliRun run =
        CliRun.of(
            "solve",
            "--problem",
            problem.toString(),
            "--backend",
            "opencl",
            "--verbose",
            "--out",
            "" + out);
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("device memory: about " + m.group(1) + " estimated"), run.out());
    // --verbose: the peak the backend measured, beside the limit it had
    assertTrue(run.out().contains("device buffers: peak "), run.out());
    assertTrue(
        run.out().contains("V_W formed whole for the Gram is kept for it (in device memory)"));
    CliRun cpu = CliRun.of("solve", "--problem", problem.toString(), "--plan");
    assertEquals(0, cpu.exitCode(), cpu.err());
    assertFalse(cpu.out().contains("device memory"), cpu.out());
    // on the CPU backend the kept V_W is heap, and its note says how much (it once said "in
    // device memory" whenever V_W cost less than the host factors it replaces)
    // in float32, where V_W's 4-byte entries cost less than the 8-byte host factors
    CliRun cpuRun =
        CliRun.of(
            "solve",
            "--problem",
            problem.toString(),
            "--dtype",
            "float32",
            "--out",
            "" + dir.resolve("c.json"));
    assertEquals(0, cpuRun.exitCode(), cpuRun.err());
    assertTrue(
        Pattern.compile("V_W formed whole for the Gram is kept for it \\([0-9.]+ MiB of heap\\)")
            .matcher(cpuRun.out())
            .find(),
        cpuRun.out());
    assertFalse(cpuRun.out().contains("device memory"), cpuRun.out());
  }

  /**
   * A run beyond the heap (N = 20 000, a Gram of 40 000 rows or more): the plan still prints, names
   * the -Xmx the run needs and exits 2; the largest batch it admits is smaller than the problem's.
   */
  @Test
  void aRunBeyondTheHeapExitsTwoWithTheHeapItNeeds() throws Exception {
    Path problem = dir.resolve("big.json");
    Files.writeString(problem, bigMlp(20_000).toString());
    CliRun plan =
        CliRun.of("solve", "--problem", problem.toString(), "--eigensolver", "auto", "--plan");
    assertEquals(2, plan.exitCode(), plan.out() + plan.err());
    // 2 or 3 columns a sample: the rank-reduced cross-entropy factor or the whole one
    assertTrue(gramOfPlan(plan.out()) >= 40_000, plan.out());
    assertTrue(plan.out().contains("above the heap a run plans for"), plan.out());
    assertTrue(plan.out().contains("factor pass: no chunk size fits"), plan.out());
    assertTrue(plan.out().contains("run with -Xmx"), plan.out());
    Matcher m = Pattern.compile("admits .*: N = (\\d+)").matcher(plan.out());
    assertTrue(m.find(), plan.out());
    int largest = Integer.parseInt(m.group(1));
    assertTrue(largest > 0 && largest < 20_000, plan.out());
  }

  @Test
  void withoutPlanTheOutputFileIsRequiredAndStillChecked() throws Exception {
    Path problem = fmnist(2);
    CliRun noOut = CliRun.of("solve", "--problem", problem.toString());
    assertEquals(2, noOut.exitCode());
    assertTrue(noOut.err().startsWith("error: --out: is required"), noOut.err());
    // with --plan an --out is checked as for a run, though nothing is written to it
    CliRun onto =
        CliRun.of("solve", "--problem", problem.toString(), "--out", problem.toString(), "--plan");
    assertEquals(2, onto.exitCode(), onto.out());
    assertTrue(onto.err().startsWith("error: --out: "), onto.err());
  }

  /** Linear(4→5) – tanh – Linear(5→3), cross-entropy (mean), top-3, on {@code n} samples. */
  private static ObjectNode bigMlp(int n) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("name", "big");
    root.put("N", n);
    root.putArray("input_shape").add(4);
    root.putObject("loss").put("type", "cross_entropy").put("reduction", "mean");
    ArrayNode model = root.putArray("model");
    model.add(linear(json, 4, 5));
    model.addObject().put("type", "tanh");
    model.add(linear(json, 5, 3));
    ArrayNode x = root.putArray("X");
    ArrayNode y = root.putArray("y");
    for (int s = 0; s < n; s++) {
      ArrayNode row = x.addArray();
      for (int i = 0; i < 4; i++) {
        row.add(Math.cos(1.0 + 4 * s + i));
      }
      y.add(s % 3);
    }
    root.putObject("computation");
    ObjectNode g = root.putArray("param_groups").addObject();
    g.putArray("params").add(0).add(1).add(2).add(3);
    g.putObject("criterion").put("type", "top_k").put("k", 3);
    return root;
  }

  private static ObjectNode linear(ObjectMapper json, int in, int out) {
    ObjectNode l = json.createObjectNode().put("type", "linear").put("in", in).put("out", out);
    ArrayNode w = l.putArray("weight");
    for (int o = 0; o < out; o++) {
      ArrayNode row = w.addArray();
      for (int i = 0; i < in; i++) {
        row.add(0.3 * Math.sin(1.0 + o * in + i));
      }
    }
    ArrayNode b = l.putArray("bias");
    for (int o = 0; o < out; o++) {
      b.add(0.1 * o);
    }
    return l;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
