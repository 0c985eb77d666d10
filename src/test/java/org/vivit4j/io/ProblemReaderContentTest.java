package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;

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
import org.vivit4j.api.Problem;
import org.vivit4j.json.JsonArrays;

/**
 * What the reader makes of a file's content beyond the nested checks: warnings for unknown
 * top-level keys, one rule for class-index labels, whitespace in base64 data, a byte order mark and
 * long strings.
 */
class ProblemReaderContentTest {

  // --- unknown top-level keys ---------------------------------------------------------------

  @Test
  void oneEditIsAnInsertionDeletionSubstitutionOrTransposition() {
    assertTrue(TopLevelKeys.oneEditApart("computaton", "computation"), "deletion");
    assertTrue(TopLevelKeys.oneEditApart("computationn", "computation"), "insertion");
    assertTrue(TopLevelKeys.oneEditApart("computatiom", "computation"), "substitution at end");
    assertTrue(TopLevelKeys.oneEditApart("xomputation", "computation"), "substitution at start");
    assertTrue(TopLevelKeys.oneEditApart("computatoin", "computation"), "transposition");
    assertTrue(TopLevelKeys.oneEditApart("ocmputation", "computation"), "transposition at 0");
    assertTrue(TopLevelKeys.oneEditApart("n", "N"), "case is a substitution");
    assertTrue(TopLevelKeys.oneEditApart("", "X"), "insertion into nothing");
    assertFalse(TopLevelKeys.oneEditApart("computation", "computation"), "no edit");
    assertFalse(TopLevelKeys.oneEditApart("comptuaton", "computation"), "two edits");
    assertFalse(TopLevelKeys.oneEditApart("computatio", "computationn"), "two insertions");
    assertFalse(TopLevelKeys.oneEditApart("cmoputatoin", "computation"), "two transpositions");
    assertFalse(TopLevelKeys.oneEditApart("abc", "cba"), "a swap of non-adjacent letters");
  }

  @Test
  void everyUnknownTopLevelKeyIsAWarningInFileOrder() {
    ObjectNode root = ProblemFixtures.mlp("mse");
    root.put("paramgroups", 1);
    root.put("inputs_shape", 1);
    root.put("lossy", 1);
    root.put("color", "blue");
    root.put("x", 1);
    root.set("comptuation", root.remove("computation"));
    Problem p = ProblemReader.parse(ProblemFixtures.json(root));
    assertEquals(
        List.of(
            "unknown top-level key 'paramgroups' is ignored (did you mean 'param_groups'?)",
            "unknown top-level key 'inputs_shape' is ignored (did you mean 'input_shape'?)",
            "unknown top-level key 'lossy' is ignored (did you mean 'loss'?)",
            "unknown top-level key 'color' is ignored",
            "unknown top-level key 'x' is ignored (did you mean 'X'?)",
            "unknown top-level key 'comptuation' is ignored (did you mean 'computation'?)"),
        p.readWarnings());
  }

  @Test
  void aWarningDoesNotStopTheRead() {
    ObjectNode root = ProblemFixtures.mlp("mse");
    root.put("extra", 1);
    Problem with = ProblemReader.parse(ProblemFixtures.json(root));
    root.remove("extra");
    Problem without = ProblemReader.parse(ProblemFixtures.json(root));
    assertEquals(List.of(), without.readWarnings());
    assertEquals(1, with.readWarnings().size());
    assertArrayEquals(without.batch().x(), with.batch().x());
    assertEquals(without.network().numParams(), with.network().numParams());
    assertEquals(with.readWarnings(), with.withOptions(with.options()).readWarnings(), "kept");
  }

