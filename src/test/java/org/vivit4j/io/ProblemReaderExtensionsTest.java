package org.vivit4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.vivit4j.io.ProblemFixtures.assertInvalid;
import static org.vivit4j.io.ProblemFixtures.mlp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vivit4j.api.Problem;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.DropoutLayer.DropoutSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.UnflattenLayer.UnflattenSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossType;

/**
 * The layers, loss and Monte-Carlo options of issue 4 in problem files: what is read, and one test
 * per kind of bad input naming its field.
 */
class ProblemReaderExtensionsTest {

  private static ObjectNode layer(ObjectNode root, int i) {
    return (ObjectNode) root.get("model").get(i);
  }

  private static ObjectNode comp(ObjectNode root) {
    return (ObjectNode) root.get("computation");
  }

  private static Problem parse(ObjectNode root) {
    return ProblemReader.parse(ProblemFixtures.json(root));
  }

  /**
   * Replaces the fixture's ReLU (layer 1, width 4) with {@code replacement}; the optional parameter
   * table is dropped, since a LayerNorm adds parameters.
   */
  private static ObjectNode withHidden(ObjectNode replacement) {
    ObjectNode root = mlp("mse");
    ((ArrayNode) root.get("model")).set(1, replacement);
    root.remove("params");
    return root;
  }

  private static ObjectNode node(String type) {
    return ProblemFixtures.MAPPER.createObjectNode().put("type", type);
  }

  /** The fixture with layer 1 (width 4) an unflatten followed by a flatten. */
  private static ObjectNode withUnflatten(ObjectNode unflatten) {
    ObjectNode root = withHidden(unflatten);
    ((ArrayNode) root.get("model")).insert(2, node("flatten"));
    return root;
  }

  private static ObjectNode unflatten(int dim, int... size) {
    ObjectNode u = node("unflatten").put("dim", dim);
    ArrayNode s = u.putArray("unflattened_size");
    for (int v : size) {
      s.add(v);
    }
    return u;
  }

  @Test
  void unflattenReadsWritesAndChecksItsSize(@TempDir Path dir) throws IOException {
    Problem p = parse(withUnflatten(unflatten(1, 2, 2)));
    Path file = dir.resolve("unflatten.json");
    ProblemWriter.write(file, p, null);
    Problem back = ProblemReader.read(file);
    ProblemWriterTest.assertSameProblem(p, back);
    assertEquals(1, ((UnflattenSpec) back.network().layers().get(1)).dim());
    assertEquals(new UnflattenSpec(1, new int[] {2, 2}).type(), p.network().layers().get(1).type());
    assertArrayEquals(new int[] {2, 2}, p.network().shapeBefore(2));
    assertArrayEquals(
        new int[] {2, 2}, ((UnflattenSpec) p.network().layers().get(1)).unflattenedSize());
    assertInvalid(
        withUnflatten(unflatten(1, 3)), "model[1].unflattened_size", "but the layer receives 4");
    assertInvalid(withUnflatten(unflatten(2, 2, 2)), "model[1].dim", "is not supported yet");
    assertInvalid(
        withUnflatten(unflatten(1, 4, 0)), "model[1].unflattened_size[1]", "must be >= 1");
    ObjectNode missing = node("unflatten").put("dim", 1);
    assertInvalid(withUnflatten(missing), "model[1].unflattened_size", "is missing");
  }

  /** A batchnorm1d of the fixture's hidden width 4, PyTorch's keys, with affine parameters. */
  private static ObjectNode batchNorm1d() {
    ObjectNode bn = node("batchnorm1d").put("num_features", 4).put("momentum", 0.1);
    for (String key : new String[] {"weight", "bias", "running_mean", "running_var"}) {
      ArrayNode a = bn.putArray(key);
      for (int c = 0; c < 4; c++) {
        a.add(key.equals("running_var") ? 0.5 + c : 0.25 * c - 0.3);
      }
    }
    return bn.put("num_batches_tracked", 7);
  }

