package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tornado-run golden} on arguments and cases that cannot be checked: exit 2 and one line
 * naming the argument or the case file (and the field), never {@code 0 passed, 0 failed} with exit
 * 0 and never a Java exception. Every case is checked before any runs, so nothing is on stdout.
 */
class GoldenCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SEED =
      Path.of("src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json");

  @TempDir Path dir;

  private static void assertRefused(String expectedLine, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "golden";
    System.arraycopy(args, 0, all, 1, args.length);
    CliRun run = CliRun.of(all);
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.out() + run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, "one line expected, got: " + run.err());
    assertEquals(expectedLine, lines[0]);
    assertEquals("", run.out(), "nothing ran");
  }

  /** Writes a copy of the seed case changed by {@code change} into {@code folder}. */
  private static Path mutatedCase(Path folder, String name, Consumer<ObjectNode> change)
      throws IOException {
    ObjectNode c = (ObjectNode) JSON.readTree(SEED.toFile());
    change.accept(c);
    Path file = folder.resolve(name);
    Files.writeString(file, JSON.writeValueAsString(c));
    return file;
  }

  private static ObjectNode group0(ObjectNode c) {
    return (ObjectNode) c.get("outputs").get("groups").get(0);
  }

  @Test
  void anEmptyFolderIsAnErrorNotAPass() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("empty"));
    Files.writeString(empty.resolve("README.md"), "not a case");
    assertRefused(
        "error: "
            + empty
            + ": no golden case files (*.json) in this folder; nothing would be checked",
        empty.toString());
  }

  @Test
  void aMissingFolder() {
    Path nope = dir.resolve("nope");
    assertRefused("error: " + nope + ": no such file or folder", nope.toString());
  }

  @Test
  void aDeviceInsteadOfACase() {
    assertRefused("error: /dev/null: is a character device, not a regular file", "/dev/null");
  }

  @Test
  void aProblemFileWithoutOutputs() throws IOException {
    Path file = mutatedCase(dir, "problem.json", c -> c.remove("outputs"));
    assertRefused(
        "error: "
            + file
            + ": outputs: missing (a golden case holds the real ViViT's outputs; a problem file"
            + " is run with solve)",
        file.toString());
  }

  @Test
  void aMalformedCaseInAFolderIsNamedBeforeAnyCaseRuns() throws IOException {
    Files.copy(SEED, dir.resolve("a_good.json"));
    Path bad = Files.writeString(dir.resolve("b_bad.json"), "{\"name\": \"x\",");
    assertRefused(
        "error: "
            + bad
            + ": <json>: malformed JSON at line 1, column 14: Unexpected end-of-input"
            + " within/between Object entries",
        dir.toString());
  }

  @Test
  void aMissingOutputField() throws IOException {
    Path file = mutatedCase(dir, "c.json", c -> group0(c).remove("evals"));
    assertRefused("error: " + file + ": outputs.groups[0].evals: missing", file.toString());
  }

  @Test
  void aNonNumberInTheOutputs() throws IOException {
    Path file = mutatedCase(dir, "c.json", c -> ((ObjectNode) c.get("outputs")).put("loss", "0.5"));
    assertRefused(
        "error: " + file + ": outputs.loss: must be a number, got STRING", file.toString());
  }

  @Test
  void gammasOfTheWrongWidth() throws IOException {
    Path file =
        mutatedCase(dir, "c.json", c -> ((ArrayNode) group0(c).get("gammas").get(2)).remove(0));
    assertRefused(
        "error: " + file + ": outputs.groups[0].gammas[2]: 3 entries, but evals has 4",
        file.toString());
  }

  @Test
  void aBadProblemPartNamesTheFileAndTheField() throws IOException {
    Path file = mutatedCase(dir, "c.json", c -> ((ObjectNode) c.get("loss")).put("type", "hinge"));
    CliRun run = CliRun.of("golden", file.toString());
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.out() + run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, run.err());
    assertTrue(lines[0].startsWith("error: " + file + ": loss.type: "), lines[0]);
    assertTrue(lines[0].contains("hinge"), lines[0]);
  }

  @Test
  void onlyUnsupportedCasesCheckNothingAndDoNotPass() throws IOException {
    Path conv = Path.of("src/test/resources/golden/conv2d_relu_flatten_linear_ce_mean_top5.json");
    ObjectNode c = (ObjectNode) JSON.readTree(conv.toFile());
    ((ObjectNode) c.get("model").get(0)).put("groups", 2); // grouped convolutions: not yet
    Path file = Files.writeString(dir.resolve("grouped.json"), JSON.writeValueAsString(c));
    CliRun run = CliRun.of("golden", file.toString());
    assertEquals(Main.EXIT_MISMATCH, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("not supported yet"), run.out());
    assertTrue(run.out().contains("golden: 0 passed, 0 failed, 1 not supported yet"), run.out());
    assertEquals("error: golden: none of the 1 cases could be checked", run.err().strip());
  }

  @Test
  void aGoodCaseStillPasses() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("cases"));
    Files.copy(SEED, folder.resolve(SEED.getFileName()));
    CliRun run = CliRun.of("golden", folder.toString());
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("golden: 1 passed, 0 failed"), run.out());
    assertEquals("", run.err());
  }
}
