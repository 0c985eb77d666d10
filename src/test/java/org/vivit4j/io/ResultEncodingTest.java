package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.BatchQuantities;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.RunInfo;
import org.vivit4j.golden.GoldenOutputs;

/**
 * Result files with {@code --encode text} and {@code --encode base64}: every float array field
 * reads back bit for bit from either form through the readers of result and golden files, and
 * everything else in the file is the same.
 */
class ResultEncodingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[] A = EncodedArraysTest.AWKWARD;

  @TempDir Path dir;

  /** A result in which every float array field is present and holds awkward values. */
  private static ComputationResult everyField(double poison) {
    ParamGroup g = new ParamGroup("g", new int[] {0, 2}, Criterion.topK(2));
    GroupResult r =
        new GroupResult(
            g,
            3,
            new double[] {A[2], A[9], A[6]},
            new int[] {1, 2},
            new double[] {A[9], A[6]},
            new double[][] {{A[1], A[3]}, {A[4], A[5]}, {A[10], poison}},
            new double[][] {{A[11], A[12]}, {A[13], A[14]}},
            new double[][] {{A[15], A[16], A[17]}, {A[18], A[19], A[0]}},
            List.of("w"),
            2.5,
            Math.sqrt(4.25),
            new double[] {A[9], Double.POSITIVE_INFINITY},
            new double[] {A[10], 3.0},
            new double[] {A[2], 0.5},
            new double[] {A[5], A[7], A[8]},
            null);
    BatchQuantities batch =
        new BatchQuantities(
            0.75, new double[] {A[1], A[9]}, EncodedArraysTest.awkwardAndRandom(500));
    return new ComputationResult(
        batch, List.of(r), new RunInfo("cpu", "Java", "float64", 0.125), List.of());
  }

  private static final List<String> TOP_ARRAYS = List.of("per_sample_losses", "grad");
  private static final List<String> GROUP_ARRAYS =
      List.of("gram_evals", "evals", "dampings", "newton_step");
  private static final List<String> GROUP_MATRICES = List.of("gammas", "lambdas", "evecs");

  private JsonNode write(ComputationResult result, ArrayEncoding encoding) throws IOException {
    Path out = dir.resolve(encoding.optionName() + ".json");
    ResultWriter.write(
        OutputFile.check("--out", out), "case", "damped_newton", List.of("a"), result, encoding);
    return JSON.readTree(out.toFile());
  }

  private static Map<String, double[]> arrays(ComputationResult c) {
    GroupResult r = c.groups().get(0);
    return Map.of(
        "per_sample_losses", c.batch().perSampleLosses(),
        "grad", c.batch().grad(),
        "gram_evals", r.gramEvals(),
        "evals", r.evals(),
        "dampings", r.dampings(),
        "newton_step", r.newtonStep());
  }

  private static Map<String, double[][]> matrices(ComputationResult c) {
    GroupResult r = c.groups().get(0);
    return Map.of("gammas", r.gammas(), "lambdas", r.lambdas(), "evecs", r.evecs());
  }

  @Test
  void everyArrayFieldReadsBackBitForBitFromBothForms() throws IOException {
    ComputationResult result = everyField(-7.0);
    for (ArrayEncoding e : ArrayEncoding.values()) {
      JsonNode root = write(result, e);
      JsonNode group = root.get("groups").get(0);
      for (String key : TOP_ARRAYS) {
        check(arrays(result).get(key), root.get(key), e, key);
      }
      for (String key : GROUP_ARRAYS) {
        check(arrays(result).get(key), group.get(key), e, key);
      }
      for (String key : GROUP_MATRICES) {
        JsonNode node = group.get(key);
        assertEquals(e == ArrayEncoding.BASE64, node.isObject(), e + " " + key + ": form");
        double[][] expected = matrices(result).get(key);
        for (double[][] back :
            List.of(GoldenOutputs.matrix(node), EncodedArrays.readMatrix(node, key))) {
          assertEquals(expected.length, back.length, e + " " + key + ": rows");
          for (int i = 0; i < expected.length; i++) {
            assertBits(expected[i], back[i], e + " " + key + "[" + i + "]");
          }
        }
      }
    }
  }

  private static void check(double[] expected, JsonNode node, ArrayEncoding e, String key) {
    assertEquals(e == ArrayEncoding.BASE64, node.isObject(), e + " " + key + ": form");
    assertBits(expected, GoldenOutputs.doubles(node), e + " " + key);
    assertBits(expected, EncodedArrays.readDoubles(node, key), e + " " + key);
  }

  private static void assertBits(double[] expected, double[] actual, String what) {
    long[] e = Arrays.stream(expected).mapToLong(Double::doubleToRawLongBits).toArray();
    long[] a = Arrays.stream(actual).mapToLong(Double::doubleToRawLongBits).toArray();
    assertTrue(Arrays.equals(e, a), what + ": bits differ");
  }

  @Test
  void onlyTheFloatArraysChange() throws IOException {
    ComputationResult result = everyField(-7.0);
    ObjectNode text = (ObjectNode) write(result, ArrayEncoding.TEXT);
    ObjectNode base64 = (ObjectNode) write(result, ArrayEncoding.BASE64);
    assertEquals(fieldNames(text), fieldNames(base64));
    ObjectNode g64 = (ObjectNode) base64.get("groups").get(0);
    ObjectNode gText = (ObjectNode) text.get("groups").get(0);
    assertEquals(fieldNames(gText), fieldNames(g64));
    // integer lists and ratios (which may hold null) stay lists
    assertTrue(g64.get("params").isArray() && g64.get("selected_indices").isArray());
    assertTrue(g64.get("gamma_snr").get(1).isNull(), "+∞ ratio is null in both forms");
    TOP_ARRAYS.forEach(k -> assertEquals("float64", base64.remove(k).get("dtype").textValue()));
    TOP_ARRAYS.forEach(text::remove);
    for (String k : concat(GROUP_ARRAYS, GROUP_MATRICES)) {
      assertEquals("base64", g64.remove(k).get("encoding").textValue(), k);
      gText.remove(k);
    }
    assertEquals(text, base64, "every other field is identical");
  }

  @Test
  void nanIsRefusedInBothFormsAndNoFileIsWritten() {
    for (ArrayEncoding e : ArrayEncoding.values()) {
      IllegalStateException x =
          assertThrows(IllegalStateException.class, () -> write(everyField(Double.NaN), e));
      assertTrue(x.getMessage().startsWith("groups[0].gammas[2][1] is NaN"), x.getMessage());
      assertFalse(Files.exists(dir.resolve(e.optionName() + ".json")), e.toString());
    }
  }

  private static List<String> fieldNames(JsonNode obj) {
    List<String> out = new ArrayList<>();
    obj.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
