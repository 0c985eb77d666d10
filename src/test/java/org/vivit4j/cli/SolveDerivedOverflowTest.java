package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights large enough that the Gram stays finite but a derived number (λ, the trace, the norm)
 * overflows: a numerical-overflow error naming the group, exit 2, no file. It used to end as exit 1
 * with the result writer's "refusing to write" IllegalStateException.
 */
class SolveDerivedOverflowTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static void scale(JsonNode node, double factor) {
    ArrayNode a = (ArrayNode) node;
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).isArray()) {
        scale(a.get(i), factor);
      } else {
        a.set(i, DoubleNode.valueOf(a.get(i).asDouble() * factor));
      }
    }
  }

  /** The seed problem with its first weight scaled by 1e100. */
  private static ObjectNode hugeWeights() throws IOException {
    ObjectNode p =
        (ObjectNode)
            JSON.readTree(
                Path.of("src/test/resources/golden/seed_mlp_relu_mse_mean_top4.json").toFile());
    scale(p.get("model").get(0).get("weight"), 1e100);
    return p;
  }

  /** Solves {@code p}: one line naming the group's overflow, exit 2, no result file. */
  private void assertOverflowNamed(ObjectNode p) throws IOException {
    Path problem = dir.resolve("p.json");
    JSON.writeValue(problem.toFile(), p);
    Path out = dir.resolve("r.json");
    CliRun run = CliRun.of("solve", "--problem", problem.toString(), "--out", out.toString());
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.err());
    String[] lines = run.err().strip().split("\n");
    assertEquals(1, lines.length, run.err());
    assertTrue(
        lines[0].startsWith("error: param_groups[0]: numerical overflow in float64: "), lines[0]);
    assertFalse(Files.exists(out));
  }

  /**
   * The same overflow under a damped Newton step: the damping rule reads λ̄ = ∞ and used to give
   * NaN, reported as a bad {@code computation.damping} (FuzzSolveTest seed 31419925: one weight's
   * digits flipped to 3.5e94); it is the overflow, named as such, before the rule runs.
   */
  @Test
  void anOverflowingLambdaUnderADampingRuleIsNamedNotBlamedOnTheDamping() throws IOException {
    ObjectNode p = hugeWeights();
    ObjectNode c = (ObjectNode) p.get("computation");
    c.put("class", "damped_newton");
    c.putObject("damping").put("type", "lambda_standard_error").put("scale", 0.5);
    assertOverflowNamed(p);
  }

  @Test
  void anOverflowingLambdaIsNamedNotRefusedByTheWriter() throws IOException {
    assertOverflowNamed(hugeWeights());
  }
}
