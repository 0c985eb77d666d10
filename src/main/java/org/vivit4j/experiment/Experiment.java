package org.vivit4j.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.vivit4j.backend.Backend;
import org.vivit4j.data.Dataset;
import org.vivit4j.model.Activation;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.Reduction;
import org.vivit4j.problems.FmnistResNet;
import org.vivit4j.problems.RandomProblems;
import org.vivit4j.train.Adam;
import org.vivit4j.train.Optimizer;
import org.vivit4j.train.Sgd;
import org.vivit4j.train.Trainer;
import org.vivit4j.train.TrainingDivergedException;

/**
 * Trains a network on a data set and measures curvature along the way (see {@link Curvature}),
 * writing every row to CSV as it is measured and drawing the plots at the end, also when a stop is
 * requested (Ctrl-C, see {@link StopSignals}) or training diverges: the loop ends at the next step
 * boundary, the CSV files are closed and the plots drawn from the rows logged so far.
 */
public final class Experiment {
  private final ExperimentConfig config;
  private final Path dir;
  private final PrintWriter console;
  private CsvLog training;
  private CsvLog evaluation;
  private CsvLog directions;
  private CsvLog groupLog;
  private List<String> groupNames;

  public Experiment(ExperimentConfig config, Path dir, PrintWriter console) {
    this.config = config;
    this.dir = dir;
    this.console = console;
  }

  /** The network the config names, initialised from the seed. */
  static NetworkSpec network(ExperimentConfig config) {
    SplittableRandom rnd = new SplittableRandom(config.seed());
    if (config.network().equals("mlp")) {
      return RandomProblems.mlpNetwork(
          rnd,
          new int[] {784, 128, 64, 10},
          new Activation[] {Activation.RELU, Activation.RELU},
          true);
    }
    if (config.network().equals("resnet")) {
      // PyTorch's initial running statistics (0, 1); training moves them
      return FmnistResNet.network(rnd, new int[] {1, 28, 28}, FmnistResNet.WIDTH, 10);
    }
    return org.vivit4j.problems.DeepObsProblems.fmnist2c2dNetwork(rnd);
  }

  private Optimizer optimizer() {
    return config.optimizer().equals("adam")
        ? new Adam(config.lr())
        : new Sgd(config.lr(), config.momentum());
  }

  /**
   * Runs the experiment to the end; see {@link #run(Dataset, Dataset, Backend, Map, StopRequest)}.
   */
  public Summary run(Dataset train, Dataset test, Backend backend, Map<String, Object> stamp)
      throws IOException {
    return run(train, test, backend, stamp, StopSignals.NEVER);
  }

  /**
   * Runs the experiment until the last epoch or until {@code stop} is requested (polled before each
   * step and each evaluation), writing into the output folder (created when missing).
   *
   * @return the losses, the accuracy and the number of steps; {@link Summary#stopped()} tells
   *     whether the run was cut short
   * @throws TrainingDivergedException when training produced a non-finite loss or parameters: the
   *     rows logged up to then and the plots are kept
   */
  public Summary run(
      Dataset train,
      Dataset test,
      Backend backend,
      Map<String, Object> stamp,
      StopSignals.StopRequest stop)
      throws IOException {
    Files.createDirectories(dir);
    NetworkSpec net = network(config);
    if (config.network().equals("mlp")) {
      train = train.reshaped(784);
      test = test.reshaped(784);
    }
    LossSpec loss = new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN);
    List<int[]> groups = new ArrayList<>();
    groupNames = new ArrayList<>();
    if (config.groups().equals("all")) {
      groups.add(IntStream.range(0, net.params().size()).toArray());
      groupNames.add("all");
    } else {
      for (int layer = 0; layer < net.layers().size(); layer++) {
        final int l = layer;
        int[] g =
            IntStream.range(0, net.params().size())
                .filter(t -> net.params().get(t).layer() == l)
                .toArray();
        if (g.length > 0) {
          groups.add(g);
          // a graph's nodes have names (PyTorch's modules); a chain's are their indices
          groupNames.add(net.isGraph() ? net.nodeName(layer) : "layer" + layer);
        }
      }
    }
    Map<String, Object> meta = new LinkedHashMap<>(stamp);
    meta.put("config", config.toMap());
    meta.put("device", backend.deviceName());
    meta.put("backend", backend.name());
    meta.put("dtype", backend.precision().typeName());
    meta.put("started", Instant.now().toString());
    meta.put("train_samples", train.size());
    meta.put("test_samples", test.size());
    meta.put("num_params", net.numParams());
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    AtomicFiles.write(dir.resolve("config.json"), json.writeValueAsBytes(meta));

