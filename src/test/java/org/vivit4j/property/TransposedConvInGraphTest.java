package org.vivit4j.property;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;
import org.vivit4j.layers.ConvTranspose1dLayer.ConvTranspose1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.GraphNode;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.ReferenceCheck;
import org.vivit4j.testing.TestBackends;

/**
 * A transposed convolution in a graph whose next node reads another value (so the value after it is
 * not the next node's input): {@code convtranspose2d} and {@code convtranspose1d} with a stride
 * that changes the grid, beside a branch on the input, joined by a concat, against the reference on
 * every backend.
 */
class TransposedConvInGraphTest {
  static List<String> backends() {
    return TestBackends.names();
  }

  private static double[] uniform(SplittableRandom rnd, int count) {
    return rnd.doubles(count, -0.5, 0.5).toArray();
  }

  /** {@code up = ct(x)}, {@code side = tanh(x)}, {@code linear(concat(flat(up), flat(side)))}. */
  private static void check(LayerSpec ct, int[] input, String backend, String id) {
    SplittableRandom rnd = new SplittableRandom(id.hashCode());
    NetworkSpec probe = new NetworkSpec(List.of(ct, new FlattenSpec(1, -1)), input);
    int up = probe.outputSize();
    int side = (int) org.vivit4j.model.ArraySizes.product(input);
    int c = 3;
    LinearSpec head = new LinearSpec(up + side, c, uniform(rnd, c * (up + side)), uniform(rnd, c));
    List<GraphNode> nodes =
        List.of(
            new GraphNode("up", ct, List.of("x"), "model.nodes[0]"),
            new GraphNode(
                "side", new ActivationSpec(Activation.TANH), List.of("x"), "model.nodes[1]"),
            new GraphNode("flat_up", new FlattenSpec(1, -1), List.of("up"), "model.nodes[2]"),
            new GraphNode("flat_side", new FlattenSpec(1, -1), List.of("side"), "model.nodes[3]"),
            new GraphNode(
                "cat", new ConcatSpec(), List.of("flat_up", "flat_side"), "model.nodes[4]"),
            new GraphNode("head", head, List.of("cat"), "model.nodes[5]"));
    NetworkSpec net = NetworkSpec.graph("model", "x", nodes, "head", input);
    int n = 3;
    Batch batch =
        new Batch(
            n,
            rnd.doubles(n * net.inputSize(), -2, 2).toArray(),
            null,
            rnd.ints(n, 0, c).toArray());
    RandomProblems.Instance inst =
        new RandomProblems.Instance(
            net, new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN), batch);
    int tensors = net.params().size();
    ReferenceCheck.check(
        id,
        id.hashCode(),
        ProblemSetting.CriterionKind.TOP_K,
        new ReferenceCheck.Drawn(inst, List.of(IntStream.range(0, tensors).toArray()), null, null),
        backend,
        0,
        0L);
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("backends")
  void convTranspose2dBesideABranch(String backend) {
    SplittableRandom rnd = new SplittableRandom(5);
    ConvTranspose2dSpec ct =
        new ConvTranspose2dSpec(
            2,
            2,
            new int[] {2, 1},
            new int[] {2, 2},
            new int[] {0, 0},
            new int[] {1, 0},
            new int[] {1, 1},
            uniform(rnd, 2 * 2 * 2),
            uniform(rnd, 2));
    check(ct, new int[] {2, 3, 4}, backend, "convtranspose2d-graph");
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("backends")
  void convTranspose1dBesideABranch(String backend) {
    SplittableRandom rnd = new SplittableRandom(6);
    ConvTranspose1dSpec ct =
        new ConvTranspose1dSpec(2, 3, 2, 2, 0, 1, 1, uniform(rnd, 2 * 3 * 2), uniform(rnd, 3));
    check(ct, new int[] {2, 5}, backend, "convtranspose1d-graph");
  }
}
