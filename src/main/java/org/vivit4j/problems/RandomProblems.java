package org.vivit4j.problems;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.model.Activation;
import org.vivit4j.model.ActivationSpec;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LinearSpec;
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
   * An MLP {@code widths[0] → … → widths[last]} with the given activations between Linear layers
   * (one per hidden layer) and a batch of {@code n} samples.
   */
  public static Instance mlp(
      long seed, int[] widths, Activation[] activations, LossSpec loss, int n, boolean bias) {
    SplittableRandom rnd = new SplittableRandom(seed);
    NetworkSpec net = mlpNetwork(rnd, widths, activations, bias);
    int c = widths[widths.length - 1];
    double[] x = normal(rnd, n * widths[0]);
    Batch batch =
        loss.type() == LossType.MSE
            ? new Batch(n, x, normal(rnd, n * c), null)
            : new Batch(n, x, null, rnd.ints(n, 0, c).toArray());
    return new Instance(net, loss, batch);
  }

  /** An MLP with PyTorch's default initialisation drawn from {@code rnd}. */
  public static NetworkSpec mlpNetwork(
      SplittableRandom rnd, int[] widths, Activation[] activations, boolean bias) {
    List<LayerSpec> layers = new ArrayList<>();
    for (int l = 0; l + 1 < widths.length; l++) {
      int in = widths[l];
      int out = widths[l + 1];
      double bound = 1 / Math.sqrt(in);
      double[] w = uniform(rnd, out * in, bound);
      double[] b = bias ? uniform(rnd, out, bound) : null;
      layers.add(new LinearSpec(in, out, w, b));
      if (l + 2 < widths.length) {
        layers.add(new ActivationSpec(activations[l]));
      }
    }
    return new NetworkSpec(layers, new int[] {widths[0]});
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
