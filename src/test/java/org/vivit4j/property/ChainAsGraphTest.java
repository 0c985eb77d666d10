package org.vivit4j.property;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.Damping;
import org.vivit4j.api.GgnOutput;
import org.vivit4j.api.GroupResult;
import org.vivit4j.api.OutputsComputation;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.model.GraphNode;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamNames;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.TestBackends;

/**
 * A chain written as a graph (nodes {@code "0"}, {@code "1"}, … each reading the previous one)
 * gives bit for bit what the {@code model} list gives: every output, on every backend, for MLPs and
 * conv nets.
 */
class ChainAsGraphTest {

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String b : TestBackends.names()) {
      for (long seed = 0; seed < 4; seed++) {
        out.add(Arguments.of(ProblemSetting.random(300 + seed), b));
        out.add(Arguments.of(ProblemSetting.randomConv(300 + seed), b));
      }
    }
    return out.stream();
  }

  /** The graph form of a chain: node i named "i" reads node i − 1 (node 0 reads "x"). */
  static NetworkSpec asGraph(NetworkSpec chain) {
    List<GraphNode> nodes = new ArrayList<>();
    for (int i = 0; i < chain.layers().size(); i++) {
      String in = i == 0 ? "x" : String.valueOf(i - 1);
      nodes.add(
          new GraphNode(
              String.valueOf(i), chain.layers().get(i), List.of(in), "graph.nodes[" + i + "]"));
    }
    return NetworkSpec.graph(
        "graph", "x", nodes, String.valueOf(chain.layers().size() - 1), chain.inputShape());
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("cases")
  void aChainAsAGraphGivesTheSameBits(ProblemSetting s, String backend) {
    RandomProblems.Instance inst = s.instance();
    NetworkSpec chain = inst.network();
    NetworkSpec graph = asGraph(chain);
    assertEquals(ParamNames.of(chain), ParamNames.of(graph));
    int tensors = chain.params().size();
    List<ParamGroup> groups = new ArrayList<>();
    groups.add(
        new ParamGroup(
            "all", java.util.stream.IntStream.range(0, tensors).toArray(), Criterion.topK(1)));
    ComputationResult[] results = new ComputationResult[2];
    NetworkSpec[] nets = {chain, graph};
    for (int k = 0; k < 2; k++) {
      var c =
          new OutputsComputation(
              ComputationOptions.defaults(), EnumSet.allOf(GgnOutput.class), Damping.constant(0.1));
      results[k] = c.run(nets[k], inst.loss(), inst.batch(), groups, TestBackends.get(backend));
    }
    assertEquals(results[0].batch().loss(), results[1].batch().loss(), 0.0, "loss");
    assertArrayEquals(results[0].batch().grad(), results[1].batch().grad(), 0.0, "grad");
    for (ParamGroup g : groups) {
      GroupResult a = results[0].group(g);
      GroupResult b = results[1].group(g);
      assertArrayEquals(a.gramEvals(), b.gramEvals(), 0.0, "gram_evals");
      assertArrayEquals(a.evals(), b.evals(), 0.0, "evals");
      for (int r = 0; r < a.gammas().length; r++) {
        assertArrayEquals(a.gammas()[r], b.gammas()[r], 0.0, "gammas");
      }
      for (int r = 0; r < a.lambdas().length; r++) {
        assertArrayEquals(a.lambdas()[r], b.lambdas()[r], 0.0, "lambdas");
      }
      for (int r = 0; r < a.evecs().length; r++) {
        assertArrayEquals(a.evecs()[r], b.evecs()[r], 0.0, "evecs");
      }
      assertArrayEquals(a.newtonStep(), b.newtonStep(), 0.0, "newton_step");
    }
  }
}
