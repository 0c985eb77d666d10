package org.vivit4j.problems;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.AvgPool2dLayer.AvgPool2dSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.DropoutLayer.DropoutSpec;
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
 * DeepOBS's CIFAR networks, on random 3×32×32 inputs and labels (the CIFAR data sets are not
 * packaged here; time and memory do not depend on the values):
 *
 * <ul>
 *   <li>{@code cifar10_3c3d}: conv 5×5 (64) – max-pool 3/2 – conv 3×3 (96) – max-pool 3/2 – conv
 *       3×3 'same' (128) – max-pool 3/2 – 1152-512-256-10, ReLU, 895 210 parameters.
 *   <li>{@code cifar100_allcnnc}: All-CNN-C, nine convolutions (96, 96, 96/2, 192, 192, 192/2, 192
 *       valid, 192 1×1, 100 1×1), ReLU, global average pooling, no linear layer, 1 387 108
 *       parameters; its dropout layers are identities in evaluation mode.
 * </ul>
 *
 * <p>Where DeepOBS (TensorFlow) pads 'same' with stride 2, TensorFlow pads one pixel at the end
 * only; these networks pad one pixel on both sides (PyTorch's {@code padding=1}), which gives the
 * same output sizes with the windows shifted by one pixel — the nearest equivalent with symmetric
 * padding. Weights are Xavier-normal, biases 0 (3c3d) and 0.1 (All-CNN-C), as DeepOBS's PyTorch
 * modules initialise them; cross-entropy with mean reduction, one group of every parameter.
 */
public final class DeepObsCifar {
  private DeepObsCifar() {}

  private static final int[] ONE = {1, 1};

  /** The problem {@code name} ({@code cifar10_3c3d} or {@code cifar100_allcnnc}). */
  public static Problem problem(String name, long seed, int n, int k) {
    SplittableRandom rnd = new SplittableRandom(seed);
    NetworkSpec net =
        switch (name) {
          case "cifar10_3c3d" -> cifar10_3c3d(rnd);
          case "cifar100_allcnnc" -> cifar100AllCnnC(rnd);
          default -> throw new IllegalArgumentException(name);
        };
    int classes = net.outputSize();
    double[] x = RandomProblems.normal(rnd, n * 3 * 32 * 32);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextInt(classes);
    }
    int[] all = new int[net.params().size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return new Problem(
        name + "_n" + n + "_top" + k,
        net,
        new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
        new Batch(n, x, null, y),
        ComputationOptions.defaults(),
        List.of(new ParamGroup("all", all, Criterion.topK(k))),
        "directional_derivatives");
  }

  private static Conv2dSpec conv(
      SplittableRandom rnd, int in, int out, int kernel, int stride, int pad, double bias) {
    int taps = kernel * kernel;
    double std = Math.sqrt(2.0 / (in * taps + out * taps));
    double[] w = RandomProblems.normal(rnd, out * in * taps);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (std * w[i]);
    }
    double[] b = new double[out];
    java.util.Arrays.fill(b, (float) bias);
    return new Conv2dSpec(
        in,
        out,
        new int[] {kernel, kernel},
        new int[] {stride, stride},
        new int[] {pad, pad},
        ONE,
        w,
        b);
  }

  private static LinearSpec linear(SplittableRandom rnd, int in, int out) {
    double std = Math.sqrt(2.0 / (in + out));
    double[] w = RandomProblems.normal(rnd, out * in);
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (std * w[i]);
    }
    return new LinearSpec(in, out, w, new double[out]);
  }

  private static MaxPool2dSpec pool() {
    return new MaxPool2dSpec(new int[] {3, 3}, new int[] {2, 2}, ONE, ONE);
  }

  private static ActivationSpec relu() {
    return new ActivationSpec(Activation.RELU);
  }

  static NetworkSpec cifar10_3c3d(SplittableRandom rnd) {
    List<LayerSpec> l =
        List.of(
            conv(rnd, 3, 64, 5, 1, 0, 0),
            relu(),
            pool(),
            conv(rnd, 64, 96, 3, 1, 0, 0),
            relu(),
            pool(),
            conv(rnd, 96, 128, 3, 1, 1, 0),
            relu(),
            pool(),
            new FlattenSpec(1, -1),
            linear(rnd, 1152, 512),
            relu(),
            linear(rnd, 512, 256),
            relu(),
            linear(rnd, 256, 10));
    return new NetworkSpec(l, new int[] {3, 32, 32});
  }

  static NetworkSpec cifar100AllCnnC(SplittableRandom rnd) {
    List<LayerSpec> l = new ArrayList<>();
    l.add(new DropoutSpec(0.2));
    int[][] convs = { // in, out, kernel, stride, pad
      {3, 96, 3, 1, 1}, {96, 96, 3, 1, 1}, {96, 96, 3, 2, 1}, {96, 192, 3, 1, 1},
      {192, 192, 3, 1, 1}, {192, 192, 3, 2, 1}, {192, 192, 3, 1, 0}, {192, 192, 1, 1, 0},
      {192, 100, 1, 1, 0}
    };
    for (int i = 0; i < convs.length; i++) {
      int[] c = convs[i];
      l.add(conv(rnd, c[0], c[1], c[2], c[3], c[4], 0.1));
      l.add(relu());
      if (i == 2 || i == 5) {
        l.add(new DropoutSpec(0.5));
      }
    }
    l.add(new AvgPool2dSpec(new int[] {6, 6}, new int[] {6, 6}, new int[] {0, 0}));
    l.add(new FlattenSpec(1, -1));
    return new NetworkSpec(l, new int[] {3, 32, 32});
  }
}
