package org.vivit4j.problems;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.AdaptiveAvgPool1dLayer.AdaptiveAvgPool1dSpec;
import org.vivit4j.layers.AdaptiveAvgPool2dLayer.AdaptiveAvgPool2dSpec;
import org.vivit4j.layers.AvgPool2dLayer.AvgPool2dSpec;
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.ConvTranspose1dLayer.ConvTranspose1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.MaxPool2dLayer.MaxPool2dSpec;
import org.vivit4j.layers.Pool1dLayer.Pool1dSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;

/**
 * Seeded random small convolutional networks {@code Conv2d → activation → [MaxPool2d | AvgPool2d] →
 * Flatten → Linear} with random non-square kernels, strides, paddings and dilations, for property
 * tests against the dense reference (sizes stay tiny so the reference GGN is small); or the same
 * with a Conv1d or ConvTranspose1d and 1-d pools on {@code [C, L]} inputs, or a ConvTranspose2d
 * ({@link Kind}). Weights follow PyTorch's default initialisation {@code U(−1/√fan_in, 1/√fan_in)};
 * inputs are standard normal.
 */
public final class RandomConvNets {
  private RandomConvNets() {}

  /** The convolution layer first in the network. */
  public enum Kind {
    /** Conv2d on {@code [C, H, W]}, 2-d pools. */
    CONV2D,
    /** Conv1d on {@code [C, L]}, 1-d pools (every pair's first entry is the trivial one). */
    CONV1D,
    /** ConvTranspose2d on {@code [C, H, W]} with an output padding below the stride, 2-d pools. */
    CONVTRANSPOSE2D,
    /** ConvTranspose1d on {@code [C, L]} with an output padding below the stride, 1-d pools. */
    CONVTRANSPOSE1D;

    /** Whether the network runs on {@code [C, L]} samples with 1-d pools. */
    boolean oneD() {
      return this == CONV1D || this == CONVTRANSPOSE1D;
    }

    /** Whether the first layer is a transposed convolution (with an output padding). */
    boolean transposed() {
      return this == CONVTRANSPOSE2D || this == CONVTRANSPOSE1D;
    }
  }

  /** Pooling after the activation. */
  public enum Pool {
    NONE,
    MAX,
    AVG,
    /**
     * AdaptiveAvgPool2d (AdaptiveAvgPool1d for the 1-d kinds) to the output size {@code H/g} per
     * axis, {@code g} the largest divisor of {@code H} at most the drawn pool kernel size.
     */
    ADAPTIVE_AVG
  }

