package org.vivit4j.train;

import java.util.ArrayList;
import java.util.List;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.Scaling;
import org.vivit4j.layers.BatchNormLayer.BatchNormSpec;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.LayerRegistry;
import org.vivit4j.loss.Loss;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * The forward pass and gradient of a network in training mode, in float64 on the host: the
 * network's layers (a chain or a graph) with every BatchNorm node using the statistics of the batch
 * ({@link BatchNormTrainingLayer}); every other layer is the fast path's. After the pass, {@link
 * #updateRunningStatistics} moves each BatchNorm's running statistics as PyTorch does in training
 * mode:
 *
 * <pre>
 *   running_mean ← (1 − momentum)·running_mean + momentum·μ_B,
 *   running_var  ← (1 − momentum)·running_var  + momentum·v_B·m/(m − 1),
 * </pre>
 *
 * with PyTorch's {@code momentum = 0.1} and the unbiased batch variance ({@code m} entries per
 * channel). A network without BatchNorm trains exactly as in evaluation mode.
 */
public final class TrainingPass {
  /** PyTorch's BatchNorm default momentum. */
  public static final double MOMENTUM = 0.1;

  private final NetworkSpec net;
  private final List<Layer> layers;
  private final Loss loss;
  private final LossSpec lossSpec;

  public TrainingPass(NetworkSpec net, LossSpec lossSpec) {
    this.net = net;
    this.lossSpec = lossSpec;
    this.loss = Loss.of(lossSpec);
    List<Layer> built = new ArrayList<>(LayerRegistry.build(net));
    for (int i = 0; i < built.size(); i++) {
      if (net.layers().get(i) instanceof BatchNormSpec bn) {
        built.set(i, new BatchNormTrainingLayer(bn, net.sizeBefore(i)));
      }
    }
    this.layers = List.copyOf(built);
  }

  /** Whether the network has a layer whose training mode differs from its evaluation mode. */
  public boolean hasBatchNorm() {
    return layers.stream().anyMatch(l -> l instanceof BatchNormTrainingLayer);
  }

  /** The training-mode loss and its gradient at the current parameters. */
  public ForwardPass run(Batch batch) {
    return new ForwardPass(
        net, layers, loss, batch, new Scaling(lossSpec.reduction(), batch.n(), batch.n()));
  }

  /**
   * Moves every BatchNorm's running statistics (in the network spec, in place) towards the
   * statistics of the last {@link #run}, with {@link #MOMENTUM}.
   */
  public void updateRunningStatistics() {
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof BatchNormTrainingLayer t) {
        BatchNormSpec bn = (BatchNormSpec) net.layers().get(i);
        double[] mu = t.batchMean();
        double[] var = t.batchVarianceUnbiased();
        double[] runningMean = bn.runningMean();
        double[] runningVar = bn.runningVar();
        for (int c = 0; c < mu.length; c++) {
          runningMean[c] = (1 - MOMENTUM) * runningMean[c] + MOMENTUM * mu[c];
          runningVar[c] = (1 - MOMENTUM) * runningVar[c] + MOMENTUM * var[c];
        }
      }
    }
  }
}