  @Test
  void batchNormReadsWritesAndChecksItsFields(@TempDir Path dir) throws IOException {
    Problem p = parse(withHidden(batchNorm1d()));
    Path file = dir.resolve("batchnorm.json");
    ProblemWriter.write(file, p, null);
    Problem back = ProblemReader.read(file);
    ProblemWriterTest.assertSameProblem(p, back);
    BatchNormSpec bn = (BatchNormSpec) back.network().layers().get(1);
    assertEquals("batchnorm1d", bn.type());
    assertEquals(1e-5, bn.eps());
    assertArrayEquals(new double[] {0.5, 1.5, 2.5, 3.5}, bn.runningVar());
    assertEquals(
        List.of("weight", "bias"),
        back.network().params().stream().filter(t -> t.layer() == 1).map(t -> t.name()).toList());
    assertInvalid(
        withHidden(batchNorm1d().put("training", true)),
        "model[1].training",
        "batch statistics, which couple the samples");
    assertInvalid(
        withHidden(batchNorm1d().put("track_running_stats", false)),
        "model[1].track_running_stats",
        "couple the samples");
    assertInvalid(
        withHidden(batchNorm1d().put("num_features", 3)),
        "model[1].weight",
        "has 4 elements but expected 3");
    ObjectNode negative = batchNorm1d();
    ((ArrayNode) negative.get("running_var")).set(2, -1.0);
    assertInvalid(withHidden(negative), "model[1].running_var[2]", "a variance is >= 0");
    ObjectNode plain = batchNorm1d().put("affine", false);
    assertInvalid(withHidden(plain), "model[1].weight", "must be absent when affine is false");
    plain.remove("weight");
    plain.remove("bias");
    assertEquals(0, parse(withHidden(plain)).network().layers().get(1).params().size());
    ObjectNode missing = batchNorm1d();
    missing.remove("running_mean");
    assertInvalid(withHidden(missing), "model[1].running_mean", "is missing");
    assertInvalid(
        withHidden(batchNorm1d().put("type", "batchnorm2d")),
        "model[1]",
        "batchnorm2d needs a [C, H, W] input but receives [4]");
    assertInvalid(withHidden(batchNorm1d().put("eps", 0)), "model[1].eps", "must be > 0");
  }

  @Test
  void activationsWithParametersTakePyTorchsNamesAndDefaults() {
    ActivationSpec leaky =
        (ActivationSpec) parse(withHidden(node("leaky_relu"))).network().layers().get(1);
    assertEquals(new ActivationSpec(Activation.LEAKY_RELU, 0.01), leaky);
    ObjectNode elu = node("elu").put("alpha", 0.5);
    assertEquals(
        new ActivationSpec(Activation.ELU, 0.5), parse(withHidden(elu)).network().layers().get(1));
    ObjectNode slope = node("leaky_relu").put("negative_slope", -0.3);
    assertEquals(
        -0.3, ((ActivationSpec) parse(withHidden(slope)).network().layers().get(1)).param());
    assertEquals(
        Activation.SELU,
        ((ActivationSpec) parse(withHidden(node("selu"))).network().layers().get(1)).activation());
  }

  /** PyTorch's {@code inplace} as a module dump writes it: a boolean, either value. */
  @Test
  void theInplaceFlagOfActivationsAndDropoutIsAcceptedWhenBoolean() {
    for (boolean inplace : new boolean[] {false, true}) {
      ObjectNode relu = node("leaky_relu").put("negative_slope", 0.2).put("inplace", inplace);
      assertEquals(
          new ActivationSpec(Activation.LEAKY_RELU, 0.2),
          parse(withHidden(relu)).network().layers().get(1));
      ObjectNode drop = node("dropout").put("p", 0.25).put("inplace", inplace);
      assertEquals(new DropoutSpec(0.25), parse(withHidden(drop)).network().layers().get(1));
    }
    assertInvalid(
        withHidden(node("relu").put("inplace", "no")), "model[1].inplace", "must be true or false");
    assertInvalid(
        withHidden(node("dropout").put("inplace", 0)), "model[1].inplace", "must be true or false");
  }

  @Test
  void activationParametersAreChecked() {
    assertInvalid(
        withHidden(node("elu").put("negative_slope", 0.1)),
        "model[1].negative_slope",
        "is not a known field of a elu layer");
    assertInvalid(
        withHidden(node("selu").put("alpha", 2.0)), "model[1].alpha", "not a known field");
    assertInvalid(
        withHidden(node("leaky_relu").put("negative_slope", "x")),
        "model[1].negative_slope",
        "must be a number");
  }

