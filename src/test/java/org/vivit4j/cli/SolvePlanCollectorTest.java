package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan of a run whose conv factors dominate (cifar100_allcnnc, N = 12, float64) in an 1800 MiB
 * heap, under G1 and under the serial collector. Under G1 such a run once chose chunks of 4 for 80
 * % of that heap and ran out of it 44 s in (G1 does not move its 0.6 GB factors); now G1's plan
 * counts the factor pass 1.6 times and takes smaller chunks, while the serial collector, which
 * compacts them, keeps chunks of 4 (that run finished there in 75 s).
 */
class SolvePlanCollectorTest {
  @TempDir Path dir;

  @Test
  void g1PlansSmallerChunksThanTheSerialCollectorForTheSameHeap() throws Exception {
    Path problem = dir.resolve("c12.json");
    java.io.StringWriter sink = new java.io.StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new java.io.PrintWriter(sink, true));
    cl.setErr(new java.io.PrintWriter(sink, true));
    int code =
        cl.execute("make-problem", "cifar100_allcnnc", "--n", "12", "--out", problem.toString());
    assertEquals(0, code, sink.toString());

    String g1 = plan(problem, "-XX:+UseG1GC");
    String serial = plan(problem, "-XX:+UseSerialGC", "-XX:NewRatio=31");
    int g1Chunk = chunk(g1);
    int serialChunk = chunk(serial);
    assertEquals(4, serialChunk, serial);
    assertTrue(g1Chunk >= 1 && g1Chunk < serialChunk, g1);
    assertTrue(g1.contains("as G1 needs it: its largest phase counted 1.6 times"), g1);
    assertTrue(g1.contains("G1 does not move large arrays"), g1);
    assertTrue(serial.contains("(the serial collector's old generation)"), serial);
    assertTrue(g1.contains("within the heap a run plans for"), g1);
    assertTrue(serial.contains("within the heap a run plans for"), serial);
    // a factor-memory budget the user gives is taken as the estimate counts, under any collector
    String g1Budget = plan(problem, "-XX:+UseG1GC", "--factor-memory", "700m");
    String serialBudget = plan(problem, "-XX:+UseSerialGC", "--factor-memory", "700m");
    assertEquals(chunk(serialBudget), chunk(g1Budget), g1Budget);
  }

  private static int chunk(String plan) {
    Matcher m = Pattern.compile("factor pass in \\d+ chunks of (\\d+) GGN samples").matcher(plan);
    assertTrue(m.find(), plan);
    return Integer.parseInt(m.group(1));
  }

  /**
   * {@code solve --plan} in a child JVM with an 1800 MiB heap, its {@code -XX:} flags from {@code
   * jvmThenSolveFlags} and the rest given to {@code solve}.
   */
  private static String plan(Path problem, String... jvmThenSolveFlags) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1800m");
    List<String> solve = new ArrayList<>();
    for (String f : jvmThenSolveFlags) {
      (f.startsWith("-XX:") ? cmd : solve).add(f);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of("solve", "--problem", problem.toString(), "--plan"));
    cmd.addAll(solve);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child timed out");
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
