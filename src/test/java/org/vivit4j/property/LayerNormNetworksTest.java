package org.vivit4j.property;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LayerNormLayer.LayerNormSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.layers.UnflattenLayer.UnflattenSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.ReferenceCheck;
import org.vivit4j.testing.TestBackends;

/**
 * LayerNorm over trailing dimensions of image-shaped samples {@code [2, 3, 4]}, where a sample is
 * normalised in several groups ({@code normalized_shape} [4]: G = 6, [3, 4]: G = 2, [2, 3, 4]: G =
 * 1), and of a flat hidden layer unflattened to {@code [3, 4]} (network 3), against the reference
 * on every backend, exact and Monte-Carlo, with per-layer and joint groups and sub-sampling.
 */
class LayerNormNetworksTest {
  private static final int[] IMAGE = {2, 3, 4};

  private static double[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextDouble(lo, hi);
    }
    return a;
  }

  private static LayerNormSpec layerNorm(SplittableRandom rnd, int[] shape, boolean affine) {
    int m = IntStream.of(shape).reduce(1, (a, b) -> a * b);
    return affine
        ? new LayerNormSpec(shape, 1e-5, uniform(rnd, m, 0.5, 1.5), uniform(rnd, m, -0.5, 0.5))
        : new LayerNormSpec(shape, 1e-5, null, null);
  }

  private static LinearSpec linear(SplittableRandom rnd, int in, int out) {
    double b = 1 / Math.sqrt(in);
    return new LinearSpec(in, out, uniform(rnd, in * out, -b, b), uniform(rnd, out, -b, b));
  }

  /** The networks, by index: see the class comment. */
  private static List<LayerSpec> layers(int which, SplittableRandom rnd, int classes) {
    List<LayerSpec> l = new ArrayList<>();
    switch (which) {
      case 0 -> {
        l.add(layerNorm(rnd, new int[] {4}, true));
        l.add(new FlattenSpec(1, -1));
        l.add(linear(rnd, 24, classes));
      }
      case 1 -> {
        l.add(layerNorm(rnd, new int[] {3, 4}, true));
        l.add(new ActivationSpec(Activation.LEAKY_RELU, 0.2));
        l.add(new FlattenSpec(1, -1));
        l.add(linear(rnd, 24, classes));
      }
      case 3 -> {
        // a flat hidden layer unflattened to [3, 4], normalised per row of 4 (G = 3)
        l.add(new FlattenSpec(1, -1));
        l.add(linear(rnd, 24, 12));
        l.add(new UnflattenSpec(1, new int[] {3, 4}));
        l.add(layerNorm(rnd, new int[] {4}, true));
        l.add(new ActivationSpec(Activation.TANH));
        l.add(new FlattenSpec(1, -1));
        l.add(linear(rnd, 12, classes));
      }
      default -> {
        l.add(layerNorm(rnd, IMAGE, false));
        l.add(new FlattenSpec(1, -1));
        l.add(linear(rnd, 24, 6));
        l.add(layerNorm(rnd, new int[] {6}, true));
        l.add(new ActivationSpec(Activation.SELU));
        l.add(linear(rnd, 6, classes));
      }
    }
    return l;
  }

  private static ReferenceCheck.Drawn drawn(
      int which, LossType type, boolean perLayer, boolean sub) {
    SplittableRandom rnd = new SplittableRandom(300L + 10 * which + type.ordinal());
    int classes = type == LossType.CROSS_ENTROPY ? 3 : 2;
    NetworkSpec net = new NetworkSpec(layers(which, rnd, classes), IMAGE);
    int n = 4;
    double[] x = uniform(rnd, n * 24, -2, 2);
    Batch batch =
        switch (type) {
          case MSE -> new Batch(n, x, uniform(rnd, n * classes, -1, 1), null);
          case CROSS_ENTROPY -> new Batch(n, x, null, rnd.ints(n, 0, classes).toArray());
          case BCE_WITH_LOGITS -> new Batch(n, x, uniform(rnd, n * classes, 0, 1), null);
        };
    List<int[]> groups = new ArrayList<>();
    if (perLayer) {
      for (int layer = 0; layer < net.layers().size(); layer++) {
        final int at = layer;
        int[] g =
            IntStream.range(0, net.params().size())
                .filter(t -> net.params().get(t).layer() == at)
                .toArray();
        if (g.length > 0) {
          groups.add(g);
        }
      }
    } else {
      groups.add(IntStream.range(0, net.params().size()).toArray());
    }
    RandomProblems.Instance inst =
        new RandomProblems.Instance(net, new LossSpec(type, Reduction.MEAN), batch);
    return new ReferenceCheck.Drawn(
        inst, groups, sub ? new int[] {3, 1} : null, sub ? new int[] {2, 0, 3} : null);
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String backend : TestBackends.names()) {
      for (int which = 0; which < 4; which++) {
        for (LossType type : LossType.values()) {
          for (int variant = 0; variant < 2; variant++) {
            boolean perLayer = variant == 0;
            int mc = variant == 1 && type != LossType.MSE ? 3 : 0;
            out.add(Arguments.of(which, type, perLayer, !perLayer, mc, backend));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "network {0} {1} per-layer={2} sub={3} M={4} on {5}")
  @MethodSource("cases")
  void matchesTheReference(
      int which, LossType type, boolean perLayer, boolean sub, int mc, String backend) {
    String id = "layernorm-net" + which + "-" + type.typeName() + (perLayer ? "-per_layer" : "");
    ReferenceCheck.check(
        id,
        40L + which,
        ProblemSetting.CriterionKind.TOP_K,
        drawn(which, type, perLayer, sub),
        backend,
        mc,
        5L + which);
  }
}