  @Test
  void softplusTakesBetaAndOnlyTheDefaultThreshold() {
    ObjectNode sp = node("softplus").put("beta", 2.0).put("threshold", 20);
    assertEquals(
        new ActivationSpec(Activation.SOFTPLUS, 2.0),
        parse(withHidden(sp)).network().layers().get(1));
    assertEquals(
        new ActivationSpec(Activation.SOFTPLUS, 1.0),
        parse(withHidden(node("softplus"))).network().layers().get(1));
    var e =
        assertInvalid(
            withHidden(node("softplus").put("threshold", 5)),
            "model[1].threshold",
            "softplus with threshold = 5.0 (only PyTorch's default 20.0) is not supported yet");
    assertInstanceOf(org.vivit4j.model.UnsupportedFeatureException.class, e);
    assertInvalid(
        withHidden(node("softplus").put("beta", 0)),
        "model[1].beta",
        "must be a finite number > 0");
    assertInvalid(withHidden(node("silu").put("beta", 1)), "model[1].beta", "not a known field");
  }

  @Test
  void identityAndDropout() {
    assertEquals(new IdentitySpec(), parse(withHidden(node("identity"))).network().layers().get(1));
    assertEquals(
        new DropoutSpec(0.5), parse(withHidden(node("dropout"))).network().layers().get(1));
    assertEquals(
        new DropoutSpec(0.1),
        parse(withHidden(node("dropout").put("p", 0.1))).network().layers().get(1));
    assertInvalid(withHidden(node("dropout").put("p", 1.5)), "model[1].p", "must lie in [0, 1]");
    assertInvalid(withHidden(node("identity").put("p", 0.5)), "model[1].p", "not a known field");
  }

  private static ObjectNode layerNorm() {
    ObjectNode ln = node("layernorm");
    ln.putArray("normalized_shape").add(4);
    ln.set("weight", ProblemFixtures.MAPPER.createArrayNode().add(1.0).add(0.5).add(2.0).add(1.5));
    ln.set("bias", ProblemFixtures.MAPPER.createArrayNode().add(0.0).add(0.1).add(0.2).add(0.3));
    return ln;
  }

  @Test
  void layerNormAndItsParameterTable() {
    // The parameter table gains the LayerNorm's weight and bias between the two Linear layers.
    Problem p = parse(withHidden(layerNorm()));
    LayerNormSpec ln = (LayerNormSpec) p.network().layers().get(1);
    assertArrayEquals(new int[] {4}, ln.normalizedShape());
    assertEquals(1e-5, ln.eps());
    assertArrayEquals(new double[] {1.0, 0.5, 2.0, 1.5}, ln.weight());
    assertEquals(6, p.network().params().size());
    assertEquals("weight", p.network().params().get(2).name());
    assertEquals(1, p.network().params().get(2).layer());
    assertEquals(16, p.network().params().get(2).offset());
    assertEquals(20, p.network().params().get(3).offset());

    ObjectNode scalar = layerNorm().put("normalized_shape", 4).put("eps", 1e-3);
    scalar.remove("bias");
    LayerNormSpec noBias = (LayerNormSpec) parse(withHidden(scalar)).network().layers().get(1);
    assertNull(noBias.bias());
    assertEquals(1e-3, noBias.eps());

    ObjectNode plain = node("layernorm").put("elementwise_affine", false);
    plain.putArray("normalized_shape").add(4);
    Problem pp = parse(withHidden(plain));
    assertEquals(4, pp.network().params().size(), "no affine: no parameters");
  }

  @Test
  void layerNormFieldsAreChecked() {
    ObjectNode three =
        node("layernorm").put("normalized_shape", 3).put("elementwise_affine", false);
    assertInvalid(
        withHidden(three),
        "model[1].normalized_shape",
        "must equal the trailing dimensions of the layer's input [4]");
    assertInvalid(withHidden(layerNorm().put("eps", 0.0)), "model[1].eps", "must be > 0");
    assertInvalid(
        withHidden(layerNorm().put("elementwise_affine", false)),
        "model[1].weight",
        "must be absent when elementwise_affine is false");
    assertInvalid(
        withHidden(layerNorm().put("elementwise_affine", "yes")),
        "model[1].elementwise_affine",
        "must be a boolean");
    ObjectNode noWeight = layerNorm();
    noWeight.remove("weight");
    assertInvalid(withHidden(noWeight), "model[1].weight", "required field is missing");
    ObjectNode shortBias = layerNorm();
    ((ArrayNode) shortBias.get("bias")).remove(0);
    assertInvalid(withHidden(shortBias), "model[1].bias", "");
    assertInvalid(withHidden(layerNorm().put("bias_", 1)), "model[1].bias_", "not a known field");
  }

