package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.vivit4j.model.InvalidInputException;

/**
 * A small valid problem to mutate in tests: N = 3, input [3], Linear(3→4)-ReLU-Linear(4→2), C = 2,
 * two groups {W0, b0} → top-2 and {W1, b1} → threshold 1e-8, so the Gram size is C·N = 6.
 */
final class ProblemFixtures {
  private ProblemFixtures() {}

  /** Writes NaN/Infinity as bare literals, as a careless producer would. */
  static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

  static ObjectNode mlp(String lossType) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema_version", 1);
    root.put("name", "fixture");
    root.put("N", 3);
    root.putArray("input_shape").add(3);
    root.put("num_outputs", 2);
    root.putObject("loss").put("type", lossType).put("reduction", "mean");
    ArrayNode model = root.putArray("model");
    model.add(linear(3, 4, 0.1));
    model.addObject().put("type", "relu");
    model.add(linear(4, 2, -0.2));
    ArrayNode params = root.putArray("params");
    param(params, 0, 0, "weight", new int[] {4, 3}, 0, 12);
    param(params, 1, 0, "bias", new int[] {4}, 12, 4);
    param(params, 2, 2, "weight", new int[] {2, 4}, 16, 8);
    param(params, 3, 2, "bias", new int[] {2}, 24, 2);
    root.set("X", matrix(3, 3, 0.5));
    if ("mse".equals(lossType)) {
      root.set("y", matrix(3, 2, 0.25));
    } else {
      root.putArray("y").add(0).add(1).add(1);
    }
    ObjectNode comp = root.putObject("computation");
    comp.put("class", "vivit.DirectionalDerivativesComputation");
    comp.putNull("subsampling_grad");
    comp.putNull("subsampling_ggn");
    comp.put("mc_samples_ggn", 0);
    comp.put("warn_small_eigvals", 1e-4);
    ArrayNode groups = root.putArray("param_groups");
    ObjectNode g0 = groups.addObject();
    g0.putArray("params").add(0).add(1);
    g0.putObject("criterion").put("type", "top_k").put("k", 2);
    ObjectNode g1 = groups.addObject();
    g1.putArray("params").add(2).add(3);
    g1.putObject("criterion").put("type", "threshold").put("threshold", 1e-8);
    root.putObject("outputs").put("ignored", true);
    return root;
  }

  static ObjectNode linear(int in, int out, double base) {
    ObjectNode l = MAPPER.createObjectNode();
    l.put("type", "linear").put("in", in).put("out", out);
    l.set("weight", matrix(out, in, base));
    ArrayNode b = l.putArray("bias");
    for (int o = 0; o < out; o++) {
      b.add(base * (o - 1));
    }
    return l;
  }

  /** A {@code rows × cols} nested list with distinct entries. */
  static ArrayNode matrix(int rows, int cols, double base) {
    ArrayNode m = MAPPER.createArrayNode();
    for (int r = 0; r < rows; r++) {
      ArrayNode row = m.addArray();
      for (int c = 0; c < cols; c++) {
        row.add(base * (r * cols + c + 1) / 7.0);
      }
    }
    return m;
  }

  private static void param(
      ArrayNode params, int index, int layer, String name, int[] shape, int offset, int numel) {
    ObjectNode p = params.addObject();
    p.put("index", index).put("layer", layer).put("name", name);
    ArrayNode s = p.putArray("shape");
    for (int d : shape) {
      s.add(d);
    }
    p.put("offset", offset).put("numel", numel);
  }

  static String json(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Asserts that parsing fails with exactly one error at {@code field} whose message contains
   * {@code phrase}; returns it for further checks.
   */
  static InvalidInputException assertInvalid(String json, String field, String phrase) {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> ProblemReader.parse(json));
    assertEquals(field, e.field(), () -> "wrong field for: " + e.getMessage());
    assertTrue(
        e.getMessage().startsWith(field + ": "), () -> "message not prefixed: " + e.getMessage());
    assertTrue(
        e.getMessage().contains(phrase), () -> "message lacks '" + phrase + "': " + e.getMessage());
    return e;
  }

  static InvalidInputException assertInvalid(JsonNode root, String field, String phrase) {
    return assertInvalid(json(root), field, phrase);
  }
}