  /**
   * The hyper-parameters of one drawn network (every pair is {@code [h, w]}).
   *
   * @param kind the convolution's type
   * @param input {@code [C, H, W]}, or {@code [C, L]} for the 1-d kinds
   * @param outputPadding the transposed convolutions' (zeros for the others)
   * @param outputs size of the final Linear layer
   */
  public record Arch(
      Kind kind,
      int[] input,
      int outChannels,
      int[] kernel,
      int[] stride,
      int[] padding,
      int[] dilation,
      int[] outputPadding,
      boolean convBias,
      Activation activation,
      Pool pool,
      int[] poolKernel,
      int[] poolStride,
      int[] poolPadding,
      int[] poolDilation,
      int outputs) {

    /**
     * The layers with weights drawn from {@code rnd}; shapes are checked by {@link NetworkSpec}.
     */
    List<LayerSpec> layers(SplittableRandom rnd) {
      int fanIn = input[0] * kernel[0] * kernel[1];
      double bound = 1 / Math.sqrt(fanIn);
      double[] weight = RandomProblems.uniform(rnd, outChannels * fanIn, bound);
      double[] bias = convBias ? RandomProblems.uniform(rnd, outChannels, bound) : null;
      List<LayerSpec> layers = new ArrayList<>();
      layers.add(
          switch (kind) {
            case CONV1D ->
                new Conv1dSpec(
                    input[0],
                    outChannels,
                    kernel[1],
                    stride[1],
                    padding[1],
                    dilation[1],
                    weight,
                    bias);
            case CONVTRANSPOSE2D ->
                new ConvTranspose2dSpec(
                    input[0],
                    outChannels,
                    kernel,
                    stride,
                    padding,
                    outputPadding,
                    dilation,
                    weight,
                    bias);
            case CONVTRANSPOSE1D ->
                new ConvTranspose1dSpec(
                    input[0],
                    outChannels,
                    kernel[1],
                    stride[1],
                    padding[1],
                    outputPadding[1],
                    dilation[1],
                    weight,
                    bias);
            case CONV2D ->
                new Conv2dSpec(
                    input[0], outChannels, kernel, stride, padding, dilation, weight, bias);
          });
      layers.add(new ActivationSpec(activation));
      boolean oneD = kind.oneD();
      switch (pool) {
        case MAX ->
            layers.add(
                oneD
                    ? new Pool1dSpec(
                        true, poolKernel[1], poolStride[1], poolPadding[1], poolDilation[1])
                    : new MaxPool2dSpec(poolKernel, poolStride, poolPadding, poolDilation));
        case AVG ->
            layers.add(
                oneD
                    ? new Pool1dSpec(false, poolKernel[1], poolStride[1], poolPadding[1], 1)
                    : new AvgPool2dSpec(poolKernel, poolStride, poolPadding));
        case ADAPTIVE_AVG -> {
          int[] in = new NetworkSpec(layers, input).shapeAfter(layers.size() - 1);
          layers.add(
              oneD
                  ? new AdaptiveAvgPool1dSpec(in[1] / largestDivisorAtMost(in[1], poolKernel[1]))
                  : new AdaptiveAvgPool2dSpec(
                      new int[] {
                        in[1] / largestDivisorAtMost(in[1], poolKernel[0]),
                        in[2] / largestDivisorAtMost(in[2], poolKernel[1])
                      }));
        }
        case NONE -> {}
      }
      layers.add(new FlattenSpec(1, -1));
      return layers;
    }

    private String poolText() {
      return switch (pool) {
        case NONE -> "nopool";
        case ADAPTIVE_AVG -> "adaptiveavgpool-g" + poolKernel[0] + "x" + poolKernel[1];
        case MAX, AVG ->
            pool.name().toLowerCase()
                + String.format(
                    "pool-k%dx%d-s%dx%d-p%dx%d",
                    poolKernel[0],
                    poolKernel[1],
                    poolStride[0],
                    poolStride[1],
                    poolPadding[0],
                    poolPadding[1])
                + (pool == Pool.MAX ? "-d" + poolDilation[0] + "x" + poolDilation[1] : "");
      };
    }

    @Override
    public String toString() {
      return (kind == Kind.CONV2D ? "" : kind.name().toLowerCase() + "-")
          + String.format(
              "in%dx%dx%d-conv%d-k%dx%d-s%dx%d-p%dx%d-d%dx%d%s%s-%s-%s-out%d",
              input[0],
              input.length > 2 ? input[1] : 1,
              input[input.length - 1],
              outChannels,
              kernel[0],
              kernel[1],
              stride[0],
              stride[1],
              padding[0],
              padding[1],
              dilation[0],
              dilation[1],
              kind.transposed() ? "-op" + outputPadding[0] + "x" + outputPadding[1] : "",
              convBias ? "" : "-nobias",
              activation.typeName(),
              poolText(),
              outputs);
    }
  }

  /**
   * Draws a Conv2d architecture whose shapes chain (redrawing until they do).
   *
   * @param outputs size of the final Linear layer
   */
  public static Arch drawArch(SplittableRandom rnd, int outputs) {
    return drawArch(rnd, outputs, Kind.CONV2D);
  }

