package org.vivit4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Backends;
import org.vivit4j.data.DataFormatException;
import org.vivit4j.data.Dataset;
import org.vivit4j.data.FashionMnist;
import org.vivit4j.experiment.Experiment;
import org.vivit4j.experiment.ExperimentConfig;
import org.vivit4j.experiment.OutputFolder;
import org.vivit4j.experiment.StopSignals;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.train.TrainingDivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tornado-run experiment}: trains on Fashion-MNIST and tracks curvature and its noise along
 * the top GGN eigen-directions; writes CSV, JSON and PNG plots to {@code
 * results/experiments/<name>/} as it goes.
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a network on Fashion-MNIST and measures, every few steps: top-k GGN",
      "eigenvalues per group, SNR of γ and λ along them, the GGN trace, the overlap of",
      "a sub-sampled GGN's top-k eigenspace with the exact one, and a damped Newton",
      "step's predicted vs measured loss change.",
      "Options override the --config file, which overrides the defaults; all are",
      "checked before the data is read or the output folder made.",
      "Ctrl-C (SIGINT) or SIGTERM stops after the current step, keeps the CSV files,",
      "draws the plots and exits 130 or 143. An output folder that holds an experiment",
      "is refused unless --overwrite is given."
    })
final class ExperimentCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--config", description = "JSON file with any of the keys below (snake_case)")
  Path configFile;

  @Option(names = "--out", description = "output folder (default results/experiments/<name>)")
  Path out;

  @Option(names = "--name")
  String name;

  @Option(
      names = "--network",
      description =
          "mlp (784-128-64-10 ReLU), 2c2d or resnet (fmnist_resnet; BatchNorm trained with batch"
              + " statistics, curvature measured in eval mode)")
  String network;

  @Option(names = "--optimizer", description = "sgd or adam")
  String optimizer;

  @Option(names = "--lr")
  Double lr;

  @Option(names = "--momentum")
  Double momentum;

  @Option(names = "--epochs")
  Integer epochs;

  @Option(names = "--batch-size")
  Integer batchSize;

  @Option(names = "--train-limit", description = "first n training samples (0: all)")
  Integer trainLimit;

  @Option(names = "--test-limit", description = "first n test samples (0: all)")
  Integer testLimit;

  @Option(names = "--measure-every", description = "steps between measurements")
  Integer measureEvery;

  @Option(names = "--curvature-batch", description = "N of the curvature measurements")
  Integer curvatureBatch;

  @Option(names = "--top-k")
  Integer topK;

  @Option(names = "--groups", description = "all or per-layer")
  String groups;

  @Option(
      names = "--subsample-ggn",
      description =
          "GGN sub-sample size to compare (0: off; default: half --curvature-batch, at most 16)")
  Integer subsampleGgn;

  @Option(names = "--mc-samples", description = "Monte-Carlo GGN samples to compare (0: off)")
  Integer mcSamples;

  @Option(names = "--damping")
  Double damping;

  @Option(names = "--backend", description = "cpu or opencl")
  String backend;

  @Option(names = "--device")
  String device;

  @Option(names = "--seed")
  Long seed;

  @Option(names = "--data", description = "folder with the Fashion-MNIST IDX files")
  String dataDir;

  @Option(
      names = "--overwrite",
      description = "replace the experiment already in the output folder (refused without it)")
  boolean overwrite;

  /**
   * Runs the experiment. Everything that can be checked without the data is checked first (every
   * option, the data files' presence, the output folder, the backend), then the data is loaded and
   * checked against the options, and only then is the output folder created.
   *
   * @return 0, or {@code 128 + signal} (130, 143) when SIGINT/SIGTERM stopped the run early
   */
  @Override
  public Integer call() throws IOException {
    PrintWriter console = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExperimentConfig config = ExperimentConfig.resolve(readConfigFile(), configLabel(), flags());

    Path data = config.dataDir() == null ? FashionMnist.DEBIAN_DIR : Path.of(config.dataDir());
    try {
      FashionMnist.checkFiles(data);
    } catch (DataFormatException e) {
      throw new InvalidInputException("--data", e.getMessage());
    }
    Path dir = out != null ? out : Path.of("results", "experiments", config.name());
    OutputFolder.check(dir, overwrite, "--out");

    Map<String, Object> stamp = new LinkedHashMap<>();
    stamp.put("command_line", CommandLineText.current(spec));
    stamp.put("commit", System.getProperty("vivit4j.commit", "unknown"));
    stamp.put("jdk", Runtime.version().toString());
    stamp.put("data", data.toString());
    try (Backend b =
        Backends.create(
            config.backend(), config.device(), Backends.defaultPrecision(config.backend()))) {
      Dataset train;
      Dataset test;
      try {
        train = FashionMnist.load(data, true);
        test = FashionMnist.load(data, false);
      } catch (DataFormatException e) {
        throw new InvalidInputException("--data", e.getMessage());
      }
      if (config.trainLimit() > 0) {
        train = train.head(config.trainLimit());
      }
      if (config.testLimit() > 0) {
        test = test.head(config.testLimit());
      }
      if (train.size() < config.curvatureBatch()) {
        throw new InvalidInputException(
            "--curvature-batch",
            config.curvatureBatch()
                + " is larger than the "
                + train.size()
                + " training samples (see --train-limit and --data)");
      }
      if (test.size() == 0) {
        throw new InvalidInputException("--data", "the test set " + data + " has no samples");
      }
      // Held until the run ends: no second experiment writes into this folder meanwhile.
      OutputFolder.Lock folderLock = OutputFolder.prepare(dir, overwrite, "--out");
      try (folderLock) {
        console.printf(
            Locale.ROOT,
            "experiment %s: %s on %d training / %d test samples, %s backend on %s -> %s%n",
            config.name(),
            config.network(),
            train.size(),
            test.size(),
            b.name(),
            b.deviceName(),
            dir);
        console.flush();
        Experiment.Summary s;
        try (StopSignals signals = StopSignals.install(err)) {
          try {
            s = new Experiment(config, dir, console).run(train, test, b, stamp, signals.request());
          } catch (TrainingDivergedException e) {
            err.println(
                "error: "
                    + e.getMessage()
                    + "; the rows logged before it and their plots are in "
                    + dir);
            return Main.EXIT_MISMATCH;
          }
          if (signals.received() != null) {
            console.flush();
            err.printf(
                Locale.ROOT,
                "stopped by %s after %d steps: CSV files and plots of the steps done are in %s%n",
                signals.received(),
                s.steps(),
                dir);
            return signals.exitCode();
          }
        }
        console.printf(
            Locale.ROOT,
            "done: %d steps, test loss %.4f -> %.4f, test accuracy %.3f; results in %s%n",
            s.steps(),
            s.initialTestLoss(),
            s.finalTestLoss(),
            s.finalTestAccuracy(),
            dir);
      }
    }
    return 0;
  }

  private String configLabel() {
    return configFile == null ? "--config" : configFile.toString();
  }

  /** The config file's keys (empty without {@code --config}). */
  private Map<String, Object> readConfigFile() {
    if (configFile == null) {
      return Map.of();
    }
    if (!Files.exists(configFile)) {
      throw new InvalidInputException("--config", configFile + ": no such file");
    }
    if (!Files.isRegularFile(configFile)) {
      throw new InvalidInputException("--config", configFile + " is not a file");
    }
    try {
      Map<String, Object> m =
          new ObjectMapper().readValue(configFile.toFile(), new TypeReference<>() {});
      if (m == null) {
        throw new InvalidInputException("--config", configFile + ": expected a JSON object");
      }
      return m;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "--config", configFile + ": malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInputException("--config", configFile + ": cannot read: " + e.getMessage());
    }
  }

  /** The flags given, by their snake_case config key. */
  private Map<String, Object> flags() {
    Map<String, Object> flags = new LinkedHashMap<>();
    put(flags, "name", name);
    put(flags, "network", network);
    put(flags, "optimizer", optimizer);
    put(flags, "lr", lr);
    put(flags, "momentum", momentum);
    put(flags, "epochs", epochs);
    put(flags, "batch_size", batchSize);
    put(flags, "train_limit", trainLimit);
    put(flags, "test_limit", testLimit);
    put(flags, "measure_every", measureEvery);
    put(flags, "curvature_batch", curvatureBatch);
    put(flags, "top_k", topK);
    put(flags, "groups", groups);
    put(flags, "subsample_ggn", subsampleGgn);
    put(flags, "mc_samples", mcSamples);
    put(flags, "damping", damping);
    put(flags, "backend", backend);
    put(flags, "device", device);
    put(flags, "seed", seed);
    put(flags, "data_dir", dataDir);
    return flags;
  }

  private static void put(Map<String, Object> m, String key, Object value) {
    if (value != null) {
      m.put(key, value);
    }
  }
}
