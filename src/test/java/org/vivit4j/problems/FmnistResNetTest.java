package org.vivit4j.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.Scaling;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamNames;
import org.vivit4j.model.Reduction;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.ReferenceCheck;
import org.vivit4j.testing.TestBackends;
import org.vivit4j.testing.Tolerances;

/**
 * fmnist_resnet: PyTorch's parameter names and count, shapes along the way, running statistics that
 * normalise the calibration batch, and a narrow instance of the same graph against the reference.
 */
class FmnistResNetTest {
  /**
   * {@code [n for n, _ in net.named_parameters()]} of the torchvision-style PyTorch module (conv1,
   * bn1, layer1 = [BasicBlock(16, 16)], layer2 = [BasicBlock(16, 32, stride 2, downsample)], fc)
   * that the class comment describes; PyTorch counts 19 706 parameters.
   */
  private static final List<String> TORCH_NAMES =
      List.of(
          "conv1.weight",
          "bn1.weight",
          "bn1.bias",
          "layer1.0.conv1.weight",
          "layer1.0.bn1.weight",
          "layer1.0.bn1.bias",
          "layer1.0.conv2.weight",
          "layer1.0.bn2.weight",
          "layer1.0.bn2.bias",
          "layer2.0.conv1.weight",
          "layer2.0.bn1.weight",
          "layer2.0.bn1.bias",
          "layer2.0.conv2.weight",
          "layer2.0.bn2.weight",
          "layer2.0.bn2.bias",
          "layer2.0.downsample.0.weight",
          "layer2.0.downsample.1.weight",
          "layer2.0.downsample.1.bias",
          "fc.weight",
          "fc.bias");

  @Test
  void parameterNamesAreTorchsStateDictNames() {
    NetworkSpec net = FmnistResNet.network(new SplittableRandom(1), new int[] {1, 28, 28}, 16, 10);
    assertEquals(TORCH_NAMES, ParamNames.of(net));
    assertEquals(19_706, net.numParams());
    assertArrayEquals(new int[] {32, 14, 14}, shapeOf(net, "layer2.0.relu_1"));
    assertArrayEquals(new int[] {32, 1, 1}, shapeOf(net, "avgpool"));
    assertArrayEquals(new int[] {10}, shapeOf(net, "fc"));
  }

  private static int[] shapeOf(NetworkSpec net, String node) {
    for (int i = 0; i < net.layers().size(); i++) {
      if (net.nodeName(i).equals(node)) {
        return net.shapeAfter(i);
      }
    }
    throw new AssertionError("no node " + node);
  }

  /**
   * The generated problem's BatchNorm layers normalise the calibration batch: where a node reads a
   * BatchNorm output (alone, or beside another input of an add) (γ = 1, β = 0), each channel has
   * mean 0 and unbiased variance {@code σ²/(σ² + eps)} over the samples and positions. The
   * problem's batch is the calibration batch's first samples; with N = 256 it is the whole
   * calibration batch.
   */
  @Test
  void runningStatisticsNormaliseTheCalibrationBatch() {
    int n = FmnistResNet.CALIBRATION_SAMPLES;
    Problem p = FmnistResNet.problem(3, n, 2, null).problem();
    NetworkSpec net = p.network();
    int checked = 0;
    try (FactorEngine engine = new FactorEngine(net, p.loss(), new CpuBackend(Precision.FLOAT64))) {
      ForwardPass fp = engine.forward(p.batch(), new Scaling(Reduction.MEAN, n, n));
      for (int i = 0; i < net.layers().size(); i++) {
        int[] in = net.inputsOf(i);
        int[] sizes = net.inputSizesOf(i);
        int width = IntStream.of(sizes).sum();
        int offset = 0;
        for (int j = 0; j < in.length; j++) {
          offset += j == 0 ? 0 : sizes[j - 1];
          if (in[j] == 0 || !(net.layers().get(in[j] - 1) instanceof BatchNormSpec bn)) {
            continue;
          }
          assertTrue(bn.runningVar()[0] != 1.0, "estimated, not PyTorch's initial 1");
          int[] shape = net.valueShape(in[j]);
          int positions = shape[1] * shape[2];
          for (int c = 0; c < shape[0]; c++) {
            double sum = 0;
            double sq = 0;
            for (int s = 0; s < n; s++) {
              for (int t = 0; t < positions; t++) {
                double v = fp.activations[i][s * width + offset + c * positions + t];
                sum += v;
                sq += v * v;
              }
            }
            long m = (long) n * positions;
            double mean = sum / m;
            double var = (sq - m * mean * mean) / (m - 1);
            String what = net.nodeName(in[j] - 1) + " channel " + c;
            assertEquals(0, mean, Tolerances.CALIBRATED_BATCH_NORM, what + " mean");
            double rv = bn.runningVar()[c];
            assertEquals(
                rv / (rv + bn.eps()), var, Tolerances.CALIBRATED_BATCH_NORM, what + " variance");
          }
          checked++;
        }
      }
    }
    assertEquals(6, checked, "every BatchNorm, each read by one node");
  }

  /** A narrow fmnist_resnet (width 2, 1×6×6 images, 3 classes), running statistics estimated. */
  private static ReferenceCheck.Drawn tiny(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    NetworkSpec net = FmnistResNet.network(rnd, new int[] {1, 6, 6}, 2, 3);
    RunningStatistics.estimate(net, RandomProblems.normal(rnd, 16 * 36), 16);
    int n = 4;
    Batch batch = new Batch(n, RandomProblems.normal(rnd, n * 36), null, new int[] {2, 0, 1, 2});
    RandomProblems.Instance inst =
        new RandomProblems.Instance(
            net, new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN), batch);
    int[] all = IntStream.range(0, net.params().size()).toArray();
    return new ReferenceCheck.Drawn(inst, List.of(all), null, null);
  }

  static List<String> backends() {
    return TestBackends.names();
  }

  @ParameterizedTest(name = "on {0}")
  @MethodSource("backends")
  void aNarrowInstanceMatchesTheReference(String backend) {
    ReferenceCheck.check(
        "fmnist_resnet-narrow", 81L, ProblemSetting.CriterionKind.TOP_K, tiny(8), backend, 0, 0L);
  }
}
