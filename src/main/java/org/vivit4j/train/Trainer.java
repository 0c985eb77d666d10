package org.vivit4j.train;

import java.util.SplittableRandom;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.Scaling;
import org.vivit4j.data.Dataset;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.NumericalOverflowException;

/**
 * Mini-batch training of a network on a data set, in float64 on the host: the loss and gradient
 * come from the same forward pass the curvature computations use, in training mode ({@link
 * TrainingPass}: BatchNorm with batch statistics, its running statistics updated by each step as
 * PyTorch's are); losses and accuracies for evaluation ({@link #loss}, {@link #evaluate}) are in
 * evaluation mode (running statistics), as the curvature is. Parameters and running statistics are
 * updated in place in the network spec.
 */
public final class Trainer implements AutoCloseable {
  private final NetworkSpec net;
  private final LossSpec loss;
  private final Optimizer optimizer;
  private final TrainingPass training;
  private FactorEngine engine;

  public Trainer(NetworkSpec net, LossSpec loss, Optimizer optimizer) {
    this.net = net;
    this.loss = loss;
    this.optimizer = optimizer;
    this.training = new TrainingPass(net, loss);
    this.engine = evaluationEngine();
  }

  /** Only the host forward pass is used: no backend work happens here. */
  private FactorEngine evaluationEngine() {
    return new FactorEngine(net, loss, new CpuBackend(Precision.FLOAT64));
  }

  /** Loss and accuracy of a batch. */
  public record Evaluation(double loss, double accuracy) {}

  /**
   * One optimiser step on {@code batch} in training mode; returns the batch's training-mode loss
   * before the step. BatchNorm running statistics move towards the batch's, as in PyTorch's forward
   * pass in training mode.
   *
   * @throws TrainingDivergedException when the loss or a gradient entry is not finite (the
   *     parameters are then left as they were), or the step makes a parameter overflow
   */
  public double step(Batch batch) {
    ForwardPass fp;
    try {
      fp = training.run(batch);
    } catch (NumericalOverflowException e) {
      throw new TrainingDivergedException(e.getMessage());
    }
    if (training.hasBatchNorm()) {
      training.updateRunningStatistics();
      // the evaluation-mode layers hold the running statistics they were built with
      engine.close();
      engine = evaluationEngine();
    }
    if (!Double.isFinite(fp.loss)) {
      throw new TrainingDivergedException("the mini-batch loss is " + fp.loss);
    }
    if (!allFinite(fp.grad)) {
      throw new TrainingDivergedException("the gradient is not finite");
    }
    double[] theta = net.flatParams();
    optimizer.step(theta, fp.grad);
    if (!allFinite(theta)) {
      throw new TrainingDivergedException("the step made a parameter overflow");
    }
    net.setFlatParams(theta);
    return fp.loss;
  }

  private static boolean allFinite(double[] a) {
    for (double v : a) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Loss of {@code batch} at the current parameters, in evaluation mode.
   *
   * @throws TrainingDivergedException when the forward pass overflows
   */
  public double loss(Batch batch) {
    return forward(batch).loss;
  }

  /**
   * The forward pass at the current parameters. The pass itself refuses to go on past a layer whose
   * output overflowed; during training that is divergence, not bad input, so it is reported as
   * such.
   */
  private ForwardPass forward(Batch batch) {
    try {
      return engine.forward(batch, new Scaling(loss.reduction(), batch.n(), batch.n()));
    } catch (NumericalOverflowException e) {
      throw new TrainingDivergedException(e.getMessage());
    }
  }

  /** Mean loss and accuracy over {@code data}, in chunks of {@code chunk} samples. */
  public Evaluation evaluate(Dataset data, int chunk) {
    double lossSum = 0;
    int correct = 0;
    for (int start = 0; start < data.size(); start += chunk) {
      int n = Math.min(chunk, data.size() - start);
      int[] idx = new int[n];
      for (int i = 0; i < n; i++) {
        idx[i] = start + i;
      }
      Batch b = data.batch(idx);
      ForwardPass fp = forward(b);
      lossSum += fp.loss * (loss.reduction() == org.vivit4j.model.Reduction.MEAN ? n : 1);
      double[] f = fp.outputs();
      int c = net.outputSize();
      for (int s = 0; s < n; s++) {
        int best = 0;
        for (int k = 1; k < c; k++) {
          if (f[s * c + k] > f[s * c + best]) {
            best = k;
          }
        }
        if (best == b.yClass()[s]) {
          correct++;
        }
      }
    }
    return new Evaluation(lossSum / data.size(), (double) correct / data.size());
  }

  /** A seeded permutation of {@code 0..n-1} (Fisher–Yates). */
  public static int[] shuffled(int n, SplittableRandom rnd) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  public Optimizer optimizer() {
    return optimizer;
  }

  @Override
  public void close() {
    engine.close();
  }
}
