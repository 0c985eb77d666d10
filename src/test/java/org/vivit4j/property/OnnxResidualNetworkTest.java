package org.vivit4j.property;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vivit4j.data.NpyReader;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.onnx.OnnxImporter;
import org.vivit4j.onnx.OnnxModel;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.testing.ProblemSetting;
import org.vivit4j.testing.ReferenceCheck;
import org.vivit4j.testing.TestBackends;

/**
 * PyTorch's small ResNet (conv stem, two basic blocks with BatchNorm in evaluation mode, an
 * identity and a 1×1-conv shortcut, global average pooling, a Linear head), imported from ONNX as a
 * graph, against the reference on every backend, one group per block; and a graph with a
 * concatenation along channels, a branch scaled by a constant and a residual sum, one group.
 */
class OnnxResidualNetworkTest {

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (String b : TestBackends.names()) {
      // resnet per block only: its dense reference GGN of 1 400 parameters takes seconds to solve
      out.add(Arguments.of("resnet_tiny", b));
      out.add(Arguments.of("concat_scale", b));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("cases")
  void importedGraphsMatchTheReference(String model, String backend) throws Exception {
    boolean perBlock = model.equals("resnet_tiny");
    Path dir = Path.of("src/test/resources/onnx");
    OnnxImporter.Imported imp =
        OnnxImporter.importModel(OnnxModel.read(Files.readAllBytes(dir.resolve(model + ".onnx"))));
    NetworkSpec net = imp.network();
    NpyReader.NpyArray x = NpyReader.read(dir.resolve(model + ".x.npy"));
    NpyReader.NpyArray y = NpyReader.read(dir.resolve(model + ".y.npy"));
    int n = 2;
    int per = net.inputSize();
    double[] xs = java.util.Arrays.copyOf(x.reals(), n * per);
    int[] labels = {(int) y.ints()[0], (int) y.ints()[1]};
    RandomProblems.Instance inst =
        new RandomProblems.Instance(
            net,
            new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
            new Batch(n, xs, null, labels));
    List<int[]> groups = new ArrayList<>();
    List<String> names = imp.paramNames();
    if (perBlock) {
      for (String prefix : List.of("stem.", "layer1.", "layer2.", "fc.")) {
        groups.add(
            java.util.stream.IntStream.range(0, names.size())
                .filter(t -> names.get(t).startsWith(prefix))
                .toArray());
      }
    } else {
      groups.add(java.util.stream.IntStream.range(0, names.size()).toArray());
    }
    ReferenceCheck.check(
        model,
        71L,
        ProblemSetting.CriterionKind.TOP_K,
        new ReferenceCheck.Drawn(inst, groups, null, perBlock ? new int[] {1} : null),
        backend,
        0,
        0L);
  }
}
