package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.vivit4j.api.Problem;
import org.vivit4j.cli.Main;
import org.vivit4j.io.ProblemReader;

/**
 * Runs {@code solve --problem P --out R} in-process through {@link Main#commandLine()} (the code
 * path of the {@code solve} command, CPU backend by default) and judges the outcome by the README's
 * contract. A mutant ends either
 *
 * <ul>
 *   <li>as a valid result: exit 0, every stderr line a {@code warning:} or {@code note:}, the
 *       result file written (and no other file), strict JSON, every identity of {@link
 *       ResultIdentities} holding; or
 *   <li>as a clean bad-input error: exit 2, one {@code error: FIELD: problem} line naming a field
 *       (after at most some {@code warning:} lines, e.g. the unknown-key warnings), no result file
 *       and no temporary file. A command-line option it names is one the run was given; a run given
 *       a bad {@link ChunkFlags} value must end so, naming an option.
 * </ul>
 *
 * Anything else (exit 1 or 3, an exception escaping, several error lines, a NaN, a file left
 * behind) is a {@link Verdict} with a failure class for the triage.
 */
final class SolveContract {
  private SolveContract() {}

  private static final ObjectMapper STRICT = new ObjectMapper();

  /** Reads a problem as the problem reader does: bare NaN and Infinity tokens are parsed. */
  private static final ObjectMapper LENIENT =
      com.fasterxml.jackson.databind.json.JsonMapper.builder()
          .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  /**
   * What an error line names: a JSON path ({@code model[2].weight[0]}, {@code param_groups[1].
   * criterion.k}) whose keys may be any text without control characters (a hostile file's keys are
   * named as they are, but never echo a terminal escape or a line break), {@code <json>} for text
   * that is not JSON, or a command-line option.
   */
  private static final Pattern ERROR_LINE =
      Pattern.compile(
          "error: (<json>|--[a-z][a-z-]*|[^\\p{Cc}\\[\\].]+(\\[\\d+\\]|\\.[^\\p{Cc}\\[\\].]*)*):"
              + " \\S.*");

  /**
   * The outcome of one mutant.
   *
   * @param failureClass null when the contract held; else a short key grouping like failures
   * @param detail what was observed
   * @param exitCode the run's exit code (-1 when it did not return one)
   * @param result the result file's tree, null when none was written or readable
   */
  record Verdict(boolean valid, String failureClass, String detail, int exitCode, JsonNode result) {
    static Verdict ok(boolean valid, String detail) {
      return new Verdict(valid, null, detail, -1, null);
    }

    static Verdict bad(String failureClass, String detail) {
      return new Verdict(false, failureClass, detail, -1, null);
    }

    /** This verdict with the run's exit code and result file (null when none was written). */
    Verdict of(int code, JsonNode resultFile) {
      return new Verdict(valid, failureClass, detail, code, resultFile);
    }
  }

