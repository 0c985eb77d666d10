package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sizes, overflow and memory through {@code tornado-run solve} (issue 11): integer overflow of
 * array sizes, a run too large for the heap, overflow to infinity and the Conv2d Gram budget each
 * end as one line naming the field, exit 2 and no output file.
 */
class SolveCommandLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** A 4-8-C MLP (linear, relu, linear) on N random samples; cross-entropy or MSE. */
  static ObjectNode mlp(int n, int classes, boolean crossEntropy, long seed) {
    Random r = new Random(seed);
    ObjectNode p = JSON.createObjectNode();
    p.put("schema_version", 1).put("name", "mlp").put("N", n);
    p.putArray("input_shape").add(4);
    p.putObject("loss")
        .put("type", crossEntropy ? "cross_entropy" : "mse")
        .put("reduction", "mean");
    ArrayNode model = p.putArray("model");
    model.add(linear(4, 8, r));
    model.addObject().put("type", "relu");
    model.add(linear(8, classes, r));
    ArrayNode x = p.putArray("X");
    ArrayNode y = p.putArray("y");
    for (int i = 0; i < n; i++) {
      ArrayNode row = x.addArray();
      for (int d = 0; d < 4; d++) {
        row.add(r.nextGaussian());
      }
      if (crossEntropy) {
        y.add(r.nextInt(classes));
      } else {
        ArrayNode t = y.addArray();
        for (int c = 0; c < classes; c++) {
          t.add(r.nextDouble());
        }
      }
    }
    ObjectNode group = p.putArray("param_groups").addObject();
    group.putArray("params").add(0).add(1).add(2).add(3);
    group.putObject("criterion").put("type", "top_k").put("k", 1);
    return p;
  }

  private static ObjectNode linear(int in, int out, Random r) {
    ObjectNode l = JSON.createObjectNode().put("type", "linear").put("in", in).put("out", out);
    ArrayNode w = l.putArray("weight");
    for (int o = 0; o < out; o++) {
      ArrayNode row = w.addArray();
      for (int i = 0; i < in; i++) {
        row.add(0.3 * r.nextGaussian());
      }
    }
    ArrayNode b = l.putArray("bias");
    for (int o = 0; o < out; o++) {
      b.add(0.0);
    }
    return l;
  }

  private static ObjectNode conv() throws IOException {
    ObjectNode p =
        (ObjectNode)
            JSON.readTree(
                Path.of("src/test/resources/golden/conv2d_relu_flatten_linear_ce_mean_top5.json")
                    .toFile());
    p.remove("num_params");
    return p;
  }

  /** Runs solve on {@code problem}, asserts the error contract and returns the one line. */
  private String assertRejected(JsonNode problem, String field, String phrase, String... flags)
      throws IOException {
    Path file = dir.resolve("problem.json");
    Files.writeString(file, JSON.writeValueAsString(problem));
    Path out = dir.resolve("result.json");
    String[] args =
        Stream.concat(
                Stream.of("solve", "--problem", file.toString(), "--out", out.toString()),
                Stream.of(flags))
            .toArray(String[]::new);
    CliRun run = CliRun.of(args);
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, "one line expected, got: " + run.err());
    assertTrue(lines[0].startsWith("error: " + field + ":"), lines[0]);
    assertTrue(lines[0].contains(phrase), lines[0]);
    assertFalse(Files.exists(out), "no result file may be written");
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "only the problem file may exist: no temporary file left");
    }
    return lines[0];
  }

  @ParameterizedTest
  @ValueSource(ints = {20000, 100_000_000, 1431655766})
  void monteCarloSamplesWhoseGramDoesNotFitAnArray(int samples) throws IOException {
    ObjectNode p = mlp(4, 10, true, 1);
    p.putObject("computation").put("mc_samples_ggn", samples);
    String line =
        assertRejected(
            p,
            "computation.mc_samples_ggn",
            "more than a Java array holds",
            "--gram-storage",
            "dense");
    assertTrue(line.contains("M·N_ggn = " + samples + "·4"), line);
  }

  /**
   * Past one array the Gram is packed (--gram-storage auto): the problem file's dense eigensolver
   * is refused up front naming computation.eigensolver, and with Lanczos the heap check names the
   * packed Gram; rows beyond an array stay refused naming the field.
   */
  @Test
  void aGramPastOneArrayIsPackedAndNeedsLanczosAndTheHeap() throws IOException {
    String dense = assertRejected(mlp(5000, 10, true, 2), "computation.eigensolver", "one array");
    assertTrue(dense.contains("C·N_ggn = 10·5000 = 50000 rows"), dense);
    // with Lanczos the run uses the rank-reduced factor (9 columns per sample): 5200·9 = 46800
    // rows do not fit one array either
    String heap =
        assertRejected(mlp(5200, 10, true, 2), "memory", "needs about", "--eigensolver", "auto");
    assertTrue(heap.contains("Gram matrix (packed)"), heap);
    ObjectNode p = mlp(4, 10, true, 1);
    p.putObject("computation").put("mc_samples_ggn", 1431655766);
    assertRejected(p, "computation.mc_samples_ggn", "more than a Java array holds");
  }

  @Test
  void batchTimesClassesWhoseGramDoesNotFitAnArray() throws IOException {
    // G = C·N = 50000: G² = 2.5e9 entries wrapped to a negative array size before
    String line =
        assertRejected(
            mlp(5000, 10, true, 2), "N", "more than a Java array holds", "--gram-storage", "dense");
    assertTrue(line.contains("C·N_ggn = 10·5000 = 50000"), line);
  }

  @Test
  void convPaddingTooLargeIsBlamedOnThatLayer() throws IOException {
    ObjectNode p = conv();
    ((ObjectNode) p.get("model").get(0)).putArray("padding").add(100000).add(100000);
    assertRejected(p, "model[0].padding", "[3, 200004, 200004]");
  }

  @Test
  void convOutputOf65536By65537IsRefusedByTheLayer() throws IOException {
    ObjectNode p = conv();
    ObjectNode c = (ObjectNode) p.get("model").get(0);
    c.putArray("kernel_size").add(1).add(2);
    c.putArray("padding").add(32765).add(32766);
    ArrayNode w = c.putArray("weight");
    for (int o = 0; o < 3; o++) {
      ArrayNode perIn = w.addArray();
      for (int i = 0; i < 2; i++) {
        perIn.addArray().addArray().add(0.1).add(-0.1);
      }
    }
    assertRejected(p, "model[0].padding", "[3, 65536, 65537]");
  }

  @Test
  void poolWindowWhoseSpanOverflowsAnIntIsRefusedByItsKernel() throws IOException {
    // dilation·(kernel − 1) + 1 = 65536·65536 + 1 wrapped to 1 in int arithmetic before
    ObjectNode p = conv();
    ObjectNode pool = ((ArrayNode) p.get("model")).insertObject(2);
    pool.put("type", "maxpool2d");
    pool.putArray("kernel_size").add(65537).add(65537);
    pool.putArray("stride").add(1).add(1);
    pool.putArray("padding").add(32768).add(32768);
    pool.putArray("dilation").add(65536).add(65536);
    assertRejected(p, "model[2].kernel_size", "does not fit the padded input");
  }

  @Test
  void subsampledGgnWhoseGramDoesNotFitIsBlamedOnTheSubsampling() throws IOException {
    ObjectNode p = mlp(5000, 10, true, 7);
    ArrayNode rows = p.putObject("computation").putArray("subsampling_ggn");
    for (int i = 0; i < 4700; i++) {
      rows.add(i);
    }
    String line =
        assertRejected(
            p,
            "computation.subsampling_ggn",
            "more than a Java array holds",
            "--gram-storage",
            "dense");
    assertTrue(line.contains("has 4700 samples"), line);
  }

  @Test
  void runLargerThanTheHeapIsRefusedUpFront() throws IOException {
    // the case is N = 3000 with 10 classes in the default heap; the test sizes the Gram
    // G = 10·N (up to 40000, within the array limit) and the number of groups (one Gram each) so
    // that the Grams alone exceed this JVM's heap limit
    long heap = Runtime.getRuntime().maxMemory();
    int g = (int) Math.min(40000, Math.ceil(Math.sqrt(1.2 * heap / 8.0) / 10) * 10);
    int groups = (int) Math.ceil(1.2 * heap / (8.0 * g * g));
    assertTrue(groups <= 4, "the 4-tensor MLP has at most 4 groups; heap " + heap);
    ObjectNode p = mlp(g / 10, 10, true, 3);
    ArrayNode list = p.putArray("param_groups");
    for (int j = 0; j < groups; j++) {
      ObjectNode group = list.addObject();
      ArrayNode params = group.putArray("params");
      for (int t = j; t < 4; t += groups) {
        params.add(t);
      }
      group.putObject("criterion").put("type", "top_k").put("k", 1);
    }
    String line = assertRejected(p, "memory", "but the heap limit is");
    assertTrue(line.matches(".*this run needs about [0-9.]+ GiB.*-Xmx[0-9]+g.*"), line);
    assertTrue(line.contains("JDK_JAVA_OPTIONS=-Xmx"), line);
  }

  /** The Gram check lives in the shared computation: both backends that run float32. */
  @ParameterizedTest
  @ValueSource(strings = {"cpu", "opencl"})
  void float32OverflowInTheGramIsNamedWithTheDtype(String backend) throws IOException {
    ObjectNode p = mlp(4, 3, false, 4);
    ArrayNode w = (ArrayNode) p.get("model").get(0).get("weight");
    for (JsonNode row : w) {
      for (int i = 0; i < row.size(); i++) {
        ((ArrayNode) row).set(i, JSON.getNodeFactory().numberNode(((i % 2) * 2 - 1) * 1e30));
      }
    }
    String line =
        assertRejected(
            p,
            "param_groups[0]",
            "numerical overflow in float32",
            "--dtype",
            "float32",
            "--backend",
            backend);
    assertTrue(line.contains("--dtype float64"), line);
    assertFalse(line.contains("criterion"), line);
  }

  @Test
  void float64OverflowIsNamedAtTheLayerWhoseOutputOverflowed() throws IOException {
    ObjectNode p = mlp(4, 3, false, 5);
    for (int layer : new int[] {0, 2}) {
      for (JsonNode row : p.get("model").get(layer).get("weight")) {
        for (int i = 0; i < row.size(); i++) {
          ((ArrayNode) row).set(i, JSON.getNodeFactory().numberNode(1e200));
        }
      }
    }
    // |X| ≈ 1 and 4 inputs: layer 0 gives ~1e200 (finite), layer 2 ~ 8·1e200·1e200 = ∞
    ArrayNode x = (ArrayNode) p.get("X");
    for (JsonNode row : x) {
      for (int i = 0; i < row.size(); i++) {
        ((ArrayNode) row).set(i, JSON.getNodeFactory().numberNode(1.0));
      }
    }
    String line = assertRejected(p, "model[2]", "numerical overflow in float64");
    assertTrue(line.contains("Infinity"), line);
  }

  @Test
  void convGramMemoryBelowOneSampleBlockIsRefusedWithTheSmallestValue() throws IOException {
    String line =
        assertRejected(conv(), "--conv-gram-memory", "or more", "--conv-gram-memory", "1");
    var m = java.util.regex.Pattern.compile("use --conv-gram-memory (\\d+) or more").matcher(line);
    assertTrue(m.find(), line);
    long smallest = Long.parseLong(m.group(1));
    // the smallest value is honoured: the run fits it, and the conv notes report at most that many
    Path file = dir.resolve("problem.json");
    Path out = dir.resolve("result.json");
    CliRun ok =
        CliRun.of(
            "solve",
            "--problem",
            file.toString(),
            "--out",
            out.toString(),
            "--conv-gram-memory",
            Long.toString(smallest));
    assertEquals(0, ok.exitCode(), ok.err());
    var held = java.util.regex.Pattern.compile("(\\d+) entries held").matcher(ok.out());
    int notes = 0;
    while (held.find()) {
      notes++;
      assertTrue(Long.parseLong(held.group(1)) <= smallest, ok.out());
    }
    assertTrue(notes > 0, "no conv note: " + ok.out());
    CliRun below =
        CliRun.of(
            "solve",
            "--problem",
            file.toString(),
            "--out",
            dir.resolve("r2.json").toString(),
            "--conv-gram-memory",
            Long.toString(smallest - 1));
    assertEquals(Main.EXIT_BAD_INPUT, below.exitCode(), below.err());
  }

  @Test
  void snrOfAVarianceZeroUpToRoundOffAgreesBetweenDtypes() throws IOException {
    // identical inputs: every λ_nk (the curvature of sample n along e_k, which does not depend on
    // the label) agrees across n in exact arithmetic; float64 got s² = 0 (SNR +∞, written null)
    // and float32 a round-off variance (SNR ~1e31) before the rule
    ObjectNode p = mlp(16, 3, true, 6);
    ArrayNode x = (ArrayNode) p.get("X");
    for (int i = 1; i < x.size(); i++) {
      x.set(i, x.get(0).deepCopy());
    }
    ((ObjectNode) p.get("param_groups").get(0).get("criterion")).put("k", 2);
    p.putObject("computation").put("eigensolver", "dense");
    Path file = dir.resolve("problem.json");
    Files.writeString(file, JSON.writeValueAsString(p));
    JsonNode[] snr = new JsonNode[2];
    String[] dtypes = {"float32", "float64"};
    for (int d = 0; d < 2; d++) {
      Path out = dir.resolve(dtypes[d] + ".json");
      CliRun run =
          CliRun.of(
              "solve", "--problem", file.toString(), "--out", out.toString(), "--dtype", dtypes[d]);
      assertEquals(0, run.exitCode(), run.err());
      snr[d] = JSON.readTree(out.toFile()).get("groups").get(0).get("lambda_snr");
    }
    assertEquals(snr[1], snr[0], "float32 and float64 must agree on the λ SNR");
    assertTrue(snr[0].get(0).isNull(), "+∞ is written as null: " + snr[0]);
  }
}
