package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.BatchQuantities;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.RunInfo;
import org.vivit4j.model.InvalidInputException;

/** Result files: exact round trip, the documented layout, and atomic writes. */
class ResultWriterTest {
  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final List<String> ARGS = List.of("run", "--backend", "cpu", "in put.json");

  @TempDir Path dir;

  /** Values chosen to catch any lossy formatting. */
  private static final double[] TRICKY = {
    1.0 / 3.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-300, 0.1 + 0.2, -2.5e-17, 1e22
  };

  private static ComputationResult sample(double poison) {
    ParamGroup g0 = new ParamGroup("first", new int[] {0, 1}, Criterion.topK(2));
    ParamGroup g1 = new ParamGroup("second", new int[] {3}, Criterion.threshold(1e-8));
    GroupResult r0 =
        new GroupResult(
            g0,
            3,
            new double[] {-1e-17, TRICKY[0], 2.0},
            new int[] {1, 2},
            new double[] {TRICKY[0], 2.0},
            new double[][] {{TRICKY[1], TRICKY[2]}, {TRICKY[3], TRICKY[4]}, {1, 2}},
            new double[][] {{TRICKY[5], TRICKY[6]}},
            new double[][] {{0.6, 0.8, 0}, {0, 0, -1}},
            List.of("small eigenvalue"));
    GroupResult r1 =
        new GroupResult(
            g1,
            2,
            new double[] {0.5},
            new int[] {0},
            new double[] {0.5},
            null,
            new double[][] {{TRICKY[7]}, {poison}, {0.25}},
            null,
            List.of());
    BatchQuantities batch =
        new BatchQuantities(0.75, new double[] {0.5, 1.0}, new double[] {1, 2, 3, TRICKY[0]});
    return new ComputationResult(
        batch, List.of(r0, r1), new RunInfo("cpu", "Java", "float64", 0.125), List.of("w1"));
  }

  @Test
  void roundTripIsExactAndFollowsTheSchema() throws IOException {
    Path out = dir.resolve("result.json");
    ResultWriter.write(out, "case", "directional_derivatives", ARGS, sample(0.0));
    JsonNode root = PLAIN.readTree(out.toFile());

    assertEquals(
        List.of(
            "schema_version",
            "name",
            "command_line",
            "computation",
            "backend",
            "device",
            "dtype",
            "seconds",
            "loss",
            "per_sample_losses",
            "grad",
            "warnings",
            "groups"),
        keys(root));
    assertEquals(1, root.get("schema_version").intValue());
    assertEquals("case", root.get("name").textValue());
    assertEquals(ARGS, strings(root.get("command_line")));
    assertEquals("directional_derivatives", root.get("computation").textValue());
    assertEquals("cpu", root.get("backend").textValue());
    assertEquals("Java", root.get("device").textValue());
    assertEquals("float64", root.get("dtype").textValue());
    assertEquals(0.125, root.get("seconds").doubleValue());
    assertEquals(0.75, root.get("loss").doubleValue());
    assertArrayEquals(new double[] {0.5, 1.0}, doubles(root.get("per_sample_losses")));
    assertArrayEquals(new double[] {1, 2, 3, TRICKY[0]}, doubles(root.get("grad")));
    assertEquals(List.of("w1"), strings(root.get("warnings")));

    ComputationResult expected = sample(0.0);
    JsonNode g0 = root.get("groups").get(0);
    assertEquals(
        List.of(
            "group",
            "name",
            "params",
            "criterion",
            "dim",
            "gram_evals",
            "selected_indices",
            "evals",
            "gammas",
            "lambdas",
            "evecs",
            "warnings"),
        keys(g0));
    assertEquals(0, g0.get("group").intValue());
    assertEquals("first", g0.get("name").textValue());
    assertEquals("{\"type\":\"top_k\",\"k\":2}", g0.get("criterion").toString());
    assertEquals(3, g0.get("dim").intValue());
    GroupResult r0 = expected.groups().get(0);
    assertArrayEquals(r0.gramEvals(), doubles(g0.get("gram_evals")));
    assertArrayEquals(
        r0.selectedIndices(), ProblemReaderGoldenTest.ints(g0.get("selected_indices")));
    assertArrayEquals(r0.evals(), doubles(g0.get("evals")));
    assertMatrix(r0.gammas(), g0.get("gammas"));
    assertMatrix(r0.lambdas(), g0.get("lambdas"));
    assertMatrix(r0.evecs(), g0.get("evecs"));
    assertEquals(List.of("small eigenvalue"), strings(g0.get("warnings")));

    JsonNode g1 = root.get("groups").get(1);
    assertEquals(1, g1.get("group").intValue());
    assertFalse(g1.has("gammas"), "null gammas are omitted");
    assertFalse(g1.has("evecs"), "null evecs are omitted");
    assertEquals("{\"type\":\"threshold\",\"threshold\":1.0E-8}", g1.get("criterion").toString());
    assertMatrix(expected.groups().get(1).lambdas(), g1.get("lambdas"));
    assertEquals(List.of(out), listDir(), "no temporary file is left behind");
  }