  /**
   * Draws an architecture of {@code kind} whose shapes chain: a 1-d kind takes the width's draws
   * (the height's are drawn too and dropped, so a seed draws the same widths for both kinds).
   */
  public static Arch drawArch(SplittableRandom rnd, int outputs, Kind kind) {
    while (true) {
      int[] input = {1 + rnd.nextInt(2), 3 + rnd.nextInt(5), 3 + rnd.nextInt(5)};
      int[] kernel = {1 + rnd.nextInt(3), 1 + rnd.nextInt(3)};
      int[] stride = {1 + rnd.nextInt(2), 1 + rnd.nextInt(2)};
      int[] dilation = {1 + rnd.nextInt(2), 1 + rnd.nextInt(2)};
      int[] padding = {rnd.nextInt(kernel[0]), rnd.nextInt(kernel[1])};
      Pool pool = Pool.values()[rnd.nextInt(Pool.values().length)];
      int[] pk = {1 + rnd.nextInt(3), 1 + rnd.nextInt(3)};
      int[] ps =
          rnd.nextBoolean() ? pk.clone() : new int[] {1 + rnd.nextInt(2), 1 + rnd.nextInt(2)};
      int[] pp = {rnd.nextInt(pk[0] / 2 + 1), rnd.nextInt(pk[1] / 2 + 1)};
      int[] pd =
          pool == Pool.MAX ? new int[] {1 + rnd.nextInt(2), 1 + rnd.nextInt(2)} : new int[] {1, 1};
      int[] op = {0, 0};
      if (kind.transposed()) {
        op = new int[] {rnd.nextInt(stride[0]), rnd.nextInt(stride[1])};
      }
      if (kind.oneD()) {
        input = new int[] {input[0], input[2]};
        kernel[0] = stride[0] = dilation[0] = pk[0] = ps[0] = pd[0] = 1;
        padding[0] = pp[0] = op[0] = 0;
      }
      Arch arch =
          new Arch(
              kind,
              input,
              1 + rnd.nextInt(3),
              kernel,
              stride,
              padding,
              dilation,
              op,
              rnd.nextInt(4) != 0,
              Activation.values()[rnd.nextInt(Activation.values().length)],
              pool,
              pk,
              ps,
              pp,
              pd,
              outputs);
      try {
        NetworkSpec head = new NetworkSpec(arch.layers(new SplittableRandom(0)), input);
        int flat = head.outputSize();
        // Keep the dense reference small: the Linear layer dominates the parameter count.
        if (flat <= 40) {
          return arch;
        }
      } catch (InvalidInputException e) {
        // shapes do not chain: draw again
      }
    }
  }

  /** The largest divisor of {@code n} that is at most {@code k} (at least 1). */
  static int largestDivisorAtMost(int n, int k) {
    for (int g = Math.min(n, k); g > 1; g--) {
      if (n % g == 0) {
        return g;
      }
    }
    return 1;
  }

  /** The network of {@code arch} with weights and a batch of {@code n} samples drawn from seed. */
  public static RandomProblems.Instance instance(long seed, Arch arch, LossSpec loss, int n) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<LayerSpec> layers = arch.layers(rnd);
    int flat = new NetworkSpec(layers, arch.input()).outputSize();
    double bound = 1 / Math.sqrt(flat);
    layers.add(
        new LinearSpec(
            flat,
            arch.outputs(),
            RandomProblems.uniform(rnd, arch.outputs() * flat, bound),
            RandomProblems.uniform(rnd, arch.outputs(), bound)));
    NetworkSpec net = new NetworkSpec(layers, arch.input());
    int c = arch.outputs();
    double[] x = RandomProblems.normal(rnd, n * net.inputSize());
    Batch batch =
        loss.type() == LossType.MSE
            ? new Batch(n, x, RandomProblems.normal(rnd, n * c), null)
            : new Batch(n, x, null, rnd.ints(n, 0, c).toArray());
    return new RandomProblems.Instance(net, loss, batch);
  }
}
