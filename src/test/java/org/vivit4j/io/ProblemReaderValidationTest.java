package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;
import static org.vivit4j.io.ProblemFixtures.mlp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.UnsupportedFeatureException;

/** One test per kind of bad input: the error names the JSON path and says what is wrong. */
class ProblemReaderValidationTest {

  private static ObjectNode mse() {
    return mlp("mse");
  }

  private static ObjectNode ce() {
    return mlp("cross_entropy");
  }

  private static ObjectNode layer(ObjectNode root, int i) {
    return (ObjectNode) root.get("model").get(i);
  }

  private static ObjectNode group(ObjectNode root, int j) {
    return (ObjectNode) root.get("param_groups").get(j);
  }

  private static ObjectNode comp(ObjectNode root) {
    return (ObjectNode) root.get("computation");
  }

  @Test
  void fixturesAreValid() {
    assertNotNull(ProblemReader.parse(ProblemFixtures.json(mse())));
    assertNotNull(ProblemReader.parse(ProblemFixtures.json(ce())));
  }

  @Test
  void malformedJsonReportsLineAndColumn() {
    assertInvalid(
        "{\n  \"name\": \"x\",\n  \"N\": ,\n}", "<json>", "malformed JSON at line 3, column");
  }

  @Test
  void emptyInput() {
    assertInvalid("  ", "<json>", "empty");
  }

  @Test
  void trailingContentAfterTheObject() {
    assertInvalid(ProblemFixtures.json(mse()) + " {}", "<json>", "malformed JSON");
  }

  @Test
  void duplicateKeys() {
    assertInvalid("{\"name\": \"a\", \"name\": \"b\"}", "<json>", "Duplicate field 'name'");
  }

  @Test
  void topLevelNotAnObject() {
    assertInvalid("[1, 2]", "<json>", "must be a JSON object");
  }

  @Test
  void unsupportedSchemaVersion() {
    ObjectNode root = mse().put("schema_version", 2);
    assertInvalid(root, "schema_version", "only schema_version 1");
  }

  @Test
  void missingTopLevelField() {
    ObjectNode root = mse();
    root.remove("X");
    assertInvalid(root, "X", "required field is missing");
  }

  @Test
  void missingLayerWeight() {
    ObjectNode root = mse();
    layer(root, 2).remove("weight");
    assertInvalid(root, "model[2].weight", "required field is missing");
  }

  @Test
  void wrongTypeForAnInteger() {
    assertInvalid(mse().put("N", "3"), "N", "must be an integer, got string \"3\"");
  }

  @Test
  void fractionalLayerSize() {
    ObjectNode root = mse();
    layer(root, 0).put("out", 4.5);
    assertInvalid(root, "model[0].out", "must be an integer");
  }

  @Test
  void wrongTypeForAWeightEntry() {
    ObjectNode root = mse();
    ((ArrayNode) layer(root, 0).get("weight").get(1))
        .set(2, ProblemFixtures.MAPPER.getNodeFactory().textNode("0.5"));
    assertInvalid(root, "model[0].weight[1][2]", "must be a number, got string");
  }

  @Test
  void nBelowOne() {
    assertInvalid(mse().put("N", 0), "N", "must be >= 1");
  }

  @Test
  void unknownLayerType() {
    ObjectNode root = mse();
    layer(root, 1).put("type", "swiglu");
    assertInvalid(root, "model[1].type", "unknown layer type 'swiglu'");
  }

  @Test
  void unknownLayerKey() {
    ObjectNode root = mse();
    ObjectNode l = layer(root, 2);
    l.set("bais", l.remove("bias"));
    assertInvalid(root, "model[2].bais", "is not a known field of a linear layer");
  }

  @Test
  void unknownLossType() {
    ObjectNode root = mse();
    ((ObjectNode) root.get("loss")).put("type", "hinge");
    assertInvalid(root, "loss.type", "unknown loss type 'hinge'");
  }

