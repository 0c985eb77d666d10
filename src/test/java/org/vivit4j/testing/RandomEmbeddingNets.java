package org.vivit4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.GraphNode;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.problems.RandomProblems;

/**
 * Seeded random embedding networks as graphs, for the tests against the reference: one or two
 * embeddings read the indices {@code x} side by side and are joined ({@link Join}), then an
 * optional LayerNorm over D, a flatten, and an MLP with, half of the time, a residual Linear from
 * the flattened features straight to the output ({@code out = mlp(flat) + skip(flat)}: the
 * flattened value feeds two nodes). Weights as PyTorch initialises them (embedding standard normal,
 * Linear {@code U(±1/√fan_in)}); indices uniform in the smaller table's range, so they repeat
 * within and across samples.
 */
public final class RandomEmbeddingNets {
  private RandomEmbeddingNets() {}

  /** How the embeddings are joined. */
  public enum Join {
    /** A {@code model} list: Embedding → [LayerNorm] → Flatten → MLP, no residual. */
    CHAIN,
    /** One embedding. */
    SINGLE,
    /** {@code add(emb_a, emb_b)} of two tables of one D, with random scales half of the time. */
    ADD,
    /** {@code concat(emb_a, emb_b)}: {@code [2L, D]}. */
    CONCAT,
    /** {@code add(emb_a, emb_a)}: one embedding's output read twice by one node. */
    SELF_ADD
  }

  /** The joins of graphs. */
  public static final List<Join> GRAPH_JOINS =
      List.of(Join.SINGLE, Join.ADD, Join.CONCAT, Join.SELF_ADD);

  /**
   * A drawn instance.
   *
   * @param e the embedding setting ({@code length} indices per sample, tables of {@code
   *     numEmbeddings} and, for a second one, {@code numEmbeddings + 1} rows; its {@code
   *     paddingIdx} for the first table, the second one's last row for the second)
   * @param join how the embeddings are joined
   * @param residual whether a Linear from the flattened features is added to the MLP's output
   * @param widths the MLP's hidden and output widths (its input is the flattened size)
   */
  public static RandomProblems.Instance instance(
      long seed,
      ProblemSetting.EmbeddingSetting e,
      Join join,
      boolean residual,
      int[] widths,
      Activation[] activations,
      LossSpec loss,
      int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int v = e.numEmbeddings();
    int d = e.dim();
    List<GraphNode> nodes = new ArrayList<>();
    Integer pad = e.paddingIdx();
    add(nodes, "emb_a", new EmbeddingSpec(v, d, normal(rnd, v * d), pad), "x");
    String joined = "emb_a";
    int rows = e.length();
    switch (join) {
      case CHAIN, SINGLE -> {}
      case ADD, CONCAT -> {
        add(
            nodes,
            "emb_b",
            new EmbeddingSpec(v + 1, d, normal(rnd, (v + 1) * d), pad == null ? null : -1),
            "x");
        LayerSpec j;
        if (join == Join.CONCAT) {
          j = new ConcatSpec();
          rows *= 2;
        } else {
          j = new AddSpec(rnd.nextBoolean() ? null : uniform(rnd, 2, 1.5));
        }
        add(nodes, "join", j, "emb_a", "emb_b");
        joined = "join";
      }
      case SELF_ADD -> {
        add(nodes, "join", new AddSpec(null), "emb_a", "emb_a");
        joined = "join";
      }
    }
    if (e.layerNorm()) {
      double[] gamma = uniform(rnd, d, 0.5);
      for (int i = 0; i < d; i++) {
        gamma[i] += 1;
      }
      add(
          nodes,
          "norm",
          new LayerNormSpec(new int[] {d}, 1e-5, gamma, uniform(rnd, d, 0.5)),
          joined);
      joined = "norm";
    }
    add(nodes, "flat", new FlattenSpec(1, -1), joined);
    int features = rows * d;
    int[] mlpWidths = new int[widths.length + 1];
    mlpWidths[0] = features;
    System.arraycopy(widths, 0, mlpWidths, 1, widths.length);
    List<LayerSpec> mlp = RandomProblems.mlpNetwork(rnd, mlpWidths, activations, true).layers();
    String prev = "flat";
    for (int i = 0; i < mlp.size(); i++) {
      add(nodes, "mlp" + i, mlp.get(i), prev);
      prev = "mlp" + i;
    }
    int c = widths[widths.length - 1];
    if (residual) {
      double bound = 1 / Math.sqrt(features);
      add(
          nodes,
          "skip",
          new LinearSpec(features, c, uniform(rnd, c * features, bound), uniform(rnd, c, bound)),
          "flat");
      add(nodes, "out", new AddSpec(null), prev, "skip");
      prev = "out";
    }
    NetworkSpec net =
        join == Join.CHAIN
            ? new NetworkSpec(nodes.stream().map(GraphNode::spec).toList(), new int[] {e.length()})
            : NetworkSpec.graph("graph", "x", nodes, prev, new int[] {e.length()});
    int padRow = pad == null ? -1 : (pad < 0 ? pad + v : pad);
    double[] x = new double[n * e.length()];
    for (int i = 0; i < x.length; i++) {
      // about a third of the indices hit the padding row
      x[i] = padRow >= 0 && rnd.nextInt(3) == 0 ? padRow : rnd.nextInt(v);
    }
    Batch batch =
        switch (loss.type()) {
          case MSE -> new Batch(n, x, normal(rnd, n * c), null);
          case CROSS_ENTROPY -> new Batch(n, x, null, rnd.ints(n, 0, c).toArray());
          case BCE_WITH_LOGITS -> new Batch(n, x, rnd.doubles(n * c).toArray(), null);
        };
    return new RandomProblems.Instance(net, loss, batch);
  }

  /** Appends node {@code name} at the next position, {@code graph.nodes[j]}. */
  private static void add(List<GraphNode> nodes, String name, LayerSpec spec, String... inputs) {
    nodes.add(new GraphNode(name, spec, List.of(inputs), "graph.nodes[" + nodes.size() + "]"));
  }

  private static double[] uniform(SplittableRandom rnd, int n, double bound) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextDouble(-bound, bound);
    }
    return a;
  }

  /** Standard normal entries (Box–Muller). */
  private static double[] normal(SplittableRandom rnd, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      double u = 1 - rnd.nextDouble();
      a[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
    return a;
  }
}
