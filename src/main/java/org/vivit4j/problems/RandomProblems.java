package org.vivit4j.problems;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.DropoutLayer.DropoutSpec;
import org.vivit4j.layers.EmbeddingLayer.EmbeddingSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.IdentityLayer.IdentitySpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;

/**
 * Seeded random networks and mini-batches: freshly drawn weights and data for the seed architecture
 * ({@code seed --random}) and random small MLPs for property tests. Weights follow PyTorch's
 * default Linear initialisation {@code U(−1/√I, 1/√I)}; inputs are standard normal.
 */
public final class RandomProblems {
  private RandomProblems() {}

  /** A network with its loss and batch. */
  public record Instance(NetworkSpec network, LossSpec loss, Batch batch) {}

  /**
   * A layer added to a hidden block {@code Linear → [LayerNorm] → activation → [Identity or
   * Dropout]} of a random network.
   */
  public enum Extra {
    NONE,
    /** LayerNorm over the block's width with random weight and bias, before the activation. */
    LAYER_NORM,
    /** LayerNorm without elementwise affine (no parameters), before the activation. */
    LAYER_NORM_PLAIN,
    /**
     * LayerNorm with a weight but no bias (PyTorch's {@code bias=False}), before the activation.
     */
    LAYER_NORM_NO_BIAS,
    /** Identity after the activation. */
    IDENTITY,
    /** Dropout (the identity at evaluation) after the activation. */
    DROPOUT,
    /**
     * BatchNorm1d in evaluation mode over the block's width (random γ, β and running statistics),
     * before the activation.
     */
    BATCH_NORM;

    public boolean isLayerNorm() {
      return this == LAYER_NORM || this == LAYER_NORM_PLAIN || this == LAYER_NORM_NO_BIAS;
    }
  }

  /**
   * An MLP {@code widths[0] → … → widths[last]} with the given activations between Linear layers
   * (one per hidden layer) and a batch of {@code n} samples.
   */
  public static Instance mlp(
      long seed, int[] widths, Activation[] activations, LossSpec loss, int n, boolean bias) {
    Extra[] none = new Extra[activations.length];
    java.util.Arrays.fill(none, Extra.NONE);
    return mlp(seed, widths, activations, none, loss, n, bias);
  }

  /**
   * As {@link #mlp(long, int[], Activation[], LossSpec, int, boolean)} with {@code extras[l]} added
   * to hidden block l. Leaky-ReLU slopes are drawn from {@code U(0.01, 0.5)} and ELU's α from
   * {@code U(0.5, 2)}; LayerNorm weights from {@code U(0.5, 1.5)} and biases from {@code U(−0.5,
   * 0.5)} (PyTorch initialises them to 1 and 0, which would hide mistakes in their layout). BCE
   * targets are uniform in {@code [0, 1]}.
   */
  public static Instance mlp(
      long seed,
      int[] widths,
      Activation[] activations,
      Extra[] extras,
      LossSpec loss,
      int n,
      boolean bias) {
    SplittableRandom rnd = new SplittableRandom(seed);
    NetworkSpec net = mlpNetwork(rnd, widths, activations, extras, bias);
    int c = widths[widths.length - 1];
    double[] x = normal(rnd, n * widths[0]);
    Batch batch =
        switch (loss.type()) {
          case MSE -> new Batch(n, x, normal(rnd, n * c), null);
          case CROSS_ENTROPY -> new Batch(n, x, null, rnd.ints(n, 0, c).toArray());
          case BCE_WITH_LOGITS -> new Batch(n, x, rnd.doubles(n * c).toArray(), null);
        };
    return new Instance(net, loss, batch);
  }

  /** An MLP with PyTorch's default initialisation drawn from {@code rnd}. */
  public static NetworkSpec mlpNetwork(
      SplittableRandom rnd, int[] widths, Activation[] activations, boolean bias) {
    Extra[] none = new Extra[activations.length];
    java.util.Arrays.fill(none, Extra.NONE);
    return mlpNetwork(rnd, widths, activations, none, bias);
  }

