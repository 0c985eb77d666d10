package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What issue 11 asks of the console around a run, beyond exit codes: nothing the file holds is
 * echoed raw (no control character but line breaks and tabs on stdout or stderr), a misspelt
 * top-level key is named in a warning, a selection of nothing is said, and an option is never
 * blamed for a non-finite value the computation produced.
 */
final class ConsoleContract {
  private ConsoleContract() {}

  /** The top-level keys of docs/SCHEMA.md's problem file. */
  static final Set<String> PROBLEM_KEYS =
      Set.of(
          "schema_version",
          "name",
          "N",
          "input_shape",
          "num_outputs",
          "num_params",
          "loss",
          "model",
          "graph",
          "params",
          "X",
          "y",
          "computation",
          "param_groups");

  /**
   * The golden files' metadata keys, which issue 11 lets pass silently (its documented list may
   * hold more; a key outside both lists must be named).
   */
  static final Set<String> METADATA_KEYS =
      Set.of(
          "outputs",
          "check",
          "provenance",
          "description",
          "dtype",
          "outputs_float32_example",
          "vivit_warnings");

  private static final Pattern RAW_CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n\\r\\t]]");

  /** Violations on any outcome: raw control characters on the console. */
  static List<String> echo(String stdout, String stderr) {
    List<String> v = new ArrayList<>();
    if (RAW_CONTROL.matcher(stdout).find() || RAW_CONTROL.matcher(stderr).find()) {
      v.add("raw control character echoed to the console");
    }
    return v;
  }

  /** Violations of a successful run: unknown keys and empty selections without a word. */
  static List<String> success(
      JsonNode problemTree, JsonNode result, String stdout, List<String> stderrLines) {
    List<String> v = new ArrayList<>();
    String name = problemTree.path("name").asText("");
    if (name.matches("(?s).*[\\n\\r].*") && stdout.contains(name)) {
      v.add("problem name with a line break echoed raw on stdout");
    }
    String all = String.join("\n", stderrLines);
    problemTree
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!PROBLEM_KEYS.contains(k)
                  && !METADATA_KEYS.contains(k)
                  && !all.contains(k)
                  && !all.contains(TextMutations.show(k).replace("\"", ""))) {
                v.add("unknown top-level key not named in a warning: " + TextMutations.show(k));
              }
            });
    JsonNode groups = result.path("groups");
    for (int j = 0; j < groups.size(); j++) {
      if (groups.get(j).path("evals").isEmpty() && stderrLines.isEmpty()) {
        v.add("groups[" + j + "] selects no eigenvalue without a word on stderr");
      }
    }
    return v;
  }

  /**
   * A clean error that blames an option (a criterion or a computation setting) for a NaN or an
   * Infinity while the option's value in the file is no such number: the computation overflowed,
   * and the user is sent to the wrong field.
   */
  static List<String> blame(String field, String line, JsonNode problemTree) {
    List<String> v = new ArrayList<>();
    boolean option =
        field.startsWith("computation") || field.matches("param_groups\\[\\d+\\]\\.criterion.*");
    if (!option || !Pattern.compile("\\b(NaN|Infinity)\\b").matcher(line).find()) {
      return v;
    }
    JsonNode named = resolve(problemTree, field);
    boolean nonFinite =
        named != null
            && ((named.isNumber() && !Double.isFinite(named.asDouble()))
                || (named.isTextual() && named.asText().matches("-?(NaN|Infinity)")));
    if (!nonFinite) {
      v.add("a non-finite computed value blamed on " + field.replaceAll("\\[\\d+\\]", "[j]"));
    }
    return v;
  }

  /** The node at a path like {@code param_groups[0].criterion.k}, or null. */
  static JsonNode resolve(JsonNode root, String path) {
    JsonNode n = root;
    for (String part : path.split("\\.")) {
      int b = part.indexOf('[');
      String key = b < 0 ? part : part.substring(0, b);
      n = n.get(key);
      if (n == null) {
        return null;
      }
      if (b >= 0) {
        for (String idx : part.substring(b + 1, part.length() - 1).split("\\]\\[")) {
          n = n.get(Integer.parseInt(idx));
          if (n == null) {
            return null;
          }
        }
      }
    }
    return n;
  }
}