    training = new CsvLog(dir.resolve("training.csv"), "step,epoch,batch_loss");
    evaluation =
        new CsvLog(
            dir.resolve("evaluation.csv"),
            "epoch,step,train_loss,train_accuracy,test_loss,test_accuracy");
    directions =
        new CsvLog(
            dir.resolve("directions.csv"), "group,step,epoch,k,eigenvalue,snr_gamma,snr_lambda");
    groupLog =
        new CsvLog(
            dir.resolve("groups.csv"),
            "group,step,epoch,trace,overlap_subsampled,newton_predicted,newton_measured,overlap_mc");
    int stepsPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
    long total = (long) stepsPerEpoch * config.epochs();
    Progress progress = new Progress(console, total);
    SplittableRandom shuffle = new SplittableRandom(config.seed() + 1);
    Trainer.Evaluation before = null;
    Trainer.Evaluation lastTest = null;
    long step = 0;
    int epoch = 0;
    try (Trainer trainer = new Trainer(net, loss, optimizer())) {
      before = trainer.evaluate(test, 500);
      Trainer.Evaluation beforeTrain = trainer.evaluate(train.head(test.size()), 500);
      evaluation.row(
          null, 0, 0, beforeTrain.loss(), beforeTrain.accuracy(), before.loss(), before.accuracy());
      training:
      for (epoch = 1; epoch <= config.epochs(); epoch++) {
        int[] perm = Trainer.shuffled(train.size(), shuffle);
        for (int b = 0; b < stepsPerEpoch; b++) {
          if (stop.requested()) {
            break training;
          }
          int from = b * config.batchSize();
          int[] idx =
              java.util.Arrays.copyOfRange(
                  perm, from, Math.min(from + config.batchSize(), train.size()));
          Batch batch = train.batch(idx);
          if (step % config.measureEvery() == 0 && idx.length >= config.curvatureBatch()) {
            Batch curvatureBatch =
                train.batch(java.util.Arrays.copyOf(idx, config.curvatureBatch()));
            // Parameters can be finite and still overflow in the forward pass: caught here as
            // divergence rather than as a non-finite matrix inside the curvature computation.
            double curvatureLoss;
            try {
              curvatureLoss = trainer.loss(curvatureBatch);
            } catch (TrainingDivergedException e) {
              throw diverged(step, epoch, e.getMessage());
            }
            if (!Double.isFinite(curvatureLoss)) {
              throw diverged(step, epoch, "the loss of the curvature batch is " + curvatureLoss);
            }
            measure(net, loss, curvatureBatch, groups, trainer, step, epoch, backend);
          }
          double batchLoss;
          try {
            batchLoss = trainer.step(batch);
          } catch (TrainingDivergedException e) {
            throw diverged(step, epoch, e.getMessage());
          }
          step++;
          training.row(null, step, epoch, batchLoss);
          progress.update(
              step,
              String.format(
                  Locale.ROOT, "epoch %d/%d loss %.4f", epoch, config.epochs(), batchLoss));
        }
        if (stop.requested()) {
          break;
        }
        Trainer.Evaluation tr;
        try {
          tr = trainer.evaluate(train.head(test.size()), 500);
          lastTest = trainer.evaluate(test, 500);
        } catch (TrainingDivergedException e) {
          throw diverged(step - 1, epoch, e.getMessage());
        }
        evaluation.row(
            null, epoch, step, tr.loss(), tr.accuracy(), lastTest.loss(), lastTest.accuracy());
        console.printf(
            Locale.ROOT,
            "%nepoch %d: train loss %.4f acc %.3f | test loss %.4f acc %.3f%n",
            epoch,
            tr.loss(),
            tr.accuracy(),
            lastTest.loss(),
            lastTest.accuracy());
      }
    } catch (RuntimeException e) {
      // Diverged (or failed): what was logged is kept and plotted before the error is reported.
      try {
        finish();
      } catch (IOException | RuntimeException plotting) {
        e.addSuppressed(plotting);
      }
      throw e;
    }
    finish();
    boolean stopped = stop.requested() && epoch <= config.epochs();
    return new Summary(
        before.loss(),
        lastTest == null ? Double.NaN : lastTest.loss(),
        lastTest == null ? Double.NaN : lastTest.accuracy(),
        step,
        stopped);
  }

  private TrainingDivergedException diverged(long stepsDone, int epoch, String what) {
    return new TrainingDivergedException(
        String.format(
            Locale.ROOT,
            "training diverged at step %d (epoch %d): %s; try a smaller lr than %g",
            stepsDone + 1,
            epoch,
            what,
            config.lr()));
  }

  /**
   * Loss before and after training, final accuracy and number of steps; whether a stop request cut
   * the run short (then the final loss and accuracy are those of the last finished epoch, NaN when
   * none finished).
   */
  public record Summary(
      double initialTestLoss,
      double finalTestLoss,
      double finalTestAccuracy,
      long steps,
      boolean stopped) {}

  private void measure(
      NetworkSpec net,
      LossSpec loss,
      Batch batch,
      List<int[]> groups,
      Trainer trainer,
      long step,
      int epoch,
      Backend backend) {
    double[] saved = net.flatParams();
    Curvature.LossOfParams lossAt =
        theta -> {
          net.setFlatParams(theta);
          double l = trainer.loss(batch);
          net.setFlatParams(saved);
          return l;
        };
    for (Curvature.GroupMeasurement m :
        Curvature.measure(
                net,
                loss,
                batch,
                groups,
                groupNames,
                config.topK(),
                config.subsampleGgn(),
                config.mcSamples(),
                step,
                config.damping(),
                backend,
                lossAt)
            .groups()) {
      int k = m.directions().size();
      for (int j = 0; j < k; j++) {
        Curvature.Direction d = m.directions().get(j);
        // k counts from the top: 1 is the largest eigenvalue.
        directions.row(m.group(), step, epoch, k - j, d.eigenvalue(), d.snrGamma(), d.snrLambda());
      }
      groupLog.row(
          m.group(),
          step,
          epoch,
          m.trace(),
          m.overlapSubsampled(),
          m.newtonPredicted(),
          m.newtonMeasured(),
          m.overlapMonteCarlo());
    }
  }

  /**
   * Closes the logs and draws the plots from what was logged (each plot written atomically, so a
   * plot is either complete or absent).
   */
  private void finish() throws IOException {
    training.close();
    evaluation.close();
    directions.close();
    groupLog.close();
    drawPlots();
    console.flush();
  }

  private void drawPlots() throws IOException {
    Plots.Lines lossLines = new Plots.Lines();
    for (double[] r : training.rows()) {
      lossLines.add("mini-batch loss", r[0], r[2]);
    }
    for (double[] r : evaluation.rows()) {
      lossLines.add("test loss", r[1], r[4]);
      lossLines.add("train loss", r[1], r[2]);
    }
    Plots.save(
        dir.resolve("loss.png"), "Training", "step", "cross-entropy", lossLines, false, false);
    List<double[]> rows = directions.rows();
    List<String> labels = directions.labels();
    for (String group : groupNames) {
      Plots.Lines evals = new Plots.Lines();
      Plots.Lines snrG = new Plots.Lines();
      Plots.Lines snrL = new Plots.Lines();
      for (int i = 0; i < rows.size(); i++) {
        if (!group.equals(labels.get(i))) {
          continue;
        }
        double[] r = rows.get(i);
        String name = "k=" + (int) r[2];
        evals.add(name, r[0], r[3]);
        snrG.add(name, r[0], r[4]);
        snrL.add(name, r[0], r[5]);
      }
      Plots.save(
          dir.resolve("eigenvalues_" + group + ".png"),
          "Top GGN eigenvalues, " + group,
          "step",
          "eigenvalue",
          evals,
          true,
          false);
      Plots.save(
          dir.resolve("snr_gamma_" + group + ".png"),
          "SNR of γ (first-order), " + group,
          "step",
          "SNR",
          snrG,
          true,
          false);
      Plots.save(
          dir.resolve("snr_lambda_" + group + ".png"),
          "SNR of λ (second-order), " + group,
          "step",
          "SNR",
          snrL,
          true,
          false);
    }
    Plots.Lines overlap = new Plots.Lines();
    Plots.Lines trace = new Plots.Lines();
    Plots.Lines newton = new Plots.Lines();
    List<double[]> g = groupLog.rows();
    List<String> gl = groupLog.labels();
    for (int i = 0; i < g.size(); i++) {
      double[] r = g.get(i);
      overlap.add(gl.get(i) + " sub-sampled", r[0], r[3]);
      overlap.add(gl.get(i) + " Monte-Carlo", r[0], r[6]);
      trace.add(gl.get(i), r[0], r[2]);
      newton.add(gl.get(i), r[4], r[5]);
    }
    Plots.save(
        dir.resolve("overlap.png"),
        "Top-k eigenspace overlap with the exact GGN",
        "step",
        "overlap",
        overlap,
        false,
        false);
    Plots.save(dir.resolve("trace.png"), "GGN trace", "step", "trace", trace, true, false);
    Plots.save(
        dir.resolve("newton.png"),
        "Damped Newton step: predicted vs measured loss change",
        "predicted ΔL",
        "measured ΔL",
        newton,
        false,
        true);
  }
}