  @Test
  void bceWithLogitsTakesTargetsInTheUnitInterval() {
    ObjectNode root = mlp("mse");
    ((ObjectNode) root.get("loss")).put("type", "bce_with_logits");
    Problem p = parse(root);
    assertEquals(LossType.BCE_WITH_LOGITS, p.loss().type());
    assertEquals(6, p.batch().yReal().length);
    ((ArrayNode) root.get("y").get(1))
        .set(1, ProblemFixtures.MAPPER.getNodeFactory().numberNode(1.5));
    assertInvalid(root, "y[1][1]", "bce_with_logits targets must lie in [0, 1]");
    ((ObjectNode) root.get("loss")).put("type", "bce");
    assertInvalid(root, "loss.type", "expected mse, cross_entropy or bce_with_logits");
  }

  @Test
  void monteCarloChangesTheGramSizeForTopK() {
    ObjectNode root = mlp("mse");
    comp(root).put("mc_samples_ggn", 3);
    ((ObjectNode) root.get("param_groups").get(0).get("criterion")).put("k", 9);
    assertEquals(3, parse(root).options().mcSamples());
    ((ObjectNode) root.get("param_groups").get(0).get("criterion")).put("k", 10);
    assertInvalid(
        root, "param_groups[0].criterion.k", "only M·N_ggn = 3·3 (Monte-Carlo) = 9 eigenvalues");
  }

  @Test
  void seedNeedsMonteCarloAndAnInteger() {
    ObjectNode root = mlp("mse");
    comp(root).put("seed", 5);
    assertInvalid(root, "computation.seed", "needs computation.mc_samples_ggn >= 1");
    comp(root).put("mc_samples_ggn", 1).put("seed", 1.5);
    assertInvalid(root, "computation.seed", "must be a 64-bit integer");
  }

  @Test
  void unknownLayerTypeListsTheNewOnes() {
    var e =
        assertInvalid(withHidden(node("swiglu")), "model[1].type", "unknown layer type 'swiglu'");
    assertInstanceOf(org.vivit4j.model.InvalidInputException.class, e);
    assertEquals(true, e.getMessage().contains("layernorm"));
  }

  @Test
  void dampingsAreReadForDampedNewtonOnly() {
    ObjectNode root = mlp("mse");
    comp(root).put("class", "vivit.DirectionalDampedNewtonComputation").put("damping", 0.5);
    Problem p = parse(root);
    assertEquals("damped_newton", p.computationClass());
    assertEquals(org.vivit4j.api.Damping.constant(0.5), p.damping());
    comp(root).putObject("damping").put("type", "constant").put("value", 2.0);
    assertEquals(org.vivit4j.api.Damping.constant(2.0), parse(root).damping());
    comp(root).putObject("damping").put("type", "lambda_standard_error");
    assertEquals(org.vivit4j.api.Damping.lambdaStandardError(1.0), parse(root).damping());
    comp(root).putObject("damping").put("type", "lambda_standard_error").put("scale", 3.0);
    assertEquals(org.vivit4j.api.Damping.lambdaStandardError(3.0), parse(root).damping());
    assertInstanceOf(
        org.vivit4j.api.DirectionalDampedNewtonComputation.class, parse(root).computation());

    comp(root).putObject("damping").put("type", "constant");
    assertInvalid(root, "computation.damping.value", "required field is missing");
    comp(root).putObject("damping").put("type", "constant").put("value", -1);
    assertInvalid(root, "computation.damping.value", "must be >= 0");
    comp(root).putObject("damping").put("type", "lambda_standard_error").put("value", 1);
    assertInvalid(root, "computation.damping.value", "not a known field");
    comp(root).putObject("damping").put("type", "bootstrap");
    assertInvalid(root, "computation.damping.type", "unknown damping type 'bootstrap'");
    comp(root).put("damping", "big");
    assertInvalid(root, "computation.damping", "must be an object");
    comp(root).put("class", "eigh").put("damping", 1.0);
    assertInvalid(root, "computation.damping", "only used by the damped_newton computation");
    comp(root).remove("damping");
    assertNull(parse(root).damping());
  }
}
