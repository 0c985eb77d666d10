package org.vivit4j.property;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.testing.NewtonCheck;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.ReferenceCheck;
import org.vivit4j.testing.TestBackends;

/**
 * Embeddings in graphs ({@link ProblemSetting#randomEmbeddingGraph}): one or two embeddings read
 * the indices side by side, joined by a sum, a scaled sum, a concatenation or a sum of one
 * embedding with itself, with a residual Linear around the MLP half of the time; through the fast
 * path against the reference on every backend, every fourth with the Monte-Carlo GGN, every fifth
 * also for the damped Newton step ({@code V·w} of factors summed where the embeddings' outputs
 * meet).
 */
class EmbeddingGraphsTest {
  /** Random embedding graphs per backend. */
  static final int EMBEDDING_GRAPHS = 40;

  static Stream<Arguments> embeddingGraphs() {
    return TestBackends.names().stream()
        .flatMap(
            b ->
                LongStream.range(0, EMBEDDING_GRAPHS)
                    .mapToObj(
                        seed ->
                            Arguments.of(
                                ProblemSetting.randomEmbeddingGraph(seed),
                                b,
                                seed % 4 == 1 ? 1 + (int) (seed % 3) : 0)));
  }

  @ParameterizedTest(name = "{0} on {1}, M = {2}")
  @MethodSource("embeddingGraphs")
  void embeddingGraphs(ProblemSetting setting, String backend, int mcSamples) {
    ReferenceCheck.check(setting, backend, mcSamples, 53L * setting.seed());
    if (setting.seed() % 5 == 2) {
      NewtonCheck.check(
          setting, backend, mcSamples, 59L * setting.seed(), NewtonCheck.DampingKind.CONSTANT);
    }
  }

  /** Random embedding networks with {@code padding_idx} per backend. */
  static final int PADDED_EMBEDDINGS = 40;

  static Stream<Arguments> paddedEmbeddings() {
    return TestBackends.names().stream()
        .flatMap(
            b ->
                LongStream.range(0, PADDED_EMBEDDINGS)
                    .mapToObj(
                        seed ->
                            Arguments.of(
                                ProblemSetting.randomPaddedEmbedding(seed),
                                b,
                                seed % 4 == 3 ? 1 + (int) (seed % 3) : 0)));
  }

  /**
   * {@code padding_idx}: the padding row is read as stored but has a zero Jacobian; the fast path
   * against the reference, which takes the row as a constant of its tape.
   */
  @ParameterizedTest(name = "{0} on {1}, M = {2}")
  @MethodSource("paddedEmbeddings")
  void paddedEmbeddings(ProblemSetting setting, String backend, int mcSamples) {
    ReferenceCheck.check(setting, backend, mcSamples, 61L * setting.seed());
    if (setting.seed() % 5 == 4) {
      NewtonCheck.check(
          setting, backend, mcSamples, 67L * setting.seed(), NewtonCheck.DampingKind.CONSTANT);
    }
  }

  /**
   * The padded networks hold chains and every join, negative and non-negative {@code padding_idx},
   * and inputs that hit the padding row.
   */
  @Test
  void thePaddedNetworksHitThePaddingRow() {
    Set<String> seen = new HashSet<>();
    for (long seed = 0; seed < PADDED_EMBEDDINGS; seed++) {
      ProblemSetting s = ProblemSetting.randomPaddedEmbedding(seed);
      var inst = s.instance();
      EmbeddingSpec e = (EmbeddingSpec) inst.network().layers().get(0);
      seen.add(s.embedding().join().name());
      seen.add(e.paddingIdx() < 0 ? "negative" : "non-negative");
      for (double x : inst.batch().x()) {
        if (x == e.paddingRow()) {
          seen.add("hit");
        }
      }
    }
    for (String kind :
        new String[] {
          "CHAIN", "SINGLE", "ADD", "CONCAT", "SELF_ADD", "negative", "non-negative", "hit"
        }) {
      assertTrue(seen.contains(kind), "no padded embedding network has " + kind + ": " + seen);
    }
  }

  /**
   * The drawn graphs hold every join, a residual Linear, and two embeddings reading the input (the
   * network input feeds two nodes).
   */
  @Test
  void theDrawnGraphsCoverEveryJoin() {
    Set<String> seen = new HashSet<>();
    for (long seed = 0; seed < EMBEDDING_GRAPHS; seed++) {
      ProblemSetting s = ProblemSetting.randomEmbeddingGraph(seed);
      NetworkSpec net = s.instance().network();
      assertTrue(net.isGraph(), s.id());
      seen.add(s.embedding().join().name());
      int readers = 0;
      for (int i = 0; i < net.layers().size(); i++) {
        if (net.inputsOf(i)[0] == 0) {
          assertEquals("embedding", net.layers().get(i).type(), s.id());
          readers++;
        }
        if (net.nodeName(i).equals("skip")) {
          seen.add("residual");
        }
      }
      seen.add(readers + " embeddings");
    }
    for (String kind :
        new String[] {
          "SINGLE", "ADD", "CONCAT", "SELF_ADD", "residual", "1 embeddings", "2 embeddings"
        }) {
      assertTrue(seen.contains(kind), "no random embedding graph has " + kind + ": " + seen);
    }
  }
}
