package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.data.SyntheticFashionMnist;

/**
 * Bad input to {@code tornado-run experiment}: one line naming the option (as it is spelt on the
 * command line, or the config file's key) and the problem, exit code 2, and nothing created: the
 * options are checked before the data is looked at or the output folder made.
 */
class ExperimentCommandBadInputTest {
  @TempDir Path dir;

  /** Runs experiment with {@code args} (plus --out), asserts the error contract, returns it. */
  private String assertRejected(List<String> args, String field, String phrase) {
    Path out = dir.resolve("out");
    List<String> all = new ArrayList<>(List.of("experiment", "--out", out.toString()));
    all.addAll(args);
    CliRun run = CliRun.of(all.toArray(String[]::new));
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, "one line expected, got: " + run.err());
    assertTrue(lines[0].startsWith("error: " + field + ":"), lines[0]);
    assertTrue(lines[0].contains(phrase), lines[0]);
    assertFalse(lines[0].contains("--."), "option names as typed: " + lines[0]);
    assertFalse(Files.exists(out), "no output folder may be created");
    return lines[0];
  }

  static Stream<Arguments> badFlags() {
    return Stream.of(
        Arguments.of(List.of("--lr", "Infinity"), "--lr", "finite"),
        Arguments.of(List.of("--lr", "-Infinity"), "--lr", "finite"),
        Arguments.of(List.of("--lr", "NaN"), "--lr", "finite"),
        Arguments.of(List.of("--lr", "0"), "--lr", "> 0"),
        Arguments.of(List.of("--momentum", "2"), "--momentum", "[0, 1)"),
        Arguments.of(List.of("--momentum", "1"), "--momentum", "[0, 1)"),
        Arguments.of(List.of("--momentum", "-0.5"), "--momentum", "[0, 1)"),
        Arguments.of(List.of("--epochs", "0"), "--epochs", ">= 1"),
        Arguments.of(List.of("--batch-size", "0"), "--batch-size", ">= 1"),
        Arguments.of(List.of("--measure-every", "0"), "--measure-every", ">= 1"),
        Arguments.of(List.of("--curvature-batch", "1"), "--curvature-batch", ">= 2"),
        Arguments.of(
            List.of("--curvature-batch", "64", "--batch-size", "32"),
            "--curvature-batch",
            "larger than --batch-size 32"),
        Arguments.of(List.of("--top-k", "0"), "--top-k", ">= 1"),
        Arguments.of(List.of("--damping", "Infinity"), "--damping", "finite"),
        Arguments.of(List.of("--damping", "-1"), "--damping", ">= 0"),
        Arguments.of(List.of("--mc-samples", "-1"), "--mc-samples", ">= 0"),
        Arguments.of(List.of("--train-limit", "-5"), "--train-limit", ">= 0"),
        Arguments.of(List.of("--test-limit", "-5"), "--test-limit", ">= 0"),
        Arguments.of(
            List.of("--subsample-ggn", "8", "--curvature-batch", "8"),
            "--subsample-ggn",
            "less than --curvature-batch 8"),
        Arguments.of(List.of("--name", ".."), "--name", "'..'"),
        Arguments.of(List.of("--name", "a/b"), "--name", "'a/b'"),
        Arguments.of(List.of("--network", "vgg16"), "--network", "vgg16"),
        Arguments.of(List.of("--backend", "tpu"), "--backend", "tpu"));
  }

  /**
   * The data folder given does not exist: an option error (not a --data one) shows that options are
   * checked first.
   */
  @ParameterizedTest
  @MethodSource("badFlags")
  void badOptionIsRejectedBeforeTheDataIsRead(List<String> flags, String field, String phrase) {
    List<String> args = new ArrayList<>(flags);
    args.addAll(List.of("--data", dir.resolve("no-such-data").toString()));
    assertRejected(args, field, phrase);
  }

  @Test
  void configFileValuesAreCheckedLikeFlagsAndNamedByFileAndKey() throws IOException {
    Path config = dir.resolve("run.json");
    String missingData = dir.resolve("no-such-data").toString();
    String[][] cases = {
      {"{\"lr\": \"Infinity\"}", "lr", "finite"},
      {"{\"lr\": \"NaN\"}", "lr", "finite"},
      {"{\"momentum\": 2}", "momentum", "[0, 1)"},
      {"{\"epochs\": 2.5}", "epochs", "whole number"},
      {"{\"batch_size\": 1e12}", "batch_size", "out of range"},
      {"{\"seed\": 1e300}", "seed", "whole number"},
      {"{\"top_k\": \"five\"}", "top_k", "must be a number"},
      {"{\"device\": 3}", "device", "must be a string"},
      {"{\"lrr\": 0.1}", "lrr", "unknown key"},
    };
    for (String[] c : cases) {
      Files.writeString(config, c[0]);
      assertRejected(
          List.of("--config", config.toString(), "--data", missingData),
          config + ": " + c[1],
          c[2]);
    }
  }

  @Test
  void aFlagOverridesTheConfigFileBeforeTheCheck() throws IOException {
    // The file's curvature_batch 64 only conflicts with its batch_size 32 until the flag fixes it:
    // what remains wrong is the missing data folder.
    Path config = dir.resolve("run.json");
    Files.writeString(config, "{\"batch_size\": 32, \"curvature_batch\": 64}");
    assertRejected(
        List.of(
            "--config",
            config.toString(),
            "--curvature-batch",
            "16",
            "--data",
            dir.resolve("no-such-data").toString()),
        "--data",
        "no such folder");
  }

  @Test
  void missingOrMalformedConfigFile() throws IOException {
    assertRejected(
        List.of("--config", dir.resolve("missing.json").toString()), "--config", "no such file");
    Files.createDirectories(dir.resolve("folder.json"));
    assertRejected(
        List.of("--config", dir.resolve("folder.json").toString()), "--config", "is not a file");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"lr\": ");
    assertRejected(List.of("--config", bad.toString()), "--config", "malformed JSON");
  }

  @Test
  void missingDataFolderOrFiles() throws IOException {
    assertRejected(
        List.of("--data", dir.resolve("no-such-data").toString()), "--data", "no such folder");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertRejected(List.of("--data", empty.toString()), "--data", "train-images-idx3-ubyte");
  }

  @Test
  void tooFewTrainingSamplesForTheCurvatureBatch() throws IOException {
    Path data = SyntheticFashionMnist.write(dir.resolve("data"), 10, 5, 1);
    assertRejected(
        List.of("--data", data.toString(), "--curvature-batch", "16", "--batch-size", "16"),
        "--curvature-batch",
        "larger than the 10 training samples");
  }

  @Test
  void outThatIsAFileIsRefusedAndKept() throws IOException {
    Path data = SyntheticFashionMnist.write(dir.resolve("data"), 16, 8, 1);
    Path file = dir.resolve("results.txt");
    Files.writeString(file, "keep me");
    CliRun run = CliRun.of("experiment", "--data", data.toString(), "--out", file.toString());
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    assertTrue(run.err().startsWith("error: --out: " + file + " is a file"), run.err());
    assertEquals(1, run.err().strip().split("\n").length, run.err());
    assertEquals("keep me", Files.readString(file));
  }
}
