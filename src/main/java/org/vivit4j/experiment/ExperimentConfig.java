package org.vivit4j.experiment;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.vivit4j.model.InvalidInputException;

/**
 * What an experiment does: network, optimiser, training schedule, the curvature measurements and
 * where they run. Built from defaults, then a JSON config file, then command-line flags; the keys
 * are the snake_case names of {@link #toMap()}.
 *
 * @param network {@code mlp} (784-128-64-10 ReLU) or {@code 2c2d} (DeepOBS fmnist_2c2d)
 * @param optimizer {@code sgd} (with momentum) or {@code adam}
 * @param trainLimit use the first this many training samples (0: all 60 000)
 * @param testLimit evaluate on the first this many test samples (0: all 10 000)
 * @param measureEvery measure curvature every this many optimiser steps
 * @param curvatureBatch N of the curvature measurements: the first samples of the current
 *     mini-batch (the Gram matrix is {@code N·10} square)
 * @param groups {@code all} (one group, the full GGN) or {@code per-layer} (block-diagonal)
 * @param subsampleGgn size of the GGN sub-sample compared with the exact GGN (0: off)
 * @param mcSamples Monte-Carlo samples M of the MC-GGN compared with the exact GGN (0: off; the
 *     draws are seeded by the step)
 * @param damping constant damping δ of the damped Newton step
 */
public record ExperimentConfig(
    String name,
    String network,
    String optimizer,
    double lr,
    double momentum,
    int epochs,
    int batchSize,
    int trainLimit,
    int testLimit,
    int measureEvery,
    int curvatureBatch,
    int topK,
    String groups,
    int subsampleGgn,
    int mcSamples,
    double damping,
    String backend,
    String device,
    long seed,
    String dataDir) {

  public static ExperimentConfig defaults() {
    return new ExperimentConfig(
        "fmnist-mlp",
        "mlp",
        "sgd",
        0.05,
        0.9,
        2,
        128,
        0,
        2000,
        50,
        32,
        5,
        "per-layer",
        16,
        1,
        1e-3,
        "cpu",
        null,
        0,
        null);
  }

  /** The configuration as ordered snake_case keys (what config files and reports use). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("network", network);
    m.put("optimizer", optimizer);
    m.put("lr", lr);
    m.put("momentum", momentum);
    m.put("epochs", epochs);
    m.put("batch_size", batchSize);
    m.put("train_limit", trainLimit);
    m.put("test_limit", testLimit);
    m.put("measure_every", measureEvery);
    m.put("curvature_batch", curvatureBatch);
    m.put("top_k", topK);
    m.put("groups", groups);
    m.put("subsample_ggn", subsampleGgn);
    m.put("mc_samples", mcSamples);
    m.put("damping", damping);
    m.put("backend", backend);
    m.put("device", device);
    m.put("seed", seed);
    m.put("data_dir", dataDir);
    return m;
  }

  /** This configuration with the given keys replaced; unknown keys are errors naming the key. */
  public ExperimentConfig with(Map<String, ?> changes, String source) {
    Map<String, Object> m = toMap();
    for (var e : changes.entrySet()) {
      if (!m.containsKey(e.getKey())) {
        throw new InvalidInputException(
            source + "." + e.getKey(),
            "unknown key (known: " + String.join(", ", m.keySet()) + ")");
      }
      m.put(e.getKey(), e.getValue());
    }
    ExperimentConfig c =
        new ExperimentConfig(
            str(m, "name", source),
            str(m, "network", source),
            str(m, "optimizer", source),
            num(m, "lr", source),
            num(m, "momentum", source),
            (int) num(m, "epochs", source),
            (int) num(m, "batch_size", source),
            (int) num(m, "train_limit", source),
            (int) num(m, "test_limit", source),
            (int) num(m, "measure_every", source),
            (int) num(m, "curvature_batch", source),
            (int) num(m, "top_k", source),
            str(m, "groups", source),
            (int) num(m, "subsample_ggn", source),
            (int) num(m, "mc_samples", source),
            num(m, "damping", source),
            str(m, "backend", source),
            (String) m.get("device"),
            (long) num(m, "seed", source),
            (String) m.get("data_dir"));
    c.check(source);
    return c;
  }

  private static String str(Map<String, Object> m, String key, String source) {
    Object v = m.get(key);
    if (!(v instanceof String s)) {
      throw new InvalidInputException(source + "." + key, "must be a string, got " + v);
    }
    return s;
  }

  private static double num(Map<String, Object> m, String key, String source) {
    Object v = m.get(key);
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    throw new InvalidInputException(source + "." + key, "must be a number, got " + v);
  }

  /** Checks ranges and names; one clear error naming the key. */
  public void check(String source) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new InvalidInputException(source + ".name", "use letters, digits, '.', '_' or '-'");
    }
    if (!network.equals("mlp") && !network.equals("2c2d")) {
      throw new InvalidInputException(source + ".network", "'" + network + "' (mlp, 2c2d)");
    }
    if (!optimizer.equals("sgd") && !optimizer.equals("adam")) {
      throw new InvalidInputException(source + ".optimizer", "'" + optimizer + "' (sgd, adam)");
    }
    if (!groups.equals("all") && !groups.equals("per-layer")) {
      throw new InvalidInputException(source + ".groups", "'" + groups + "' (all, per-layer)");
    }
    positive(source, "lr", lr);
    positive(source, "epochs", epochs);
    positive(source, "batch_size", batchSize);
    positive(source, "measure_every", measureEvery);
    positive(source, "curvature_batch", curvatureBatch);
    positive(source, "top_k", topK);
    if (curvatureBatch > batchSize) {
      throw new InvalidInputException(
          source + ".curvature_batch", "is larger than batch_size " + batchSize);
    }
    if (subsampleGgn < 0 || subsampleGgn >= curvatureBatch) {
      throw new InvalidInputException(
          source + ".subsample_ggn", "must lie in [0, curvature_batch) (0 turns it off)");
    }
    if (subsampleGgn > 0 && topK > subsampleGgn * 10) {
      throw new InvalidInputException(
          source + ".top_k", "is larger than the sub-sampled Gram size " + subsampleGgn * 10);
    }
    if (mcSamples < 0) {
      throw new InvalidInputException(source + ".mc_samples", "must be >= 0 (0 turns it off)");
    }
    if (mcSamples > 0 && topK > mcSamples * curvatureBatch) {
      throw new InvalidInputException(
          source + ".top_k",
          "is larger than the Monte-Carlo Gram size " + mcSamples * curvatureBatch);
    }
    if (!(damping >= 0)) {
      throw new InvalidInputException(source + ".damping", "must be >= 0");
    }
    if (trainLimit < 0 || testLimit < 0) {
      throw new InvalidInputException(source + ".train_limit", "limits must be >= 0");
    }
  }

  private static void positive(String source, String key, double v) {
    if (!(v > 0)) {
      throw new InvalidInputException(source + "." + key, "must be positive, got " + v);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s", toMap());
  }
}
