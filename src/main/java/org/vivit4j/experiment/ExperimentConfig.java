package org.vivit4j.experiment;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.vivit4j.model.InvalidInputException;

/**
 * What an experiment does: network, optimiser, training schedule, the curvature measurements and
 * where they run. Built from defaults, then a JSON config file, then command-line flags; the keys
 * are the snake_case names of {@link #toMap()}. Every value is checked (finite, in range, integral
 * where a count is meant) before any data is loaded or any file written; an error names the flag
 * ({@code --batch-size}) or the config file's key ({@code run.json: batch_size}) the value came
 * from.
 *
 * @param network {@code mlp} (784-128-64-10 ReLU), {@code 2c2d} (DeepOBS fmnist_2c2d) or {@code
 *     resnet} (fmnist_resnet: BatchNorm trained with batch statistics, measured in eval mode)
 * @param optimizer {@code sgd} (with momentum) or {@code adam}
 * @param lr learning rate, finite and {@code > 0}
 * @param momentum heavy-ball momentum of SGD, in {@code [0, 1)}
 * @param trainLimit use the first this many training samples (0: all 60 000)
 * @param testLimit evaluate on the first this many test samples (0: all 10 000)
 * @param measureEvery measure curvature every this many optimiser steps
 * @param curvatureBatch N of the curvature measurements: the first samples of the current
 *     mini-batch (the Gram matrix is {@code N·10} square); at least 2 (the SNR needs an unbiased
 *     variance)
 * @param groups {@code all} (one group, the full GGN) or {@code per-layer} (block-diagonal)
 * @param subsampleGgn size of the GGN sub-sample compared with the exact GGN (0: off); when not
 *     given, half the curvature batch and at most 16
 * @param mcSamples Monte-Carlo samples M of the MC-GGN compared with the exact GGN (0: off; the
 *     draws are seeded by the step)
 * @param damping constant damping δ of the damped Newton step, finite and {@code >= 0}
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

  /** Classes of Fashion-MNIST: the Gram matrix of N samples is {@code N·C} square. */
  private static final int CLASSES = 10;

  /** Largest Gram size whose square fits in one Java array. */
  private static final int MAX_GRAM_SIZE = 46_340;

  /** The sub-sample size used when none is given: half the curvature batch, at most this. */
  private static final int DEFAULT_SUBSAMPLE_MAX = 16;

  public static ExperimentConfig defaults() {
    return build(defaultValues(), ExperimentConfig::flag);
  }

  private static Map<String, Object> defaultValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", null); // fmnist-<network>, see build
    m.put("network", "mlp");
    m.put("optimizer", "sgd");
    m.put("lr", 0.05);
    m.put("momentum", 0.9);
    m.put("epochs", 2);
    m.put("batch_size", 128);
    m.put("train_limit", 0);
    m.put("test_limit", 2000);
    m.put("measure_every", 50);
    m.put("curvature_batch", 32);
    m.put("top_k", 5);
    m.put("groups", "per-layer");
    m.put("subsample_ggn", null); // adapts to curvature_batch, see build
    m.put("mc_samples", 1);
    m.put("damping", 1e-3);
    m.put("backend", "cpu");
    m.put("device", null);
    m.put("seed", 0L);
    m.put("data_dir", null);
    return m;
  }

  /** The command-line flag of a key: {@code batch_size} → {@code --batch-size}. */
  public static String flag(String key) {
    return "--" + key.replace('_', '-');
  }

  /**
   * The defaults, overridden by a config file's keys, overridden by the flags given. Errors name
   * where the offending value came from: {@code fileLabel: key} for the file, the flag otherwise
   * (also for a default, since the flag is how to change it).
   *
   * @param fromFile the config file's keys (empty when there is none)
   * @param fileLabel how errors name the file, e.g. its file name
   * @param fromFlags the flags given, by their snake_case key
   */
  public static ExperimentConfig resolve(
      Map<String, ?> fromFile, String fileLabel, Map<String, ?> fromFlags) {
    Map<String, Object> m = defaultValues();
    Map<String, String> names = new HashMap<>();
    for (var e : fromFile.entrySet()) {
      String field = fileLabel + ": " + e.getKey();
      if (!m.containsKey(e.getKey())) {
        throw new InvalidInputException(
            field, "unknown key (known: " + String.join(", ", m.keySet()) + ")");
      }
      m.put(e.getKey(), e.getValue());
      names.put(e.getKey(), field);
    }
    for (var e : fromFlags.entrySet()) {
      if (!m.containsKey(e.getKey())) {
        throw new IllegalArgumentException("no such key: " + e.getKey());
      }
      m.put(e.getKey(), e.getValue());
      names.remove(e.getKey());
    }
    return build(m, key -> names.getOrDefault(key, flag(key)));
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

  /**
   * This configuration with the given keys replaced; unknown keys and bad values are errors naming
   * {@code source: key}.
   */
  public ExperimentConfig with(Map<String, ?> changes, String source) {
    Map<String, Object> m = toMap();
    for (var e : changes.entrySet()) {
      if (!m.containsKey(e.getKey())) {
        throw new InvalidInputException(
            source + ": " + e.getKey(),
            "unknown key (known: " + String.join(", ", m.keySet()) + ")");
      }
      m.put(e.getKey(), e.getValue());
    }
    return build(m, key -> source + ": " + key);
  }

  /** How an error names the origin of a key's value. */
  private interface FieldNames {
    String of(String key);
  }

  private static ExperimentConfig build(Map<String, Object> m, FieldNames names) {
    Values v = new Values(m, names);
    int curvatureBatch = v.integer("curvature_batch");
    if (m.get("name") == null && m.get("network") instanceof String network) {
      // A run of another network must not default into the MLP's folder.
      m.put("name", "fmnist-" + network);
    }
    if (m.get("subsample_ggn") == null) {
      m.put("subsample_ggn", Math.min(DEFAULT_SUBSAMPLE_MAX, curvatureBatch / 2));
    }
    ExperimentConfig c =
        new ExperimentConfig(
            v.str("name"),
            v.str("network"),
            v.str("optimizer"),
            v.real("lr"),
            v.real("momentum"),
            v.integer("epochs"),
            v.integer("batch_size"),
            v.integer("train_limit"),
            v.integer("test_limit"),
            v.integer("measure_every"),
            curvatureBatch,
            v.integer("top_k"),
            v.str("groups"),
            v.integer("subsample_ggn"),
            v.integer("mc_samples"),
            v.real("damping"),
            v.str("backend"),
            v.optionalStr("device"),
            v.longInteger("seed"),
            v.optionalStr("data_dir"));
    c.check(names);
    return c;
  }

  /** Typed reads of the merged values; a wrong type is an error naming the key's origin. */
  private record Values(Map<String, Object> m, FieldNames names) {
    String str(String key) {
      Object v = m.get(key);
      if (!(v instanceof String s)) {
        throw new InvalidInputException(names.of(key), "must be a string, got " + v);
      }
      return s;
    }

    String optionalStr(String key) {
      return m.get(key) == null ? null : str(key);
    }

    /** A finite number (a numeric string is accepted: flags and hand-written files). */
    double real(String key) {
      Object v = m.get(key);
      double d = Double.NaN;
      if (v instanceof Number n) {
        d = n.doubleValue();
      } else if (v instanceof String s) {
        try {
          d = Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
          throw new InvalidInputException(names.of(key), "must be a number, got '" + s + "'");
        }
      } else {
        throw new InvalidInputException(names.of(key), "must be a number, got " + v);
      }
      if (!Double.isFinite(d)) {
        throw new InvalidInputException(names.of(key), "must be a finite number, got " + v);
      }
      return d;
    }

    long longInteger(String key) {
      Object v = m.get(key);
      if (v instanceof Integer || v instanceof Long || v instanceof Short) {
        return ((Number) v).longValue();
      }
      if (v instanceof java.math.BigInteger) {
        throw new InvalidInputException(names.of(key), "out of range: " + v);
      }
      double d = real(key);
      if (d != Math.rint(d) || Math.abs(d) >= 0x1p63) {
        throw new InvalidInputException(names.of(key), "must be a whole number, got " + v);
      }
      return (long) d;
    }

    int integer(String key) {
      long l = longInteger(key);
      if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
        throw new InvalidInputException(names.of(key), "out of range: " + l);
      }
      return (int) l;
    }
  }

  /** Checks ranges, names and the values that must agree; one clear error naming the key. */
  private void check(FieldNames f) {
    if (!name.matches("[A-Za-z0-9._-]+") || name.equals(".") || name.equals("..")) {
      throw new InvalidInputException(
          f.of("name"), "'" + name + "': use letters, digits, '.', '_' or '-' (not . or ..)");
    }
    oneOf(f, "network", network, "mlp", "2c2d", "resnet");
    oneOf(f, "optimizer", optimizer, "sgd", "adam");
    oneOf(f, "groups", groups, "all", "per-layer");
    oneOf(f, "backend", backend, "cpu", "opencl");
    if (!(lr > 0)) {
      throw new InvalidInputException(f.of("lr"), "must be > 0, got " + lr);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new InvalidInputException(f.of("momentum"), "must lie in [0, 1), got " + momentum);
    }
    atLeast(f, "epochs", epochs, 1);
    atLeast(f, "batch_size", batchSize, 1);
    atLeast(f, "train_limit", trainLimit, 0);
    atLeast(f, "test_limit", testLimit, 0);
    atLeast(f, "measure_every", measureEvery, 1);
    atLeast(f, "curvature_batch", curvatureBatch, 2);
    atLeast(f, "top_k", topK, 1);
    atLeast(f, "subsample_ggn", subsampleGgn, 0);
    atLeast(f, "mc_samples", mcSamples, 0);
    if (curvatureBatch > batchSize) {
      throw new InvalidInputException(
          f.of("curvature_batch"),
          curvatureBatch + " is larger than " + f.of("batch_size") + " " + batchSize);
    }
    if ((long) curvatureBatch * CLASSES > MAX_GRAM_SIZE) {
      throw new InvalidInputException(
          f.of("curvature_batch"),
          "at most " + MAX_GRAM_SIZE / CLASSES + " (the Gram matrix is 10·N square)");
    }
    if (topK > curvatureBatch * CLASSES) {
      throw new InvalidInputException(
          f.of("top_k"),
          topK
              + " is larger than the Gram size 10 × "
              + f.of("curvature_batch")
              + " = "
              + curvatureBatch * CLASSES);
    }
    if (subsampleGgn >= curvatureBatch) {
      throw new InvalidInputException(
          f.of("subsample_ggn"),
          subsampleGgn
              + " must be less than "
              + f.of("curvature_batch")
              + " "
              + curvatureBatch
              + " (0 turns the comparison off)");
    }
    if (subsampleGgn > 0 && topK > subsampleGgn * CLASSES) {
      throw new InvalidInputException(
          f.of("top_k"),
          topK
              + " is larger than the sub-sampled Gram size 10 × "
              + f.of("subsample_ggn")
              + " = "
              + subsampleGgn * CLASSES);
    }
    if ((long) mcSamples * curvatureBatch > MAX_GRAM_SIZE) {
      throw new InvalidInputException(
          f.of("mc_samples"),
          "M × N = "
              + (long) mcSamples * curvatureBatch
              + " is larger than "
              + MAX_GRAM_SIZE
              + " (the Monte-Carlo Gram matrix is M·N square)");
    }
    if (mcSamples > 0 && topK > mcSamples * curvatureBatch) {
      throw new InvalidInputException(
          f.of("top_k"),
          topK
              + " is larger than the Monte-Carlo Gram size "
              + f.of("mc_samples")
              + " × "
              + f.of("curvature_batch")
              + " = "
              + mcSamples * curvatureBatch
              + " (0 for mc_samples turns that comparison off)");
    }
    if (!(damping >= 0)) {
      throw new InvalidInputException(f.of("damping"), "must be >= 0, got " + damping);
    }
  }

  private static void oneOf(FieldNames f, String key, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) {
        return;
      }
    }
    throw new InvalidInputException(
        f.of(key), "'" + value + "' (one of " + String.join(", ", allowed) + ")");
  }

  private static void atLeast(FieldNames f, String key, long value, long min) {
    if (value < min) {
      throw new InvalidInputException(f.of(key), "must be >= " + min + ", got " + value);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s", toMap());
  }
}
