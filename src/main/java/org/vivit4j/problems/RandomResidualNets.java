package org.vivit4j.problems;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.ConcatLayer.ConcatSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;
import org.vivit4j.layers.ScaleLayer.ScaleSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.GraphNode;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * Seeded random small residual networks as graphs, for property tests against the dense reference:
 * a stem, one to three blocks, a Linear head. A block is, drawn at random, a residual block with an
 * identity shortcut ({@code add(x, f(x))}) or a projected one ({@code add(P x, f(x))}), a sum of
 * three branches, a concatenation of a branch and its input along channels, or a {@code scale};
 * sums carry random per-branch scales about half the time, and an activation may follow a join. Two
 * families: vectors ({@code [D]}, Linear branches) and images ({@code [C, H, W]}, 3×3 Conv2d
 * branches with padding 1 and 1×1 projections, sometimes a max pool). About a quarter of the graphs
 * list their nodes shuffled (the network sorts them). Weights follow PyTorch's default
 * initialisation {@code U(−1/√fan_in, 1/√fan_in)}; inputs are standard normal.
 */
public final class RandomResidualNets {
  private RandomResidualNets() {}

  /** A drawn network and a short description of its blocks, for test ids. */
  public record Drawn(NetworkSpec network, String description) {}

  /** The kinds of block. */
  enum Block {
    IDENTITY_SHORTCUT,
    PROJECTED_SHORTCUT,
    THREE_BRANCHES,
    CONCAT,
    SCALE
  }

  /** Draws a network with {@code outputs} outputs from {@code rnd}. */
  public static Drawn draw(SplittableRandom rnd, int outputs) {
    boolean conv = rnd.nextBoolean();
    int[] input =
        conv
            ? new int[] {1 + rnd.nextInt(2), 3 + rnd.nextInt(2), 3 + rnd.nextInt(2)}
            : new int[] {2 + rnd.nextInt(4)};
    Builder b = new Builder(rnd, conv, input);
    StringBuilder what = new StringBuilder(conv ? "conv" : "vec");
    String v = b.stem();
    int blocks = 1 + rnd.nextInt(3);
    for (int k = 0; k < blocks; k++) {
      Block block = Block.values()[rnd.nextInt(Block.values().length)];
      what.append('-').append(block.name().toLowerCase().replace("_shortcut", ""));
      v = b.block(block, v);
      if (conv && rnd.nextInt(5) == 0 && b.shape(v)[1] >= 3 && b.shape(v)[2] >= 3) {
        v = b.node("pool", maxPool(), v);
        what.append("-maxpool");
      }
    }
    if (conv) {
      v = b.node("flatten", new FlattenSpec(1, -1), v);
    }
    v = b.node("fc", b.linear(b.shape(v)[0], outputs, true), v);
    boolean shuffled = rnd.nextInt(4) == 0;
    if (shuffled) {
      what.append("-shuffled");
    }
    return new Drawn(b.network(v, shuffled), what.toString());
  }

