package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.golden.GoldenOutputs;

/**
 * {@code solve --encode text|base64}: both result files hold the same doubles bit for bit, a bad
 * value is refused naming the option, and {@code golden} reads golden cases whose outputs are
 * base64-encoded as it reads the nested-list ones.
 */
class SolveEncodeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SEED =
      Path.of("src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json");

  @TempDir Path dir;

  private JsonNode solve(String encoding) throws IOException {
    Path out = dir.resolve(encoding + ".json");
    // the plain loops give the same bits in every run, so the two files can be compared exactly
    CliRun run =
        CliRun.of(
            "solve",
            "--problem",
            SEED.toString(),
            "--out",
            out.toString(),
            "--gemm",
            "plain",
            "--encode",
            encoding);
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("result file written in"), run.out());
    return JSON.readTree(out.toFile());
  }

  @Test
  void base64AndTextResultsHoldTheSameBits() throws IOException {
    JsonNode text = solve("text");
    JsonNode base64 = solve("base64");
    for (String key : List.of("per_sample_losses", "grad")) {
      assertTrue(text.get(key).isArray(), key);
      assertEquals("base64", base64.get(key).get("encoding").textValue(), key);
      assertSameBits(GoldenOutputs.doubles(text.get(key)), GoldenOutputs.doubles(base64.get(key)));
    }
    JsonNode g = text.get("groups").get(0);
    JsonNode g64 = base64.get("groups").get(0);
    for (String key : List.of("gram_evals", "evals")) {
      assertSameBits(GoldenOutputs.doubles(g.get(key)), GoldenOutputs.doubles(g64.get(key)));
    }
    for (String key : List.of("gammas", "lambdas")) {
      assertTrue(g64.get(key).isObject(), key);
      double[][] a = GoldenOutputs.matrix(g.get(key));
      double[][] b = GoldenOutputs.matrix(g64.get(key));
      assertEquals(a.length, b.length, key);
      for (int i = 0; i < a.length; i++) {
        assertSameBits(a[i], b[i]);
      }
    }
  }

  private static void assertSameBits(double[] a, double[] b) {
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(a[i]), Double.doubleToRawLongBits(b[i]), "[" + i + "]");
    }
  }

  @Test
  void anUnknownEncodingIsRefusedNamingTheOption() throws IOException {
    Path out = dir.resolve("r.json");
    CliRun run =
        CliRun.of(
            "solve", "--problem", SEED.toString(), "--out", out.toString(), "--encode", "hex");
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertEquals("error: --encode: unknown encoding 'hex' (text, base64)", run.err().strip());
    assertEquals("", run.out(), "nothing ran");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(0, files.count(), "no result and no temporary file");
    }
  }

  /** The seed case with every float list of its outputs as a base64 float64 object. */
  private static ObjectNode encodedCase(double evalsFactor) throws IOException {
    ObjectNode c = (ObjectNode) JSON.readTree(SEED.toFile());
    ObjectNode out = (ObjectNode) c.get("outputs");
    for (String key : List.of("per_sample_losses", "grad")) {
      out.set(key, encode(out.get(key), 1.0));
    }
    ObjectNode g = (ObjectNode) out.get("groups").get(0);
    for (String key :
        List.of(
            "gram_evals",
            "nonzero_evals",
            "evals",
            "gammas",
            "lambdas",
            "gammas_canonical",
            "evecs",
            "gram")) {
      g.set(key, encode(g.get(key), key.equals("evals") ? evalsFactor : 1.0));
    }
    return c;
  }

  /** A list or list of rows as {@code {"encoding": "base64", "dtype": "float64", ...}}. */
  private static ObjectNode encode(JsonNode list, double factor) {
    List<Double> flat = new ArrayList<>();
    ObjectNode o = JSON.createObjectNode().put("encoding", "base64").put("dtype", "float64");
    ArrayNode shape = o.putArray("shape").add(list.size());
    if (list.get(0).isArray()) {
      shape.add(list.get(0).size());
      list.forEach(row -> row.forEach(v -> flat.add(v.doubleValue())));
    } else {
      list.forEach(v -> flat.add(v.doubleValue()));
    }
    ByteBuffer bytes = ByteBuffer.allocate(8 * flat.size()).order(ByteOrder.LITTLE_ENDIAN);
    flat.forEach(v -> bytes.putDouble(v * factor));
    return o.put("data", Base64.getEncoder().encodeToString(bytes.array()));
  }

  @Test
  void goldenReadsEncodedOutputs() throws IOException {
    Path good = Files.createDirectory(dir.resolve("good"));
    Files.writeString(good.resolve("seed.json"), JSON.writeValueAsString(encodedCase(1.0)));
    CliRun pass = CliRun.of("golden", good.toString());
    assertEquals(0, pass.exitCode(), pass.out() + pass.err());
    // the decoded numbers are the ones compared: 1 % off in the encoded evals is a mismatch
    Path off = Files.createDirectory(dir.resolve("off"));
    Files.writeString(off.resolve("seed.json"), JSON.writeValueAsString(encodedCase(1.01)));
    CliRun fail = CliRun.of("golden", off.toString());
    assertEquals(Main.EXIT_MISMATCH, fail.exitCode(), fail.out() + fail.err());
    assertFalse(fail.err().contains("Exception"), fail.err());
  }
}