  static Verdict run(Mutant m, Path dir) {
    try {
      Files.createDirectories(dir);
      Path problem = dir.resolve("problem.json");
      Path out = dir.resolve("result.json");
      Files.write(problem, m.bytes());
      StringWriter so = new StringWriter();
      StringWriter se = new StringWriter();
      int code;
      try {
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(so, true));
        cl.setErr(new PrintWriter(se, true));
        List<String> args =
            new ArrayList<>(
                List.of("solve", "--problem", problem.toString(), "--out", out.toString()));
        args.addAll(m.flags());
        code = cl.execute(args.toArray(String[]::new));
      } catch (Throwable t) { // an Error (OutOfMemoryError, StackOverflowError) escaping picocli
        return Verdict.bad("escaped " + t.getClass().getName(), String.valueOf(t.getMessage()));
      }
      List<String> files = listing(dir);
      Verdict v = judge(m, code, so.toString(), se.toString(), files, out);
      JsonNode resultFile = null;
      if (Files.isRegularFile(out)) {
        try {
          resultFile = STRICT.readTree(Files.readAllBytes(out));
        } catch (IOException e) {
          // judged above: not strict JSON
        }
      }
      deleteTree(dir);
      return v.of(code, resultFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Verdict judge(
      Mutant m, int code, String stdout, String stderr, List<String> files, Path out)
      throws IOException {
    List<String> lines = stderr.isBlank() ? List.of() : List.of(stderr.strip().split("\\R"));
    List<String> echoed = ConsoleContract.echo(stdout, stderr);
    if (!echoed.isEmpty()) {
      return Verdict.bad("console: " + echoed.get(0), "exit " + code);
    }
    String text = new String(m.bytes(), StandardCharsets.UTF_8); // as ProblemReader.read
    List<String> badOptions = ChunkFlags.badValues(m.flags());
    if (!badOptions.isEmpty() && code != Main.EXIT_BAD_INPUT) {
      return Verdict.bad(
          "a bad chunking option not refused",
          badOptions + ": exit " + code + (lines.isEmpty() ? "" : ", " + lines.get(0)));
    }
    if (code == Main.EXIT_BAD_INPUT) {
      Verdict v = judgeError(lines, stdout, files, text);
      String named = v.failureClass() == null ? namedField(v.detail()) : null;
      if (named != null && named.startsWith("--") && !given(m, named)) {
        return Verdict.bad("exit 2 blaming an option not given", v.detail());
      }
      if (named != null && !badOptions.isEmpty() && !named.startsWith("--")) {
        // the options are checked before the problem file is read
        return Verdict.bad(
            "a bad chunking option refused naming no option", badOptions + ": " + v.detail());
      }
      return v;
    }
    if (code != 0) {
      String first = lines.isEmpty() ? "(no stderr)" : lines.get(0);
      return Verdict.bad("exit " + code + " " + exceptionClass(first), first);
    }
    for (String l : lines) {
      if (!l.startsWith("warning: ") && !l.startsWith("note: ")) {
        return Verdict.bad("exit 0 with a stderr line that is no warning", l);
      }
    }
    if (!files.equals(List.of("problem.json", "result.json"))) {
      return Verdict.bad("exit 0 with files " + files, "expected problem.json and result.json");
    }
    JsonNode result;
    try {
      result = STRICT.readTree(Files.readAllBytes(out));
    } catch (IOException e) {
      return Verdict.bad("result is not strict JSON", e.getMessage());
    }
    Problem problem = ProblemReader.parse(text);
    JsonNode problemTree = LENIENT.readTree(withoutByteOrderMark(text));
    List<String> violations = ResultIdentities.check(problem, problemTree, m.flags(), result);
    List<String> console = ConsoleContract.success(problemTree, result, stdout, lines);
    if (!console.isEmpty()) {
      return Verdict.bad("console: " + console.get(0).replaceAll(":.*", ""), console.toString());
    }
    if (!violations.isEmpty()) {
      String first = violations.get(0);
      return Verdict.bad(
          "identity " + first.substring(0, first.indexOf(':')), violations.toString());
    }
    return Verdict.ok(true, lines.isEmpty() ? "" : lines.get(0));
  }

  private static Verdict judgeError(
      List<String> lines, String stdout, List<String> files, String text) {
    List<String> errors = lines.stream().filter(l -> !l.startsWith("warning: ")).toList();
    if (errors.size() != 1) {
      return Verdict.bad(
          "exit 2 with " + errors.size() + " non-warning stderr lines", lines.toString());
    }
    String line = errors.get(0);
    if (!line.equals(lines.get(lines.size() - 1))) {
      return Verdict.bad("exit 2 with a line after the error", lines.toString());
    }
    Matcher matcher = ERROR_LINE.matcher(line);
    if (!matcher.matches()) {
      return Verdict.bad("exit 2 without a field named", line);
    }
    if (!files.equals(List.of("problem.json"))) {
      return Verdict.bad("exit 2 leaving files " + files, line);
    }
    JsonNode tree = lenientTree(text);
    if (tree != null) {
      List<String> blame = ConsoleContract.blame(matcher.group(1), line, tree);
      if (!blame.isEmpty()) {
        return Verdict.bad(blame.get(0), line);
      }
    }
    if (stdout.contains("wrote")) {
      return Verdict.bad("exit 2 after reporting a written result", stdout);
    }
    return Verdict.ok(false, line);
  }

  /** The field an error line names ({@code error: FIELD: problem}), or null. */
  private static String namedField(String line) {
    Matcher matcher = ERROR_LINE.matcher(line == null ? "" : line);
    return matcher.matches() ? matcher.group(1) : null;
  }

  /** Whether the option {@code name} is on the mutant's command line. */
  private static boolean given(Mutant m, String name) {
    return name.equals("--problem") || name.equals("--out") || m.flags().contains(name);
  }

  /** The problem's tree when the text is JSON, else null. */
  private static JsonNode lenientTree(String text) {
    try {
      return LENIENT.readTree(withoutByteOrderMark(text));
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The reader skips a leading byte order mark (docs/SCHEMA.md); the suite's own parser must too.
   */
  private static String withoutByteOrderMark(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  /** {@code java.lang.Foo} from "error: java.lang.Foo: message", else the line's shape. */
  private static String exceptionClass(String line) {
    Matcher m = Pattern.compile("error: ([a-z]+(\\.[A-Za-z0-9_$]+)+):").matcher(line);
    return m.lookingAt() ? m.group(1) : line.replaceAll("[0-9]+", "#");
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(all::add);
    }
    for (Path p : all) {
      Files.deleteIfExists(p);
    }
  }
}