  @Test
  void replacesAnExistingFile() throws IOException {
    Path out = dir.resolve("result.json");
    Files.writeString(out, "old");
    ResultWriter.write(out, "case", "eigh", ARGS, sample(0.0));
    assertEquals("eigh", PLAIN.readTree(out.toFile()).get("computation").textValue());
    assertEquals(List.of(out), listDir());
  }

  @Test
  void resultFileGetsTheUsualPermissionsOfANewFile() throws IOException {
    Path plain = Files.createFile(dir.resolve("plain"));
    Path out = dir.resolve("result.json");
    ResultWriter.write(out, "case", "eigh", ARGS, sample(0.0));
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
    }
  }

  @Test
  void nanIsRejectedBeforeWriting() throws IOException {
    Path out = dir.resolve("result.json");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> ResultWriter.write(out, "case", "eigh", ARGS, sample(Double.NaN)));
    assertTrue(e.getMessage().startsWith("groups[1].lambdas[1][0] is NaN"), e.getMessage());
    assertEquals(List.of(), listDir(), "neither the target nor a temporary file may exist");
  }

  @Test
  void infinityInTheGradientIsRejectedAndTheOldFileIsKept() throws IOException {
    Path out = dir.resolve("result.json");
    Files.writeString(out, "old");
    ComputationResult ok = sample(0.0);
    ComputationResult bad =
        new ComputationResult(
            new BatchQuantities(1, new double[] {1}, new double[] {0, Double.NEGATIVE_INFINITY}),
            ok.groups(),
            ok.runInfo(),
            ok.warnings());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> ResultWriter.write(out, "c", "eigh", ARGS, bad));
    assertTrue(e.getMessage().startsWith("grad[1] is -Infinity"), e.getMessage());
    assertEquals("old", Files.readString(out));
    assertEquals(List.of(out), listDir());
  }

  @Test
  void aDirectoryIsRefusedBeforeAnythingIsWritten() throws IOException {
    Path out = dir.resolve("result.json");
    Files.createDirectory(out);
    Files.writeString(out.resolve("keep"), "x");
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> ResultWriter.write(out, "c", "eigh", ARGS, sample(0.0)));
    assertEquals("output file", e.field());
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    assertEquals(List.of(out), listDir());
    assertEquals("x", Files.readString(out.resolve("keep")));
  }

  @Test
  void goldenOutputsKeepTheirLayout() throws Exception {
    Path file =
        Path.of(getClass().getResource("/golden/mlp_relu_ce_mean_per_layer_groups.json").toURI());
    var problem = ProblemReader.read(file);
    JsonNode outputs = PLAIN.readTree(file.toFile()).get("outputs");
    List<GroupResult> groups = new ArrayList<>();
    for (int j = 0; j < problem.groups().size(); j++) {
      JsonNode g = outputs.get("groups").get(j);
      groups.add(
          new GroupResult(
              problem.groups().get(j),
              g.get("dim").intValue(),
              doubles(g.get("gram_evals")),
              ProblemReaderGoldenTest.ints(g.get("selected_indices")),
              doubles(g.get("evals")),
              matrix(g.get("gammas")),
              matrix(g.get("lambdas")),
              matrix(g.get("evecs")),
              List.of()));
    }
    ComputationResult result =
        new ComputationResult(
            new BatchQuantities(
                outputs.get("loss").doubleValue(),
                doubles(outputs.get("per_sample_losses")),
                doubles(outputs.get("grad"))),
            groups,
            new RunInfo("cpu", "Java", "float64", 1.5),
            List.of());
    Path out = dir.resolve("golden.json");
    ResultWriter.write(out, problem, ARGS, result);
    JsonNode written = PLAIN.readTree(out.toFile());
    for (String key : List.of("loss", "per_sample_losses", "grad")) {
      assertEquals(outputs.get(key), written.get(key), key);
    }
    for (int j = 0; j < groups.size(); j++) {
      for (String key :
          List.of(
              "group",
              "params",
              "criterion",
              "dim",
              "gram_evals",
              "selected_indices",
              "evals",
              "gammas",
              "lambdas",
              "evecs")) {
        assertEquals(
            outputs.get("groups").get(j).get(key), written.get("groups").get(j).get(key), key);
      }
    }
  }

  private List<Path> listDir() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  private static List<String> keys(JsonNode obj) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.textValue()));
    return out;
  }

  private static double[] doubles(JsonNode list) {
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = list.get(i).doubleValue();
    }
    return out;
  }

  private static double[][] matrix(JsonNode rows) {
    if (rows == null) {
      return null;
    }
    double[][] out = new double[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubles(rows.get(i));
    }
    return out;
  }

  /** Bit-exact comparison: -0.0 and 0.0 differ, as they must after a lossless round trip. */
  private static void assertMatrix(double[][] expected, JsonNode actual) {
    double[][] got = matrix(actual);
    assertEquals(expected.length, got.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, got[i].length);
      for (int k = 0; k < expected[i].length; k++) {
        assertEquals(
            Double.doubleToRawLongBits(expected[i][k]),
            Double.doubleToRawLongBits(got[i][k]),
            "[" + i + "][" + k + "]");
      }
    }
  }

  @Test
  void quantitiesBeyondViVitAreWrittenWithNullForInfiniteRatios() throws IOException {
    ParamGroup g = new ParamGroup("g", new int[] {0}, Criterion.topK(2));
    GroupResult r =
        new GroupResult(
            g,
            2,
            new double[] {0.5, 2.0},
            new int[] {0, 1},
            new double[] {0.5, 2.0},
            new double[][] {{1, 2}, {3, 4}},
            new double[][] {{0.5, 2}, {0.5, 2}},
            null,
            List.of(),
            2.5,
            Math.sqrt(4.25),
            new double[] {TRICKY[0], 8.0},
            new double[] {Double.POSITIVE_INFINITY, Double.NaN},
            new double[] {0.1, 0.1},
            new double[] {-0.25, TRICKY[5]},
            null);
    ComputationResult result =
        new ComputationResult(
            null, List.of(r), new RunInfo("cpu", "Java", "float64", 0.5), List.of());
    Path out = dir.resolve("newton.json");
    ResultWriter.write(out, "n", "damped_newton", ARGS, result);
    JsonNode group = PLAIN.readTree(out.toFile()).get("groups").get(0);
    assertEquals(2.5, group.get("ggn_trace").doubleValue());
    assertEquals(Math.sqrt(4.25), group.get("ggn_frobenius_norm").doubleValue());
    assertEquals(TRICKY[0], group.get("gamma_snr").get(0).doubleValue());
    assertTrue(group.get("lambda_snr").get(0).isNull(), "+∞ is written as null");
    assertTrue(group.get("lambda_snr").get(1).isNull(), "NaN (0/0) is written as null");
    assertEquals(0.1, group.get("dampings").get(1).doubleValue());
    assertEquals(TRICKY[5], group.get("newton_step").get(1).doubleValue());

    GroupResult badStep =
        new GroupResult(
            g,
            2,
            r.gramEvals(),
            r.selectedIndices(),
            r.evals(),
            null,
            null,
            null,
            List.of(),
            2.5,
            1.0,
            null,
            null,
            null,
            new double[] {Double.NaN, 0},
            null);
    Path bad = dir.resolve("bad.json");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                ResultWriter.write(
                    bad,
                    "n",
                    "damped_newton",
                    ARGS,
                    new ComputationResult(null, List.of(badStep), result.runInfo(), List.of())));
    assertTrue(e.getMessage().startsWith("groups[0].newton_step[0] is NaN"), e.getMessage());
    assertFalse(Files.exists(bad));
  }
}
