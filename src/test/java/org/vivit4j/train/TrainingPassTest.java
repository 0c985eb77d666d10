package org.vivit4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.Scaling;
import org.vivit4j.layers.ActivationLayer.ActivationSpec;
import org.vivit4j.layers.AddLayer.AddSpec;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.FlattenLayer.FlattenSpec;
import org.vivit4j.layers.LinearLayer.LinearSpec;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.GraphNode;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamNames;
import org.vivit4j.model.ParamTensor;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.FmnistResNet;
import org.vivit4j.testing.Compare;
import org.vivit4j.testing.Tolerances;

/**
 * Training mode: a narrow fmnist_resnet against PyTorch's float64 numbers
 * (src/test/resources/train, written by make_resnet_training.py) for the eval-mode logits, the
 * train-mode loss and gradient, and the running statistics after the step; and the exact backward
 * of batch-statistics BatchNorm (2d and 1d, in a graph) against central differences of the
 * training-mode loss.
 */
class TrainingPassTest {
  private static final LossSpec CE = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);

  private static double[] flat(JsonNode a) {
    List<Double> out = new ArrayList<>();
    flatten(a, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void flatten(JsonNode a, List<Double> out) {
    if (a.isArray()) {
      a.forEach(e -> flatten(e, out));
    } else {
      out.add(a.asDouble());
    }
  }

  /** The narrow network with the fixture's state_dict loaded by name. */
  private static NetworkSpec narrowResNet(JsonNode state) {
    NetworkSpec net = FmnistResNet.network(new SplittableRandom(0), new int[] {1, 6, 6}, 2, 3);
    double[] theta = new double[net.numParams()];
    List<String> names = ParamNames.of(net);
    for (ParamTensor p : net.params()) {
      double[] v = flat(state.get(names.get(p.index())));
      assertEquals(p.numel(), v.length, names.get(p.index()));
      System.arraycopy(v, 0, theta, p.offset(), p.numel());
    }
    net.setFlatParams(theta);
    for (int i = 0; i < net.layers().size(); i++) {
      if (net.layers().get(i) instanceof BatchNormSpec bn) {
        copy(flat(state.get(net.nodeName(i) + ".running_mean")), bn.runningMean());
        copy(flat(state.get(net.nodeName(i) + ".running_var")), bn.runningVar());
      }
    }
    return net;
  }

  private static void copy(double[] from, double[] to) {
    assertEquals(to.length, from.length);
    System.arraycopy(from, 0, to, 0, to.length);
  }

  @Test
  void aNarrowResNetMatchesPyTorchInBothModes() throws IOException {
    JsonNode f =
        new ObjectMapper()
            .readTree(Path.of("src/test/resources/train/resnet_training.json").toFile());
    NetworkSpec net = narrowResNet(f.get("state_dict"));
    int n = f.get("y").size();
    int[] y = new int[n];
    for (int s = 0; s < n; s++) {
      y[s] = f.get("y").get(s).asInt();
    }
    Batch batch = new Batch(n, flat(f.get("X")), null, y);
    try (FactorEngine eval = new FactorEngine(net, CE, new CpuBackend(Precision.FLOAT64))) {
      Compare.assertClose(
          "eval-mode logits",
          eval.forward(batch, new Scaling(Reduction.MEAN, n, n)).outputs(),
          flat(f.get("eval_logits")),
          Tolerances.F64_FIRST_ORDER);
    }
    TrainingPass training = new TrainingPass(net, CE);
    var fp = training.run(batch);
    Compare.assertClose(
        "train-mode loss",
        new double[] {fp.loss},
        new double[] {f.get("train_loss").asDouble()},
        Tolerances.F64_FIRST_ORDER);
    List<String> names = ParamNames.of(net);
    double[] expected = new double[net.numParams()];
    for (ParamTensor p : net.params()) {
      double[] g = flat(f.get("train_grads").get(names.get(p.index())));
      System.arraycopy(g, 0, expected, p.offset(), p.numel());
    }
    Compare.assertClose("train-mode gradient", fp.grad, expected, Tolerances.F64_FIRST_ORDER);
    training.updateRunningStatistics();
    int checked = 0;
    for (int i = 0; i < net.layers().size(); i++) {
      if (net.layers().get(i) instanceof BatchNormSpec bn) {
        String at = net.nodeName(i);
        JsonNode after = f.get("running_after");
        Compare.assertClose(
            at + " running_mean",
            bn.runningMean(),
            flat(after.get(at + ".running_mean")),
            Tolerances.F64_FIRST_ORDER);
        Compare.assertClose(
            at + " running_var",
            bn.runningVar(),
            flat(after.get(at + ".running_var")),
            Tolerances.F64_FIRST_ORDER);
        checked++;
      }
    }
    assertEquals(6, checked);
  }

  private static double[] uniform(SplittableRandom rnd, int n, double lo, double hi) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextDouble(lo, hi);
    }
    return a;
  }

  private static BatchNormSpec bn(SplittableRandom rnd, int dims, int c) {
    return new BatchNormSpec(
        dims,
        c,
        1e-5,
        uniform(rnd, c, 0.5, 1.5),
        uniform(rnd, c, -0.5, 0.5),
        uniform(rnd, c, -0.5, 0.5),
        uniform(rnd, c, 0.5, 2));
  }

  /**
   * A smooth graph: conv → bn2d → tanh, added to a 1×1 conv of the input, flatten, linear → bn1d →
   * tanh → linear.
   */
  private static NetworkSpec smoothGraph(SplittableRandom rnd) {
    int[] one = {1, 1};
    List<GraphNode> nodes = new ArrayList<>();
    nodes.add(
        new GraphNode(
            "conv",
            new Conv2dSpec(
                2, 3, new int[] {3, 3}, one, one, one, uniform(rnd, 54, -0.3, 0.3), null),
            List.of("x"),
            "conv"));
    nodes.add(new GraphNode("bn", bn(rnd, 2, 3), List.of("conv"), "bn"));
    nodes.add(new GraphNode("act", new ActivationSpec(Activation.TANH), List.of("bn"), "act"));
    nodes.add(
        new GraphNode(
            "proj",
            new Conv2dSpec(
                2,
                3,
                one,
                one,
                new int[] {0, 0},
                one,
                uniform(rnd, 6, -0.5, 0.5),
                uniform(rnd, 3, -0.5, 0.5)),
            List.of("x"),
            "proj"));
    nodes.add(new GraphNode("add", AddSpec.plain(), List.of("act", "proj"), "add"));
    nodes.add(new GraphNode("flat", new FlattenSpec(1, -1), List.of("add"), "flat"));
    nodes.add(
        new GraphNode(
            "fc1",
            new LinearSpec(27, 4, uniform(rnd, 108, -0.2, 0.2), uniform(rnd, 4, -0.2, 0.2)),
            List.of("flat"),
            "fc1"));
    nodes.add(new GraphNode("bn1d", bn(rnd, 1, 4), List.of("fc1"), "bn1d"));
    nodes.add(new GraphNode("act2", new ActivationSpec(Activation.TANH), List.of("bn1d"), "act2"));
    nodes.add(
        new GraphNode(
            "fc2",
            new LinearSpec(4, 3, uniform(rnd, 12, -0.5, 0.5), uniform(rnd, 3, -0.5, 0.5)),
            List.of("act2"),
            "fc2"));
    return NetworkSpec.graph("graph", "x", nodes, "fc2", new int[] {2, 3, 3});
  }

  /** Every parameter's gradient, BatchNorm's and those behind it, against central differences. */
  @Test
  void batchStatisticsBackwardMatchesFiniteDifferences() {
    SplittableRandom rnd = new SplittableRandom(11);
    NetworkSpec net = smoothGraph(rnd);
    int n = 5;
    Batch batch = new Batch(n, uniform(rnd, n * 18, -1.5, 1.5), null, new int[] {0, 2, 1, 1, 0});
    TrainingPass training = new TrainingPass(net, CE);
    double[] grad = training.run(batch).grad;
    double[] theta = net.flatParams();
    double[] fd = new double[theta.length];
    double h = 1e-5;
    for (int i = 0; i < theta.length; i++) {
      double[] t = theta.clone();
      t[i] = theta[i] + h;
      net.setFlatParams(t);
      double up = training.run(batch).loss;
      t[i] = theta[i] - h;
      net.setFlatParams(t);
      double down = training.run(batch).loss;
      fd[i] = (up - down) / (2 * h);
    }
    net.setFlatParams(theta);
    Compare.assertClose(
        "training-mode gradient vs central differences",
        grad,
        fd,
        Tolerances.TRAINING_FINITE_DIFFERENCES);
    // and they differ from the evaluation-mode gradient: the batch statistics matter
    try (FactorEngine eval = new FactorEngine(net, CE, new CpuBackend(Precision.FLOAT64))) {
      double[] evalGrad = eval.forward(batch, new Scaling(Reduction.MEAN, n, n)).grad;
      double e = Compare.normwise(evalGrad, fd);
      assertEquals(true, e > 1e-2, "eval-mode gradient differs, normwise " + e);
    }
  }

  @Test
  void oneValuePerChannelIsRefusedAsPyTorchDoes() {
    SplittableRandom rnd = new SplittableRandom(2);
    List<org.vivit4j.model.LayerSpec> layers =
        List.of(
            new LinearSpec(3, 2, uniform(rnd, 6, -1, 1), null),
            bn(rnd, 1, 2),
            new LinearSpec(2, 2, uniform(rnd, 4, -1, 1), null));
    NetworkSpec net = new NetworkSpec(layers, new int[] {3});
    TrainingPass training = new TrainingPass(net, CE);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> training.run(new Batch(1, uniform(rnd, 3, -1, 1), null, new int[] {1})));
    assertEquals(
        "batchnorm in training mode needs more than 1 value per channel, got 1", e.getMessage());
  }
}
