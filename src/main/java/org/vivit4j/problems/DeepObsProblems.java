package org.vivit4j.problems;

import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.data.Dataset;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;

/**
 * DeepOBS test problems as vivit4j problems. {@code fmnist_2c2d}: inputs {@code [1, 28, 28]},
 * Conv2d 1→32 5×5 'same' (padding 2) + ReLU + MaxPool 2, Conv2d 32→64 5×5 'same' + ReLU + MaxPool
 * 2, Flatten, Linear 3136→1024 + ReLU, Linear 1024→10, cross-entropy with mean reduction; 3 274 634
 * parameters. Initialised as DeepOBS does (Xavier-normal conv weights, Xavier-uniform linear
 * weights, biases 0.05), seeded, then rounded to float32 so the problem file stores them exactly.
 */
public final class DeepObsProblems {
  private DeepObsProblems() {}

  /** Pixel codes are scaled by {@code 1/255} (DeepOBS feeds images in [0, 1]). */
  public static final double PIXEL_SCALE = 1.0 / 255;

  /** DeepOBS's bias initialisation 0.05, as a float32. */
  private static final double BIAS = (float) 0.05;

  /** Where the data of a generated problem came from. */
  public record Generated(Problem problem, String dataSource) {}

  /**
   * fmnist_2c2d with exact top-{@code k} directional derivatives over all parameters.
   *
   * @param data Fashion-MNIST (its first {@code n} samples are used, pixels re-quantised to codes
   *     {@code 0..255} times {@link #PIXEL_SCALE}), or {@code null} for random pixel codes and
   *     labels drawn from the seed
   */
  public static Generated fmnist2c2d(long seed, int n, int k, Dataset data) {
    SplittableRandom rnd = new SplittableRandom(seed);
    NetworkSpec net = fmnist2c2dNetwork(rnd);
    double[] x = new double[n * 784];
    int[] y = new int[n];
    String source;
    if (data != null) {
      if (data.size() < n || data.sampleSize() != x.length / n) {
        throw new IllegalArgumentException(
            "need " + n + " samples of 28×28 pixels, the data set has " + data.size());
      }
      for (int i = 0; i < x.length; i++) {
        x[i] = Math.round(data.x()[i] * 255) * PIXEL_SCALE;
      }
      System.arraycopy(data.labels(), 0, y, 0, n);
      source = "Fashion-MNIST training images 0.." + (n - 1);
    } else {
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextInt(256) * PIXEL_SCALE;
      }
      for (int i = 0; i < n; i++) {
        y[i] = rnd.nextInt(10);
      }
      source = "random pixel codes and labels (seed " + seed + ")";
    }
    int[] all = new int[net.params().size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    Problem p =
        new Problem(
            "fmnist_2c2d_n" + n + "_top" + k,
            net,
            new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
            new Batch(n, x, null, y),
            ComputationOptions.defaults(),
            List.of(new ParamGroup("all", all, Criterion.topK(k))),
            "directional_derivatives");
    return new Generated(p, source);
  }

  /** The fmnist_2c2d network with DeepOBS's initialisation drawn from {@code rnd}. */
  public static NetworkSpec fmnist2c2dNetwork(SplittableRandom rnd) {
    int[] same = {2, 2};
    int[] one = {1, 1};
    List<LayerSpec> layers =
        List.of(
            new Conv2dSpec(
                1,
                32,
                new int[] {5, 5},
                one,
                same,
                one,
                xavierNormal(rnd, 32 * 25, 25, 32 * 25),
                constant(32, BIAS)),
            new ActivationSpec(Activation.RELU),
            new MaxPool2dSpec(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, one),
            new Conv2dSpec(
                32,
                64,
                new int[] {5, 5},
                one,
                same,
                one,
                xavierNormal(rnd, 64 * 32 * 25, 32 * 25, 64 * 25),
                constant(64, BIAS)),
            new ActivationSpec(Activation.RELU),
            new MaxPool2dSpec(new int[] {2, 2}, new int[] {2, 2}, new int[] {0, 0}, one),
            new FlattenSpec(1, -1),
            new LinearSpec(
                3136, 1024, xavierUniform(rnd, 1024 * 3136, 3136, 1024), constant(1024, BIAS)),
            new ActivationSpec(Activation.RELU),
            new LinearSpec(1024, 10, xavierUniform(rnd, 10 * 1024, 1024, 10), constant(10, BIAS)));
    return new NetworkSpec(layers, new int[] {1, 28, 28});
  }

  private static double[] constant(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  /** {@code N(0, 2/(fan_in + fan_out))}, rounded to float32. */
  private static double[] xavierNormal(SplittableRandom rnd, int n, int fanIn, int fanOut) {
    double std = Math.sqrt(2.0 / (fanIn + fanOut));
    double[] a = RandomProblems.normal(rnd, n);
    for (int i = 0; i < n; i++) {
      a[i] = (float) (std * a[i]);
    }
    return a;
  }

  /** {@code U(−b, b)} with {@code b = √(6/(fan_in + fan_out))}, rounded to float32. */
  private static double[] xavierUniform(SplittableRandom rnd, int n, int fanIn, int fanOut) {
    double bound = Math.sqrt(6.0 / (fanIn + fanOut));
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextDouble(-bound, bound);
    }
    return a;
  }
}
