package org.vivit4j.problems;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.data.Dataset;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.AvgPool2dLayer.AvgPool2dSpec;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
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

/**
 * {@code fmnist_resnet}: a small residual network on Fashion-MNIST, as a graph whose nodes are
 * named after torchvision's ResNet modules, so that its parameter names are a PyTorch {@code
 * state_dict}'s ({@code conv1.weight}, {@code bn1.weight}, {@code layer1.0.conv1.weight}, {@code
 * layer2.0.downsample.0.weight}, …, {@code fc.bias}). With width {@code w} (16 for the product):
 *
 * <pre>
 *   conv1 3×3 1→w (padding 1, no bias) – bn1 – relu
 *   layer1.0: conv1 3×3 w→w – bn1 – relu – conv2 3×3 w→w – bn2; add(·, block input) – relu
 *   layer2.0: conv1 3×3 w→2w stride 2 – bn1 – relu – conv2 3×3 2w→2w – bn2;
 *             downsample.0 1×1 w→2w stride 2 (no bias) – downsample.1 (bn); add – relu
 *   avgpool (average over the whole map, torchvision's AdaptiveAvgPool2d(1)) – flatten – fc 2w→10
 * </pre>
 *
 * 19 706 parameters at {@code w = 16} on {@code [1, 28, 28]} inputs. Initialised as PyTorch's
 * module defaults: conv and linear weights kaiming-uniform with {@code a = √5}, i.e. {@code U(−b,
 * b)}, {@code b = 1/√fan_in}, the linear bias likewise; BatchNorm weight 1, bias 0. Every value is
 * rounded to float32, as a PyTorch float32 model holds it.
 *
 * <p>Curvature is measured in evaluation mode, where BatchNorm uses its running statistics. So that
 * the BatchNorm layers are not the identity (running mean 0, variance 1 at initialisation), {@link
 * #estimateRunningStatistics} sets them from a calibration batch, node by node in evaluation mode:
 * each BatchNorm's running mean and variance are the mean and the unbiased variance of its input
 * over the calibration samples (per channel, over samples and positions), with the BatchNorm layers
 * before it already using theirs.
 */
public final class FmnistResNet {
  private FmnistResNet() {}

  /** The problem's name for {@code make-problem}. */
  public static final String NAME = "fmnist_resnet";

  /** The width of the product network (channels of the stem and of layer1). */
  public static final int WIDTH = 16;

  /** Samples of the batch that estimates the running statistics. */
  public static final int CALIBRATION_SAMPLES = 256;

  /** PyTorch's BatchNorm {@code eps}. */
  private static final double EPS = 1e-5;