  @Test
  void unknownLossReduction() {
    ObjectNode root = mse();
    ((ObjectNode) root.get("loss")).put("reduction", "none");
    assertInvalid(root, "loss.reduction", "unknown loss reduction 'none'");
  }

  @Test
  void weightRowLengthDoesNotMatchIn() {
    ObjectNode root = mse();
    ((ArrayNode) layer(root, 0).get("weight").get(1)).add(0.0);
    assertInvalid(root, "model[0].weight[1]", "has 4 elements but expected 3 (shape [out, in]");
  }

  @Test
  void weightRowCountDoesNotMatchOut() {
    ObjectNode root = mse();
    layer(root, 2).put("out", 3);
    assertInvalid(root, "model[2].weight", "has 2 elements but expected 3");
  }

  @Test
  void biasLengthDoesNotMatchOut() {
    ObjectNode root = mse();
    ((ArrayNode) layer(root, 0).get("bias")).remove(3);
    assertInvalid(root, "model[0].bias", "has 3 elements but expected 4 (shape [out]");
  }

  @Test
  void shapesDoNotChain() {
    ObjectNode root = mse();
    root.withArray("model").set(2, ProblemFixtures.linear(5, 2, 0.3));
    assertInvalid(root, "model[2].in", "is 5 but the layer receives input of shape [4]");
  }

  @Test
  void numOutputsDisagrees() {
    assertInvalid(
        mse().put("num_outputs", 3), "num_outputs", "is 3 but the model's output size is 2");
  }

  @Test
  void paramsTableDisagrees() {
    ObjectNode root = mse();
    ((ObjectNode) root.get("params").get(2)).withArray("shape").set(0, 4);
    assertInvalid(root, "params[2].shape", "is [4, 4] but the model defines [2, 4]");
  }

  @Test
  void xHasTooFewSamples() {
    ObjectNode root = mse();
    root.withArray("X").remove(2);
    assertInvalid(root, "X", "has 2 elements but expected 3 (shape [N] + input_shape = [3, 3])");
  }

  @Test
  void xRowDoesNotMatchInputShape() {
    ObjectNode root = mse();
    ((ArrayNode) root.get("X").get(1)).remove(0);
    assertInvalid(root, "X[1]", "has 2 elements but expected 3");
  }

  @Test
  void mseTargetsHaveWrongWidth() {
    ObjectNode root = mse();
    ((ArrayNode) root.get("y").get(0)).add(1.0);
    assertInvalid(root, "y[0]", "has 3 elements but expected 2 (shape [N, C] for mse");
  }

  @Test
  void crossEntropyTargetNotAnInteger() {
    ObjectNode root = ce();
    root.withArray("y").set(1, 1.5);
    assertInvalid(root, "y[1]", "must be an integer");
  }

  @Test
  void crossEntropyTargetOutOfRange() {
    ObjectNode root = ce();
    root.withArray("y").set(2, 2);
    assertInvalid(root, "y[2]", "is 2 but must be a class index in [0, C) = [0, 2)");
  }

  @Test
  void crossEntropyTargetsWrongCount() {
    ObjectNode root = ce();
    root.withArray("y").add(0);
    assertInvalid(root, "y", "has 4 elements but expected 3");
  }

  @Test
  void nanLiteralInX() {
    ObjectNode root = mse();
    ((ArrayNode) root.get("X").get(2)).set(1, Double.NaN);
    String json = ProblemFixtures.json(root);
    assertEquals(true, json.contains("NaN"), "the fixture must hold a bare NaN literal");
    assertInvalid(json, "X[2][1]", "is NaN; values must be finite");
  }

  @Test
  void infinityInTargets() {
    ObjectNode root = mse();
    ((ArrayNode) root.get("y").get(0)).set(1, Double.POSITIVE_INFINITY);
    assertInvalid(root, "y[0][1]", "is Infinity; values must be finite");
  }