  private static List<Path> goldenFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir :
        List.of(Path.of("src/test/resources/golden"), Path.of("../shared/golden/cases"))) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> s = Files.list(dir)) {
          s.filter(f -> f.toString().endsWith(".json")).sorted().forEach(files::add);
        }
      }
    }
    return files;
  }

  @Test
  void goldenFilesReadWithoutAWord() throws IOException {
    List<Path> files = goldenFiles();
    assertTrue(files.size() >= 10, "the golden cases must be found: " + files);
    for (Path f : files) {
      Problem p = ProblemReader.read(f);
      assertEquals(List.of(), p.readWarnings(), f.toString());
    }
  }

  // --- class-index labels -------------------------------------------------------------------

  private static ObjectNode encoded(String dtype, int n, ByteBuffer bytes) {
    ObjectNode o = ProblemFixtures.MAPPER.createObjectNode();
    o.put("encoding", "base64").put("dtype", dtype);
    o.putArray("shape").add(n);
    o.put("data", Base64.getEncoder().encodeToString(bytes.array()));
    return o;
  }

  private static ByteBuffer bytes(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void integralLabelsReadTheSameInEveryForm() {
    int[] expected = {0, 1, 1};
    ObjectNode root = ProblemFixtures.mlp("cross_entropy");
    ((ArrayNode) root.get("y")).removeAll().add(0.0).add(1.0).add(1e0);
    assertArrayEquals(expected, ProblemReader.parse(ProblemFixtures.json(root)).batch().yClass());
    String text = ProblemFixtures.json(root).replace("[0.0,1.0,1.0]", "[-0.0,1.000,10E-1]");
    assertTrue(text.contains("10E-1"), text);
    assertArrayEquals(expected, ProblemReader.parse(text).batch().yClass(), "any float spelling");
    root.set("y", encoded("float64", 3, bytes(24).putDouble(-0.0).putDouble(1).putDouble(1)));
    assertArrayEquals(expected, ProblemReader.parse(ProblemFixtures.json(root)).batch().yClass());
    root.set("y", encoded("float32", 3, bytes(12).putFloat(0).putFloat(1).putFloat(1)));
    assertArrayEquals(expected, ProblemReader.parse(ProblemFixtures.json(root)).batch().yClass());
    root.set("y", encoded("uint8", 3, bytes(3).put((byte) 0).put((byte) 1).put((byte) 1)));
    assertArrayEquals(expected, ProblemReader.parse(ProblemFixtures.json(root)).batch().yClass());
  }

  @Test
  void nonIntegralLabelsAreRejectedInEveryFormWithOneMessage() {
    ObjectNode root = ProblemFixtures.mlp("cross_entropy");
    ((ArrayNode) root.get("y")).set(2, 0.5);
    String literal = assertInvalid(root, "y[2]", "class index").getMessage();
    root.set("y", encoded("float64", 3, bytes(24).putDouble(0).putDouble(1).putDouble(0.5)));
    String float64 = assertInvalid(root, "y[2]", "class index").getMessage();
    root.set("y", encoded("float32", 3, bytes(12).putFloat(0).putFloat(1).putFloat(0.5f)));
    String float32 = assertInvalid(root, "y[2]", "class index").getMessage();
    assertEquals("y[2]: must be an integer class index, got 0.5", literal);
    assertEquals(literal, float64);
    assertEquals(literal, float32);
  }

  @Test
  void labelsOfTheWrongTypeOrOutOfTheIntRangeNameTheElement() {
    ObjectNode root = ProblemFixtures.mlp("cross_entropy");
    ((ArrayNode) root.get("y")).set(1, "1");
    assertInvalid(root, "y[1]", "must be an integer class index, got string \"1\"");
    ((ArrayNode) root.get("y")).set(1, 1e10);
    assertInvalid(root, "y[1]", "must be an integer class index, got 1.0E10");
    ((ArrayNode) root.get("y")).set(1, new java.math.BigInteger("123456789012345678901234567890"));
    assertInvalid(root, "y[1]", "must be an integer class index");
    ((ArrayNode) root.get("y")).set(1, 2.0);
    assertInvalid(root, "y[1]", "is 2 but must be a class index in [0, C) = [0, 2)");
  }

  // --- base64 with whitespace ---------------------------------------------------------------

  @Test
  void whitespaceInBase64DataIsLayout() {
    double[] v = new double[40];
    ByteBuffer b = bytes(8 * v.length);
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(i + 1) * 1e3;
      b.putDouble(v[i]);
    }
    String data = Base64.getEncoder().encodeToString(b.array());
    String mime = Base64.getMimeEncoder(76, "\r\n".getBytes()).encodeToString(b.array());
    assertTrue(mime.contains("\r\n"), "the MIME encoder wraps at 76 columns");
    for (String spaced :
        List.of(mime, mime + "\n", " " + data.replaceAll("(.{8})", "$1 \t") + "\n\f")) {
      ObjectNode enc = encoded("float64", v.length, b);
      enc.put("data", spaced);
      enc.putArray("shape").add(5).add(8);
      assertArrayEquals(v, JsonArrays.readDoubles(enc, "X", new int[] {5, 8}, "[N] + shape"));
    }
  }

  @Test
  void whitespaceDoesNotHideWrongLengthOrForeignCharacters() {
    ObjectNode enc = encoded("float64", 2, bytes(16).putDouble(1).putDouble(2));
    String data = enc.get("data").asText();
    enc.put("data", data.substring(0, 8) + "\n" + data.substring(8, 16));
    assertInvalidArray(enc, "X.data", "decodes to 12 bytes but shape [2] of float64 needs 16");
    enc.put("data", data.substring(0, 8) + "\n-" + data.substring(8));
    assertInvalidArray(
        enc,
        "X.data",
        "is not valid base64: character '-' (U+002D) at position 9 is not in the base64 alphabet");
  }

  @Test
  void aScaleThatOverflowsNamesTheElementAndTheScale() {
    ObjectNode enc = encoded("uint8", 2, bytes(2).put((byte) 3).put((byte) 255));
    enc.put("scale", 1e307);
    assertInvalidArray(
        enc, "X[1]", "is 255.0 · scale 1.0E307 = Infinity; values must be finite (check X.scale)");
  }

  private static void assertInvalidArray(ObjectNode enc, String field, String phrase) {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.vivit4j.model.InvalidInputException.class,
            () -> JsonArrays.readDoubles(enc, "X", new int[] {2}, "[N]"));
    assertEquals(field, e.field());
    assertTrue(e.getMessage().contains(phrase), e.getMessage());
  }

  // --- the text itself ----------------------------------------------------------------------

  @Test
  void aByteOrderMarkIsNotPartOfTheJson() {
    String json = ProblemFixtures.json(ProblemFixtures.mlp("mse"));
    Problem p = ProblemReader.parse("\uFEFF" + json);
    assertEquals("fixture", p.name());
    assertInvalid("\uFEFF", "<json>", "the input is empty");
  }

  @Test
  void aStringLongerThanJacksonsDefaultLimitIsNotMalformed() {
    ObjectNode root = ProblemFixtures.mlp("mse");
    root.put("description", "d".repeat(20_000_001));
    assertNull(ProblemReader.parse(ProblemFixtures.json(root)).damping());
  }
}