  /**
   * fmnist_resnet with exact top-{@code k} directional derivatives over all parameters.
   *
   * @param data Fashion-MNIST: its first {@code n} samples are the batch and its first {@link
   *     #CALIBRATION_SAMPLES} (at least n; all it has, if fewer) estimate the running statistics
   *     (pixels re-quantised to codes {@code 0..255} times {@link DeepObsProblems#PIXEL_SCALE}); or
   *     {@code null} for random pixel codes and labels drawn from the seed, in the same roles
   */
  public static DeepObsProblems.Generated problem(long seed, int n, int k, Dataset data) {
    SplittableRandom rnd = new SplittableRandom(seed);
    NetworkSpec net = network(rnd, new int[] {1, 28, 28}, WIDTH, 10);
    int d = 784;
    double[] x = new double[n * d];
    int[] y = new int[n];
    double[] calibration;
    String source;
    if (data != null) {
      if (data.size() < n || data.sampleSize() != d) {
        throw new IllegalArgumentException(
            "need " + n + " samples of 28×28 pixels, the data set has " + data.size());
      }
      int m = Math.min(data.size(), Math.max(n, CALIBRATION_SAMPLES));
      calibration = new double[m * d];
      for (int i = 0; i < calibration.length; i++) {
        calibration[i] = Math.round(data.x()[i] * 255) * DeepObsProblems.PIXEL_SCALE;
      }
      System.arraycopy(calibration, 0, x, 0, x.length);
      System.arraycopy(data.labels(), 0, y, 0, n);
      source =
          "Fashion-MNIST training images 0.."
              + (n - 1)
              + "; running statistics from images 0.."
              + (m - 1);
    } else {
      int m = Math.max(n, CALIBRATION_SAMPLES);
      calibration = new double[m * d];
      for (int i = 0; i < calibration.length; i++) {
        calibration[i] = rnd.nextInt(256) * DeepObsProblems.PIXEL_SCALE;
      }
      System.arraycopy(calibration, 0, x, 0, x.length);
      for (int i = 0; i < n; i++) {
        y[i] = rnd.nextInt(10);
      }
      source =
          "random pixel codes and labels (seed "
              + seed
              + "); running statistics from random images 0.."
              + (m - 1);
    }
    RunningStatistics.estimate(net, calibration, calibration.length / d);
    int[] all = new int[net.params().size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    Problem p =
        new Problem(
            NAME + "_n" + n + "_top" + k,
            net,
            new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
            new Batch(n, x, null, y),
            ComputationOptions.defaults(),
            List.of(new ParamGroup("all", all, Criterion.topK(k))),
            "directional_derivatives");
    return new DeepObsProblems.Generated(p, source);
  }

  /**
   * The network (see the class comment) with PyTorch's default initialisation drawn from {@code
   * rnd} and BatchNorm running statistics 0 (mean) and 1 (variance), as a freshly built PyTorch
   * module has them.
   *
   * @param inputShape {@code [C, H, W]}
   * @param width channels of the stem and layer1 (layer2 has {@code 2·width})
   * @param classes outputs of the linear head
   */
  public static NetworkSpec network(
      SplittableRandom rnd, int[] inputShape, int width, int classes) {
    Builder b = new Builder(rnd);
    String v = b.add("conv1", b.conv(inputShape[0], width, 3, 1), "x");
    v = b.add("bn1", batchNorm(width), v);
    v = b.add("relu", relu(), v);
    v = b.block("layer1.0", v, width, width, 1);
    v = b.block("layer2.0", v, width, 2 * width, 2);
    int side = (inputShape[1] + 2 - 3) / 2 + 1;
    int sideW = (inputShape[2] + 2 - 3) / 2 + 1;
    v =
        b.add(
            "avgpool",
            new AvgPool2dSpec(new int[] {side, sideW}, new int[] {side, sideW}, new int[] {0, 0}),
            v);
    v = b.add("flatten", new FlattenSpec(1, -1), v);
    v = b.add("fc", b.linear(2 * width, classes), v);
    return NetworkSpec.graph("graph", "x", b.nodes, v, inputShape);
  }

  private static ActivationSpec relu() {
    return new ActivationSpec(Activation.RELU);
  }

  private static BatchNormSpec batchNorm(int channels) {
    double[] one = new double[channels];
    Arrays.fill(one, 1.0);
    return new BatchNormSpec(
        2, channels, EPS, one, new double[channels], new double[channels], one.clone());
  }

  /** Collects the named nodes in execution order. */
  private static final class Builder {
    private final SplittableRandom rnd;
    private final List<GraphNode> nodes = new ArrayList<>();

    Builder(SplittableRandom rnd) {
      this.rnd = rnd;
    }

    String add(String name, LayerSpec spec, String... inputs) {
      nodes.add(new GraphNode(name, spec, List.of(inputs), "graph.nodes[" + nodes.size() + "]"));
      return name;
    }

    /** torchvision's BasicBlock: a projection shortcut when the stride or width changes. */
    String block(String prefix, String in, int inChannels, int channels, int stride) {
      String h = add(prefix + ".conv1", conv(inChannels, channels, 3, stride), in);
      h = add(prefix + ".bn1", batchNorm(channels), h);
      h = add(prefix + ".relu", relu(), h);
      h = add(prefix + ".conv2", conv(channels, channels, 3, 1), h);
      h = add(prefix + ".bn2", batchNorm(channels), h);
      String shortcut = in;
      if (stride != 1 || inChannels != channels) {
        shortcut = add(prefix + ".downsample.0", conv(inChannels, channels, 1, stride), in);
        shortcut = add(prefix + ".downsample.1", batchNorm(channels), shortcut);
      }
      String sum = add(prefix + ".add", AddSpec.plain(), h, shortcut);
      return add(prefix + ".relu_1", relu(), sum);
    }

    /** A bias-free {@code k×k} convolution with padding {@code k/2}, PyTorch's default init. */
    Conv2dSpec conv(int in, int out, int k, int stride) {
      int fanIn = in * k * k;
      return new Conv2dSpec(
          in,
          out,
          new int[] {k, k},
          new int[] {stride, stride},
          new int[] {k / 2, k / 2},
          new int[] {1, 1},
          float32(RandomProblems.uniform(rnd, out * fanIn, 1 / Math.sqrt(fanIn))),
          null);
    }

    LinearSpec linear(int in, int out) {
      double bound = 1 / Math.sqrt(in);
      return new LinearSpec(
          in,
          out,
          float32(RandomProblems.uniform(rnd, out * in, bound)),
          float32(RandomProblems.uniform(rnd, out, bound)));
    }
  }

  private static double[] float32(double[] a) {
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) a[i];
    }
    return a;
  }
}