  @Test
  void nanInWeight() {
    ObjectNode root = mse();
    ((ArrayNode) layer(root, 2).get("weight").get(1)).set(3, Double.NaN);
    assertInvalid(root, "model[2].weight[1][3]", "is NaN");
  }

  @Test
  void negativeInfinityInBias() {
    ObjectNode root = mse();
    layer(root, 0).withArray("bias").set(0, Double.NEGATIVE_INFINITY);
    assertInvalid(root, "model[0].bias[0]", "is -Infinity; values must be finite");
  }

  @Test
  void hugeNumberOverflowsToInfinity() {
    String json =
        ProblemFixtures.json(mse())
            .replace("\"warn_small_eigvals\":1.0E-4", "\"warn_small_eigvals\":1e999");
    assertInvalid(json, "computation.warn_small_eigvals", "values must be finite");
  }

  @Test
  void paramIndexOutOfRange() {
    ObjectNode root = mse();
    group(root, 1).withArray("params").set(1, 4);
    assertInvalid(
        root, "param_groups[1].params[1]", "is 4 but must be a parameter index in [0, 4)");
  }

  @Test
  void paramIndexDuplicatedInAGroup() {
    ObjectNode root = mse();
    group(root, 0).withArray("params").set(1, 0);
    assertInvalid(root, "param_groups[0].params[1]", "duplicates parameter 0");
  }

  @Test
  void paramsNotAscending() {
    ObjectNode root = mse();
    group(root, 0).withArray("params").removeAll().add(1).add(0);
    assertInvalid(root, "param_groups[0].params[1]", "params must be ascending");
  }

  @Test
  void groupsOverlap() {
    ObjectNode root = mse();
    group(root, 1).withArray("params").insert(0, 1);
    assertInvalid(
        root, "param_groups[1].params[0]", "already in param_groups[0]; groups must be disjoint");
  }

  @Test
  void emptyGroup() {
    ObjectNode root = mse();
    group(root, 1).withArray("params").removeAll();
    assertInvalid(root, "param_groups[1].params", "must not be empty");
  }

  @Test
  void noGroups() {
    ObjectNode root = mse();
    root.withArray("param_groups").removeAll();
    assertInvalid(root, "param_groups", "at least one group");
  }

  @Test
  void duplicateGroupName() {
    ObjectNode root = mse();
    group(root, 1).put("name", "group0"); // the default name of group 0
    assertInvalid(root, "param_groups[1].name", "'group0' is already the name of param_groups[0]");
  }

  @Test
  void unknownCriterionType() {
    ObjectNode root = mse();
    ((ObjectNode) group(root, 0).get("criterion")).put("type", "top_p");
    assertInvalid(root, "param_groups[0].criterion.type", "unknown criterion type 'top_p'");
  }

  @Test
  void kBelowOne() {
    ObjectNode root = mse();
    ((ObjectNode) group(root, 0).get("criterion")).put("k", 0);
    assertInvalid(root, "param_groups[0].criterion.k", "is 0 but must be >= 1");
  }

  @Test
  void kLargerThanGram() {
    ObjectNode root = mse();
    ((ObjectNode) group(root, 0).get("criterion")).put("k", 7);
    assertInvalid(root, "param_groups[0].criterion.k", "only C·N_ggn = 2·3 = 6 eigenvalues");
  }

  @Test
  void kLargerThanSubsampledGram() {
    ObjectNode root = mse();
    comp(root).putArray("subsampling_ggn").add(2).add(0);
    ((ObjectNode) group(root, 0).get("criterion")).put("k", 5);
    assertInvalid(root, "param_groups[0].criterion.k", "only C·N_ggn = 2·2 = 4 eigenvalues");
  }

  @Test
  void nonFiniteThreshold() {
    ObjectNode root = mse();
    ((ObjectNode) group(root, 1).get("criterion")).put("threshold", Double.NaN);
    assertInvalid(root, "param_groups[1].criterion.threshold", "is NaN; values must be finite");
  }

