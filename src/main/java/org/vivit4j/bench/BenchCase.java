package org.vivit4j.bench;

import java.util.List;
import java.util.stream.IntStream;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.api.Problem;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.DeepObsCifar;
import org.vivit4j.problems.DeepObsProblems;
import org.vivit4j.problems.RandomProblems;

/**
 * One end-to-end benchmark problem: a network, loss and batch with one parameter group holding
 * every parameter and a top-k criterion (ViViT's setting in issue 5).
 *
 * @param id e.g. {@code mlp784_n128}; matches {@link ViVitTimings#TABLE}
 */
public record BenchCase(
    String id, String label, NetworkSpec network, LossSpec loss, Batch batch, int topK) {

  /** The single group of all parameters with the top-k criterion. */
  public List<ParamGroup> groups() {
    int[] all = IntStream.range(0, network.params().size()).toArray();
    return List.of(new ParamGroup("all", all, Criterion.topK(topK)));
  }

  public int n() {
    return batch.n();
  }

  /** The 784-128-64-10 ReLU MLP with cross-entropy (mean) on N random samples, top-10. */
  public static BenchCase mlp784(int n) {
    RandomProblems.Instance p =
        RandomProblems.mlp(
            784,
            new int[] {784, 128, 64, 10},
            new Activation[] {Activation.RELU, Activation.RELU},
            new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
            n,
            true);
    return new BenchCase(
        "mlp784_n" + n,
        "784-128-64-10 ReLU, CE mean, N=" + n + ", top-10",
        p.network(),
        p.loss(),
        p.batch(),
        10);
  }

  /**
   * DeepOBS's fmnist_2c2d (two 5×5 conv layers with max-pooling, 3 274 634 parameters) with
   * cross-entropy (mean), exact GGN, top-10, on N random pixel codes and labels (seed 0). Time and
   * memory do not depend on the pixel values, so the benchmark needs no data set.
   */
  public static BenchCase fmnist2c2d(int n) {
    Problem p = DeepObsProblems.fmnist2c2d(0, n, 10, null).problem();
    return new BenchCase(
        "fmnist_2c2d_n" + n,
        "fmnist_2c2d (DeepOBS), CE mean, N=" + n + ", top-10",
        p.network(),
        p.loss(),
        p.batch(),
        10);
  }

  /**
   * DeepOBS's cifar10_3c3d or cifar100_allcnnc ({@link DeepObsCifar}) on random data (seed 0),
   * cross-entropy (mean), exact GGN, top-10.
   */
  public static BenchCase cifar(String network, int n) {
    Problem p = DeepObsCifar.problem(network, 0, n, 10);
    return new BenchCase(
        network + "_n" + n,
        network + " (DeepOBS, random data), CE mean, N=" + n + ", top-10",
        p.network(),
        p.loss(),
        p.batch(),
        10);
  }

  /**
   * A case by network name ({@code mlp784}, {@code fmnist_2c2d}, {@code cifar10_3c3d}, {@code
   * cifar100_allcnnc}) and batch size.
   */
  public static BenchCase of(String network, int n) {
    return switch (network) {
      case "mlp784" -> mlp784(n);
      case "fmnist_2c2d" -> fmnist2c2d(n);
      case "cifar10_3c3d", "cifar100_allcnnc" -> cifar(network, n);
      default ->
          throw new org.vivit4j.model.InvalidInputException(
              "--network",
              "unknown network '"
                  + network
                  + "' (mlp784, fmnist_2c2d, cifar10_3c3d or cifar100_allcnnc)");
    };
  }
}
