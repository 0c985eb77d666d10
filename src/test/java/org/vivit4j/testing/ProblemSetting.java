package org.vivit4j.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomConvNets;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.problems.RandomResidualNets;

/**
 * One test problem described as data: the network, loss, batch and how the computation is asked
 * (grouping, criterion, sub-sampling). Expanded into parametrised tests with readable ids; the axes
 * stack as in BackPACK's and ViViT's test settings.
 *
 * @param widths layer widths, input first
 * @param activations one per hidden layer
 * @param extras one per hidden layer: LayerNorm before its activation, or Identity / Dropout after
 * @param grouping how parameter tensors are grouped
 * @param criterion top-k or threshold; the concrete k or threshold is chosen from the reference
 *     spectrum so that the selection is well defined
 * @param subsampling which of the two sample subsets are used
 * @param conv a convolutional network instead of the MLP, or {@code null}
 * @param embedding an embedding in front of the MLP, or {@code null}
 * @param graph a random residual graph instead of a chain, or {@code null}
 */
public record ProblemSetting(
    String id,
    long seed,
    int[] widths,
    Activation[] activations,
    RandomProblems.Extra[] extras,
    LossType loss,
    Reduction reduction,
    int n,
    boolean bias,
    Grouping grouping,
    CriterionKind criterion,
    Subsampling subsampling,
    ConvSetting conv,
    EmbeddingSetting embedding,
    GraphSetting graph) {

  /** A chain setting ({@code graph} null). */
  public ProblemSetting(
      String id,
      long seed,
      int[] widths,
      Activation[] activations,
      RandomProblems.Extra[] extras,
      LossType loss,
      Reduction reduction,
      int n,
      boolean bias,
      Grouping grouping,
      CriterionKind criterion,
      Subsampling subsampling,
      ConvSetting conv,
      EmbeddingSetting embedding) {
    this(
        id,
        seed,
        widths,
        activations,
        extras,
        loss,
        reduction,
        n,
        bias,
        grouping,
        criterion,
        subsampling,
        conv,
        embedding,
        null);
  }

  /** A setting with an MLP or conv net (no embedding, {@code graph} null). */
  public ProblemSetting(
      String id,
      long seed,
      int[] widths,
      Activation[] activations,
      RandomProblems.Extra[] extras,
      LossType loss,
      Reduction reduction,
      int n,
      boolean bias,
      Grouping grouping,
      CriterionKind criterion,
      Subsampling subsampling,
      ConvSetting conv) {
    this(
        id,
        seed,
        widths,
        activations,
        extras,
        loss,
        reduction,
        n,
        bias,
        grouping,
        criterion,
        subsampling,
        conv,
        null,
        null);
  }

  /** An MLP setting (no convolution). */
  public ProblemSetting(
      String id,
      long seed,
      int[] widths,
      Activation[] activations,
      RandomProblems.Extra[] extras,
      LossType loss,
      Reduction reduction,
      int n,
      boolean bias,
      Grouping grouping,
      CriterionKind criterion,
      Subsampling subsampling) {
    this(
        id,
        seed,
        widths,
        activations,
        extras,
        loss,
        reduction,
        n,
        bias,
        grouping,
        criterion,
        subsampling,
        null,
        null);
  }

  /**
   * A convolutional network instead of the MLP of {@code widths} (which is then unused), and how
   * its Conv2d Gram is contracted.
   */
  public record ConvSetting(RandomConvNets.Arch arch, ConvGramPolicy policy) {}

  /**
   * An {@code Embedding(numEmbeddings, dim)} on {@code length} indices per sample, optionally a
   * LayerNorm over {@code dim}, and a flatten in front of the MLP of {@code widths} ({@code
   * widths[0] = length·dim}); with a {@code join}, the graph of {@link RandomEmbeddingNets} (one or
   * two embeddings reading the input side by side, {@code widths} without the input width).
   */
  public record EmbeddingSetting(
      int numEmbeddings,
      int dim,
      int length,
      boolean layerNorm,
      RandomEmbeddingNets.Join join,
      boolean residual,
      Integer paddingIdx) {
    /** The chain {@code Embedding → [LayerNorm] → Flatten → MLP} ({@code join} null). */
    public EmbeddingSetting(int numEmbeddings, int dim, int length, boolean layerNorm) {
      this(numEmbeddings, dim, length, layerNorm, null, false, null);
    }
  }

  /** A random residual graph ({@link RandomResidualNets}) with {@code outputs} outputs. */
  public record GraphSetting(int outputs) {}

  /** How the parameter tensors are grouped. */
  public enum Grouping {
    ALL,
    PER_LAYER,
    /** A random subset of tensors split into random groups (non-adjacent layers may share one). */
    RANDOM_SUBSETS
  }

  public enum CriterionKind {
    TOP_K,
    THRESHOLD
  }

  public enum Subsampling {
    NONE,
    GRAD,
    GGN,
    BOTH
  }

  public RandomProblems.Instance instance() {
    if (conv != null) {
      return RandomConvNets.instance(seed, conv.arch(), new LossSpec(loss, reduction), n);
    }
    if (graph != null) {
      return RandomResidualNets.instance(
          seed, graph.outputs(), new LossSpec(loss, reduction), n, null);
    }
    if (embedding != null && embedding.join() != null) {
      return RandomEmbeddingNets.instance(
          seed,
          embedding,
          embedding.join(),
          embedding.residual(),
          widths,
          activations,
          new LossSpec(loss, reduction),
          n);
    }
    if (embedding != null) {
      return RandomProblems.embeddingMlp(
          seed,
          embedding.numEmbeddings(),
          embedding.dim(),
          embedding.length(),
          embedding.layerNorm(),
          widths,
          activations,
          new LossSpec(loss, reduction),
          n);
    }
    return RandomProblems.mlp(
        seed, widths, activations, extras, new LossSpec(loss, reduction), n, bias);
  }

  @Override
  public String toString() {
    return id;
  }

  /**
   * The grid: activation × loss × reduction × grouping × criterion × sub-sampling, then the extra
   * layers (LayerNorm variants, Identity, Dropout) × loss × grouping × sub-sampling.
   */
  public static List<ProblemSetting> grid() {
    List<ProblemSetting> out = new ArrayList<>();
    long seed = 1;
    RandomProblems.Extra[] none = {RandomProblems.Extra.NONE, RandomProblems.Extra.NONE};
    for (Activation act : Activation.values()) {
      for (LossType loss : LossType.values()) {
        for (Reduction red : Reduction.values()) {
          for (Grouping g : Grouping.values()) {
            for (CriterionKind c : CriterionKind.values()) {
              for (Subsampling s : Subsampling.values()) {
                String id =
                    String.join(
                        "-",
                        act.typeName(),
                        loss.typeName(),
                        red.typeName(),
                        g.name().toLowerCase(),
                        c.name().toLowerCase(),
                        "sub_" + s.name().toLowerCase());
                out.add(
                    new ProblemSetting(
                        id,
                        seed++,
                        new int[] {4, 3, 3, outputs(loss)},
                        new Activation[] {act, act},
                        none,
                        loss,
                        red,
                        5,
                        true,
                        g,
                        c,
                        s));
              }
            }
          }
        }
      }
    }
    Activation[] acts = Activation.values();
    int a = 0;
    for (RandomProblems.Extra extra : RandomProblems.Extra.values()) {
      if (extra == RandomProblems.Extra.NONE) {
        continue;
      }
      for (LossType loss : LossType.values()) {
        for (Grouping g : Grouping.values()) {
          for (Subsampling s : Subsampling.values()) {
            Activation act = acts[a++ % acts.length];
            String id =
                String.join(
                    "-",
                    extra.name().toLowerCase(),
                    act.typeName(),
                    loss.typeName(),
                    g.name().toLowerCase(),
                    "sub_" + s.name().toLowerCase());
            out.add(
                new ProblemSetting(
                    id,
                    seed++,
                    new int[] {4, 5, 3, outputs(loss)},
                    new Activation[] {act, act},
                    new RandomProblems.Extra[] {extra, extra},
                    loss,
                    Reduction.MEAN,
                    5,
                    true,
                    g,
                    CriterionKind.TOP_K,
                    s));
          }
        }
      }
    }
    return out;
  }

  /**
   * A random small convolutional network ({@link RandomConvNets}: conv, activation, optional max or
   * average pooling, flatten, linear) and configuration, drawn from every axis, with a Conv2d Gram
   * policy drawn from auto, structured, explicit and each of the two in one-sample blocks.
   */
  public static ProblemSetting randomConv(long seed) {
    return randomConv(seed, RandomConvNets.Kind.CONV2D);
  }

  /** As {@link #randomConv(long)} with a first layer of {@code kind} (Conv1d: 1-d pools). */
  public static ProblemSetting randomConv(long seed, RandomConvNets.Kind kind) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x2545F4914F6CDD1DL + 91);
    LossType loss = rnd.nextBoolean() ? LossType.MSE : LossType.CROSS_ENTROPY;
    int outputs = loss == LossType.CROSS_ENTROPY ? 2 + rnd.nextInt(3) : 1 + rnd.nextInt(3);
    RandomConvNets.Arch arch = RandomConvNets.drawArch(rnd, outputs, kind);
    ConvGramPolicy policy =
        switch (rnd.nextInt(5)) {
          case 0 -> ConvGramPolicy.defaults();
          case 1 ->
              new ConvGramPolicy(
                  ConvGramPolicy.Mode.STRUCTURED, ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS);
          case 2 ->
              new ConvGramPolicy(
                  ConvGramPolicy.Mode.EXPLICIT, ConvGramPolicy.DEFAULT_MEMORY_ELEMENTS);
          case 3 -> new ConvGramPolicy(ConvGramPolicy.Mode.STRUCTURED, 1);
          default -> new ConvGramPolicy(ConvGramPolicy.Mode.EXPLICIT, 1);
        };
    Reduction red = rnd.nextBoolean() ? Reduction.MEAN : Reduction.SUM;
    int n = 1 + rnd.nextInt(4);
    String policyName = policy.mode().typeName() + (policy.memoryElements() == 1 ? "-blocks1" : "");
    return new ProblemSetting(
        "conv-" + seed + "-" + arch + "-" + loss.typeName() + "-" + policyName,
        seed,
        new int[0],
        new Activation[0],
        new RandomProblems.Extra[0],
        loss,
        red,
        n,
        true,
        Grouping.values()[rnd.nextInt(3)],
        CriterionKind.values()[rnd.nextInt(2)],
        Subsampling.values()[rnd.nextInt(4)],
        new ConvSetting(arch, policy),
        null);
  }

  /**
   * A random embedding network ({@link EmbeddingSetting}: {@code V ∈ [2, 7]}, {@code D ∈ [1, 4]}, 1
   * to 5 indices per sample, a LayerNorm on some with {@code D ≥ 3}) with an MLP of up to two
   * hidden layers, and a configuration drawn from every axis.
   */
  public static ProblemSetting randomEmbedding(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x61C8864680B583EBL + 7);
    LossType loss = LossType.values()[rnd.nextInt(LossType.values().length)];
    EmbeddingSetting e =
        new EmbeddingSetting(
            2 + rnd.nextInt(6), 1 + rnd.nextInt(4), 1 + rnd.nextInt(5), rnd.nextBoolean());
    if (e.dim() < 3 && e.layerNorm()) {
      // a LayerNorm over fewer than three features is too ill-conditioned for float32
      e = new EmbeddingSetting(e.numEmbeddings(), e.dim(), e.length(), false);
    }
    int hidden = rnd.nextInt(3);
    int[] widths = new int[hidden + 2];
    widths[0] = e.length() * e.dim();
    for (int l = 1; l <= hidden; l++) {
      widths[l] = 1 + rnd.nextInt(5);
    }
    widths[hidden + 1] = loss == LossType.CROSS_ENTROPY ? 2 + rnd.nextInt(3) : 1 + rnd.nextInt(3);
    Activation[] acts = new Activation[hidden];
    // activations from a stream of their own: adding an activation leaves the drawn
    // shapes, losses and options of every setting as they were
    SplittableRandom activationRnd = rnd.split();
    for (int l = 0; l < hidden; l++) {
      acts[l] = Activation.values()[activationRnd.nextInt(Activation.values().length)];
    }
    Reduction red = rnd.nextBoolean() ? Reduction.MEAN : Reduction.SUM;
    int n = 1 + rnd.nextInt(5);
    RandomProblems.Extra[] none = new RandomProblems.Extra[hidden];
    java.util.Arrays.fill(none, RandomProblems.Extra.NONE);
    return new ProblemSetting(
        String.format(
            "embedding-%d-V%d-D%d-L%d%s-%s-%s",
            seed,
            e.numEmbeddings(),
            e.dim(),
            e.length(),
            e.layerNorm() ? "-layernorm" : "",
            java.util.Arrays.toString(widths).replace(" ", ""),
            loss.typeName()),
        seed,
        widths,
        acts,
        none,
        loss,
        red,
        n,
        true,
        Grouping.values()[rnd.nextInt(3)],
        CriterionKind.values()[rnd.nextInt(2)],
        Subsampling.values()[rnd.nextInt(4)],
        null,
        e);
  }

  /**
   * A random embedding graph ({@link RandomEmbeddingNets}): the join, LayerNorm and residual Linear
   * drawn, sizes as in {@link #randomEmbedding}.
   */
  public static ProblemSetting randomEmbeddingGraph(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x3C6EF372FE94F82BL + 11);
    LossType loss = LossType.values()[rnd.nextInt(LossType.values().length)];
    RandomEmbeddingNets.Join join = RandomEmbeddingNets.GRAPH_JOINS.get((int) (seed % 4));
    int dim = 1 + rnd.nextInt(4);
    EmbeddingSetting e =
        new EmbeddingSetting(
            2 + rnd.nextInt(6),
            dim,
            1 + rnd.nextInt(4),
            // a LayerNorm over fewer than three features is too ill-conditioned for float32
            dim >= 3 && rnd.nextBoolean(),
            join,
            rnd.nextBoolean(),
            null);
    int hidden = rnd.nextInt(3);
    int[] widths = new int[hidden + 1];
    for (int l = 0; l < hidden; l++) {
      widths[l] = 1 + rnd.nextInt(5);
    }
    widths[hidden] = loss == LossType.CROSS_ENTROPY ? 2 + rnd.nextInt(3) : 1 + rnd.nextInt(3);
    Activation[] acts = new Activation[hidden];
    // activations from a stream of their own: adding an activation leaves the drawn
    // shapes, losses and options of every setting as they were
    SplittableRandom activationRnd = rnd.split();
    for (int l = 0; l < hidden; l++) {
      acts[l] = Activation.values()[activationRnd.nextInt(Activation.values().length)];
    }
    Reduction red = rnd.nextBoolean() ? Reduction.MEAN : Reduction.SUM;
    int n = 1 + rnd.nextInt(5);
    RandomProblems.Extra[] none = new RandomProblems.Extra[hidden];
    java.util.Arrays.fill(none, RandomProblems.Extra.NONE);
    return new ProblemSetting(
        String.format(
            "embedding-graph-%d-%s%s-V%d-D%d-L%d%s-%s-%s",
            seed,
            join.name().toLowerCase(),
            e.residual() ? "-residual" : "",
            e.numEmbeddings(),
            e.dim(),
            e.length(),
            e.layerNorm() ? "-layernorm" : "",
            java.util.Arrays.toString(widths).replace(" ", ""),
            loss.typeName()),
        seed,
        widths,
        acts,
        none,
        loss,
        red,
        n,
        true,
        Grouping.values()[rnd.nextInt(3)],
        CriterionKind.values()[rnd.nextInt(2)],
        Subsampling.values()[rnd.nextInt(4)],
        null,
        e);
  }

  /**
   * A random embedding network with {@code padding_idx} ({@link RandomEmbeddingNets}): a chain or a
   * graph of every join, the padding index drawn in {@code [−V, V)} (negative ones count from the
   * end), about a third of the indices hitting the padding row.
   */
  public static ProblemSetting randomPaddedEmbedding(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x510E527FADE682D1L + 13);
    LossType loss = LossType.values()[rnd.nextInt(LossType.values().length)];
    RandomEmbeddingNets.Join join =
        RandomEmbeddingNets.Join.values()[(int) (seed % RandomEmbeddingNets.Join.values().length)];
    int dim = 1 + rnd.nextInt(4);
    int v = 2 + rnd.nextInt(6);
    EmbeddingSetting e =
        new EmbeddingSetting(
            v,
            dim,
            1 + rnd.nextInt(4),
            // a LayerNorm over fewer than three features is too ill-conditioned for float32
            dim >= 3 && rnd.nextBoolean(),
            join,
            join != RandomEmbeddingNets.Join.CHAIN && rnd.nextBoolean(),
            rnd.nextInt(2 * v) - v);
    int hidden = rnd.nextInt(3);
    int[] widths = new int[hidden + 1];
    for (int l = 0; l < hidden; l++) {
      widths[l] = 1 + rnd.nextInt(5);
    }
    widths[hidden] = loss == LossType.CROSS_ENTROPY ? 2 + rnd.nextInt(3) : 1 + rnd.nextInt(3);
    Activation[] acts = new Activation[hidden];
    // activations from a stream of their own: adding an activation leaves the drawn
    // shapes, losses and options of every setting as they were
    SplittableRandom activationRnd = rnd.split();
    for (int l = 0; l < hidden; l++) {
      acts[l] = Activation.values()[activationRnd.nextInt(Activation.values().length)];
    }
    Reduction red = rnd.nextBoolean() ? Reduction.MEAN : Reduction.SUM;
    int n = 1 + rnd.nextInt(5);
    RandomProblems.Extra[] none = new RandomProblems.Extra[hidden];
    java.util.Arrays.fill(none, RandomProblems.Extra.NONE);
    return new ProblemSetting(
        String.format(
            "embedding-padding%d-%d-%s%s-V%d-D%d-L%d%s-%s-%s",
            e.paddingIdx(),
            seed,
            join.name().toLowerCase(),
            e.residual() ? "-residual" : "",
            e.numEmbeddings(),
            e.dim(),
            e.length(),
            e.layerNorm() ? "-layernorm" : "",
            java.util.Arrays.toString(widths).replace(" ", ""),
            loss.typeName()),
        seed,
        widths,
        acts,
        none,
        loss,
        red,
        n,
        true,
        Grouping.values()[rnd.nextInt(3)],
        CriterionKind.values()[rnd.nextInt(2)],
        Subsampling.values()[rnd.nextInt(4)],
        null,
        e);
  }

  /** A random small network and configuration, drawn from every axis. */
  private static int outputs(LossType loss) {
    return loss == LossType.CROSS_ENTROPY ? 3 : 2;
  }

  /**
   * A random small network and configuration, drawn from every axis: all activations and losses,
   * and in some hidden blocks a LayerNorm (only on widths ≥ 3: a LayerNorm over two features has a
   * Jacobian of size {@code eps/v}, which float32 cannot resolve), an Identity or a Dropout.
   */
  public static ProblemSetting random(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
    LossType[] losses = LossType.values();
    LossType loss = losses[rnd.nextInt(losses.length)];
    int hidden = rnd.nextInt(4);
    int[] widths = new int[hidden + 2];
    widths[0] = 1 + rnd.nextInt(6);
    for (int l = 1; l <= hidden; l++) {
      widths[l] = 1 + rnd.nextInt(6);
    }
    // Cross-entropy with one class has a zero Hessian; it needs at least two.
    widths[hidden + 1] = loss == LossType.CROSS_ENTROPY ? 2 + rnd.nextInt(4) : 1 + rnd.nextInt(4);
    Activation[] acts = new Activation[hidden];
    RandomProblems.Extra[] extras = new RandomProblems.Extra[hidden];
    RandomProblems.Extra[] kinds = RandomProblems.Extra.values();
    // activations from a stream of their own: adding an activation leaves the drawn
    // shapes, losses and options of every setting as they were
    SplittableRandom activationRnd = rnd.split();
    for (int l = 0; l < hidden; l++) {
      acts[l] = Activation.values()[activationRnd.nextInt(Activation.values().length)];
      // About half the hidden blocks get an extra layer.
      RandomProblems.Extra e = rnd.nextBoolean() ? kinds[rnd.nextInt(kinds.length)] : kinds[0];
      extras[l] = e.isLayerNorm() && widths[l + 1] < 3 ? RandomProblems.Extra.NONE : e;
    }
    Reduction red = rnd.nextBoolean() ? Reduction.MEAN : Reduction.SUM;
    int n = 1 + rnd.nextInt(6);
    return new ProblemSetting(
        "random-" + seed,
        seed,
        widths,
        acts,
        extras,
        loss,
        red,
        n,
        rnd.nextInt(10) != 0,
        Grouping.values()[rnd.nextInt(3)],
        CriterionKind.values()[rnd.nextInt(2)],
        Subsampling.values()[rnd.nextInt(4)]);
  }

  /**
   * A random residual network as a graph ({@link RandomResidualNets}: identity and projected
   * shortcuts, sums of two or three branches with random scales, concatenation, scale; Linear or
   * Conv2d blocks) and a configuration drawn from every axis: loss, reduction, grouping, criterion,
   * sub-sampling.
   */
  public static ProblemSetting randomGraph(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x6A09E667F3BCC909L + 29);
    LossType[] losses = LossType.values();
    LossType loss = losses[rnd.nextInt(losses.length)];
    int outputs = loss == LossType.CROSS_ENTROPY ? 2 + rnd.nextInt(3) : 1 + rnd.nextInt(3);
    Reduction red = rnd.nextBoolean() ? Reduction.MEAN : Reduction.SUM;
    int n = 1 + rnd.nextInt(4);
    StringBuilder what = new StringBuilder();
    RandomResidualNets.instance(seed, outputs, new LossSpec(loss, red), n, what);
    return new ProblemSetting(
        "graph-" + seed + "-" + what + "-" + loss.typeName(),
        seed,
        new int[0],
        new Activation[0],
        new RandomProblems.Extra[0],
        loss,
        red,
        n,
        true,
        Grouping.values()[rnd.nextInt(3)],
        CriterionKind.values()[rnd.nextInt(2)],
        Subsampling.values()[rnd.nextInt(4)],
        null,
        null,
        new GraphSetting(outputs));
  }
}