  @Test
  void subsamplingIndexOutOfRange() {
    ObjectNode root = mse();
    comp(root).putArray("subsampling_ggn").add(0).add(1).add(3);
    assertInvalid(
        root, "computation.subsampling_ggn[2]", "must be a sample index in [0, N) = [0, 3)");
  }

  @Test
  void subsamplingIndexNegative() {
    ObjectNode root = mse();
    comp(root).putArray("subsampling_grad").add(-1);
    assertInvalid(root, "computation.subsampling_grad[0]", "is -1 but must be a sample index");
  }

  @Test
  void subsamplingIndexDuplicated() {
    ObjectNode root = mse();
    comp(root).putArray("subsampling_grad").add(2).add(0).add(2);
    assertInvalid(
        root,
        "computation.subsampling_grad[2]",
        "duplicates sample index 2 (already at computation.subsampling_grad[0])");
  }

  @Test
  void subsamplingEmpty() {
    ObjectNode root = mse();
    comp(root).putArray("subsampling_ggn");
    assertInvalid(root, "computation.subsampling_ggn", "must not be empty");
  }

  @Test
  void derivedRowCountDisagrees() {
    ObjectNode root = mse();
    comp(root).putArray("subsampling_ggn").add(1);
    comp(root).put("N_ggn", 3);
    assertInvalid(root, "computation.N_ggn", "is 3 but the sub-sampling gives 1");
  }

  @Test
  void monteCarloSamplesAndSeedAreRead() {
    ObjectNode root = mse();
    comp(root).put("mc_samples_ggn", 4).put("seed", 123456789012L);
    var options = ProblemReader.parse(ProblemFixtures.json(root)).options();
    assertEquals(4, options.mcSamples());
    assertEquals(123456789012L, options.seed());
  }

  @Test
  void negativeMonteCarloSamples() {
    ObjectNode root = mse();
    comp(root).put("mc_samples_ggn", -1);
    InvalidInputException e = assertInvalid(root, "computation.mc_samples_ggn", "must be >= 0");
    assertEquals(InvalidInputException.class, e.getClass());
  }

  @Test
  void dampedNewtonNeedsADamping() {
    ObjectNode root = mse();
    comp(root).put("class", "damped_newton");
    InvalidInputException e =
        assertInvalid(root, "computation.damping", "damped_newton needs a damping");
    assertEquals(InvalidInputException.class, e.getClass());
  }

  @Test
  void unknownComputationClass() {
    ObjectNode root = mse();
    comp(root).put("class", "vivit.Foo");
    InvalidInputException e =
        assertInvalid(root, "computation.class", "unknown computation class 'vivit.Foo'");
    assertEquals(InvalidInputException.class, e.getClass());
  }

  @Test
  void conv2dWithGroupsIsUnsupported() {
    ObjectNode root = mse();
    root.putArray("input_shape").add(2).add(3).add(3);
    ObjectNode conv = ProblemFixtures.MAPPER.createObjectNode();
    conv.put("type", "conv2d")
        .put("in_channels", 2)
        .put("out_channels", 2)
        .put("kernel_size", 3)
        .put("groups", 2);
    root.withArray("model").insert(0, conv);
    InvalidInputException e =
        assertInvalid(
            root, "model[0].groups", "conv2d with groups = 2 (only 1) is not supported yet");
    assertInstanceOf(UnsupportedFeatureException.class, e);
  }

  @Test
  void flattenWithOtherStartDimIsUnsupported() {
    ObjectNode root = mse();
    root.withArray("model")
        .insert(
            0,
            ProblemFixtures.MAPPER.createObjectNode().put("type", "flatten").put("start_dim", 0));
    InvalidInputException e =
        assertInvalid(root, "model[0].start_dim", "flatten with start_dim = 0");
    assertInstanceOf(UnsupportedFeatureException.class, e);
  }
}