  /** An MLP with {@code extras[l]} added to hidden block l, parameters drawn from {@code rnd}. */
  public static NetworkSpec mlpNetwork(
      SplittableRandom rnd, int[] widths, Activation[] activations, Extra[] extras, boolean bias) {
    List<LayerSpec> layers = new ArrayList<>();
    for (int l = 0; l + 1 < widths.length; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      double bound = 1 / Math.sqrt(in);
      double[] w = uniform(rnd, out * in, bound);
      double[] b = bias ? uniform(rnd, out, bound) : null;
      layers.add(new LinearSpec(in, out, w, b));
      if (l + 2 < widths.length) {
        Extra extra = extras[l];
        if (extra.isLayerNorm()) {
          double[] gamma = extra == Extra.LAYER_NORM_PLAIN ? null : shifted(rnd, out, 1.0);
          double[] beta = extra == Extra.LAYER_NORM ? uniform(rnd, out, 0.5) : null;
          layers.add(new LayerNormSpec(new int[] {out}, 1e-5, gamma, beta));
        } else if (extra == Extra.BATCH_NORM) {
          layers.add(
              new BatchNormSpec(
                  1,
                  out,
                  1e-5,
                  shifted(rnd, out, 1.0),
                  uniform(rnd, out, 0.5),
                  uniform(rnd, out, 0.5),
                  shifted(rnd, out, 1.0)));
        }
        Activation act = activations[l];
        layers.add(new ActivationSpec(act, act.drawParam(rnd)));
        if (extra == Extra.IDENTITY) {
          layers.add(new IdentitySpec());
        } else if (extra == Extra.DROPOUT) {
          layers.add(new DropoutSpec(0.25));
        }
      }
    }
    return new NetworkSpec(layers, new int[] {widths[0]});
  }

  /**
   * An embedding network {@code Embedding(V, D) → [LayerNorm(D)] → Flatten → MLP} on {@code n}
   * samples of {@code length} indices drawn uniformly from {@code [0, V)} (so indices repeat within
   * and across samples): the embedding's weight is standard normal (PyTorch's initialisation), the
   * LayerNorm's as in {@link #mlp}, the MLP {@code widths} ({@code widths[0] = length·D}) as in
   * {@link #mlpNetwork}.
   */
  public static Instance embeddingMlp(
      long seed,
      int numEmbeddings,
      int dim,
      int length,
      boolean layerNorm,
      int[] widths,
      Activation[] activations,
      LossSpec loss,
      int n) {
    if (widths[0] != length * dim) {
      throw new IllegalArgumentException("the MLP must take length·dim = " + length * dim);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<LayerSpec> layers = new ArrayList<>();
    layers.add(new EmbeddingSpec(numEmbeddings, dim, normal(rnd, numEmbeddings * dim)));
    if (layerNorm) {
      layers.add(
          new LayerNormSpec(new int[] {dim}, 1e-5, shifted(rnd, dim, 1.0), uniform(rnd, dim, 0.5)));
    }
    layers.add(new FlattenSpec(1, -1));
    layers.addAll(mlpNetwork(rnd, widths, activations, true).layers());
    NetworkSpec net = new NetworkSpec(layers, new int[] {length});
    int c = widths[widths.length - 1];
    double[] x = new double[n * length];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextInt(numEmbeddings);
    }
    Batch batch =
        switch (loss.type()) {
          case MSE -> new Batch(n, x, normal(rnd, n * c), null);
          case CROSS_ENTROPY -> new Batch(n, x, null, rnd.ints(n, 0, c).toArray());
          case BCE_WITH_LOGITS -> new Batch(n, x, rnd.doubles(n * c).toArray(), null);
        };
    return new Instance(net, loss, batch);
  }

  /** {@code center + U(−0.5, 0.5)} entries. */
  private static double[] shifted(SplittableRandom rnd, int n, double center) {
    double[] a = uniform(rnd, n, 0.5);
    for (int i = 0; i < n; i++) {
      a[i] += center;
    }
    return a;
  }

  /** The seed architecture (7-5-5-3 ReLU, MSE mean, N = 4) with fresh weights and data. */
  public static Instance seedArchitecture(long seed) {
    return mlp(
        seed,
        new int[] {7, 5, 5, 3},
        new Activation[] {Activation.RELU, Activation.RELU},
        new LossSpec(LossType.MSE, Reduction.MEAN),
        4,
        true);
  }

  static double[] uniform(SplittableRandom rnd, int n, double bound) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextDouble(-bound, bound);
    }
    return a;
  }

  static double[] normal(SplittableRandom rnd, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i += 2) {
      // Box-Muller: two independent standard normals from two uniforms.
      double u = 1 - rnd.nextDouble();
      double v = rnd.nextDouble();
      double r = Math.sqrt(-2 * Math.log(u));
      a[i] = r * Math.cos(2 * Math.PI * v);
      if (i + 1 < n) {
        a[i + 1] = r * Math.sin(2 * Math.PI * v);
      }
    }
    return a;
  }
}