  private static MaxPool2dSpec maxPool() {
    return new MaxPool2dSpec(
        new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1});
  }

  /**
   * A drawn network with a batch of {@code n} samples (targets as {@link RandomProblems#mlp}).
   *
   * @param outputs the network's output size C
   */
  public static RandomProblems.Instance instance(
      long seed, int outputs, LossSpec loss, int n, StringBuilder description) {
    SplittableRandom rnd = new SplittableRandom(seed);
    Drawn d = draw(rnd, outputs);
    if (description != null) {
      description.append(d.description());
    }
    NetworkSpec net = d.network();
    int c = outputs;
    double[] x = RandomProblems.normal(rnd, n * net.inputSize());
    Batch batch =
        switch (loss.type()) {
          case MSE -> new Batch(n, x, RandomProblems.normal(rnd, n * c), null);
          case CROSS_ENTROPY -> new Batch(n, x, null, rnd.ints(n, 0, c).toArray());
          case BCE_WITH_LOGITS -> new Batch(n, x, rnd.doubles(n * c).toArray(), null);
        };
    return new RandomProblems.Instance(net, loss, batch);
  }

  /** Collects nodes with unique names and their shapes. */
  private static final class Builder {
    private final SplittableRandom rnd;
    private final boolean conv;
    private final List<GraphNode> nodes = new ArrayList<>();
    private final Map<String, int[]> shapes = new HashMap<>();
    private int counter;

    Builder(SplittableRandom rnd, boolean conv, int[] input) {
      this.rnd = rnd;
      this.conv = conv;
      shapes.put("x", input);
    }

    int[] shape(String v) {
      return shapes.get(v);
    }

    /** Adds a node reading {@code inputs}; returns its name. */
    String node(String kind, LayerSpec spec, String... inputs) {
      String name = kind + (counter++);
      List<int[]> in = new ArrayList<>();
      for (String i : inputs) {
        in.add(shapes.get(i));
      }
      shapes.put(name, spec.outputShape(in, name));
      nodes.add(new GraphNode(name, spec, List.of(inputs), name));
      return name;
    }

    /** Width or channels of a value. */
    int width(String v) {
      return shapes.get(v)[0];
    }

    String stem() {
      int w = 1 + rnd.nextInt(conv ? 2 : 4);
      String v = node(conv ? "conv" : "fc", weights(width("x"), w, 3, true), "x");
      return rnd.nextBoolean() ? activation(v) : v;
    }

    String activation(String v) {
      Activation act = Activation.values()[rnd.nextInt(Activation.values().length)];
      return node("act", new ActivationSpec(act, act.drawParam(rnd)), v);
    }

    /** A Linear (vectors) or Conv2d with a {@code k×k} kernel and padding {@code k/2}. */
    LayerSpec weights(int in, int out, int k, boolean bias) {
      return conv ? conv(in, out, k, bias) : linear(in, out, bias);
    }

    LinearSpec linear(int in, int out, boolean bias) {
      double bound = 1 / Math.sqrt(in);
      return new LinearSpec(
          in,
          out,
          RandomProblems.uniform(rnd, in * out, bound),
          bias ? RandomProblems.uniform(rnd, out, bound) : null);
    }

    Conv2dSpec conv(int in, int out, int k, boolean bias) {
      int fanIn = in * k * k;
      double bound = 1 / Math.sqrt(fanIn);
      int[] one = {1, 1};
      return new Conv2dSpec(
          in,
          out,
          new int[] {k, k},
          one,
          new int[] {k / 2, k / 2},
          one,
          RandomProblems.uniform(rnd, out * fanIn, bound),
          bias ? RandomProblems.uniform(rnd, out, bound) : null);
    }

    /** A branch {@code weights → activation → [weights]} from {@code v} to width {@code out}. */
    String branch(String v, int out) {
      String h = node(conv ? "conv" : "fc", weights(width(v), out, 3, rnd.nextBoolean()), v);
      h = activation(h);
      if (rnd.nextBoolean()) {
        h = node(conv ? "conv" : "fc", weights(out, out, 3, true), h);
      }
      return h;
    }

    /** An add with scale 1 on every branch (no key), or random scales. */
    AddSpec add(int k) {
      if (rnd.nextBoolean()) {
        return AddSpec.plain();
      }
      double[] s = new double[k];
      for (int j = 0; j < k; j++) {
        s[j] = rnd.nextInt(3) == 0 ? 1.0 : rnd.nextDouble(-1.5, 1.5);
      }
      return new AddSpec(s);
    }

    String block(Block block, String v) {
      int w = width(v);
      String out =
          switch (block) {
            case IDENTITY_SHORTCUT -> {
              // sometimes the same value on both sides: add(v, v)
              String h = rnd.nextInt(6) == 0 ? v : branch(v, w);
              yield node("add", add(2), v, h);
            }
            case PROJECTED_SHORTCUT -> {
              int w2 = 1 + rnd.nextInt(conv ? 3 : 4);
              String p = node(conv ? "proj" : "proj", weights(w, w2, 1, rnd.nextBoolean()), v);
              yield node("add", add(2), p, branch(v, w2));
            }
            case THREE_BRANCHES -> node("add", add(3), branch(v, w), v, branch(v, w));
            case CONCAT -> {
              String a = branch(v, 1 + rnd.nextInt(2));
              yield rnd.nextBoolean()
                  ? node("cat", new ConcatSpec(), a, v)
                  : node("cat", new ConcatSpec(), v, a, branch(v, 1));
            }
            case SCALE -> node("scale", new ScaleSpec(rnd.nextDouble(-2, 2)), v);
          };
      return block != Block.SCALE && rnd.nextBoolean() ? activation(out) : out;
    }

    NetworkSpec network(String output, boolean shuffled) {
      List<GraphNode> listed = new ArrayList<>(nodes);
      if (shuffled) {
        Collections.shuffle(listed, new java.util.Random(rnd.nextLong()));
      }
      List<GraphNode> placed = new ArrayList<>();
      for (int j = 0; j < listed.size(); j++) {
        GraphNode g = listed.get(j);
        placed.add(new GraphNode(g.name(), g.spec(), g.inputs(), "graph.nodes[" + j + "]"));
      }
      return NetworkSpec.graph("graph", "x", placed, output, shapes.get("x"));
    }
  }
}
