package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A mutant and its re-encoded twin ({@link Mutant.Twin}) must end alike: the same exit code, and
 * for results the same file apart from wall times and the command line (float64 encoding is exact,
 * so every number is bitwise the same).
 */
final class TwinComparison {
  private TwinComparison() {}

  /** Null when they agree, else the failure class. */
  static String differs(SolveContract.Verdict mutant, SolveContract.Verdict twin) {
    if (mutant.exitCode() != twin.exitCode()) {
      return "re-encoding an array as base64 float64 changes exit "
          + mutant.exitCode()
          + " to "
          + twin.exitCode();
    }
    if (mutant.result() != null
        && twin.result() != null
        && !comparable(mutant.result()).equals(comparable(twin.result()))) {
      return "re-encoding an array as base64 float64 changes the result";
    }
    return null;
  }

  /** The result without what legitimately differs between two runs. */
  private static JsonNode comparable(JsonNode result) {
    JsonNode copy = result.deepCopy();
    strip(copy);
    return copy;
  }

  private static void strip(JsonNode n) {
    if (n instanceof ObjectNode o) {
      o.remove("seconds");
      o.remove("command_line");
    }
    n.forEach(TwinComparison::strip);
  }
}
