package org.vivit4j.api;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.vivit4j.model.Batch;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.NetworkSpec;

/**
 * Checks what a computation is given before anything runs. Field names follow the problem-file
 * schema ({@code X}, {@code computation.subsampling_ggn}, {@code param_groups[j].params}, …) so API
 * users and CLI users read the same messages.
 */
final class InputChecks {
  private InputChecks() {}

  static void check(
      NetworkSpec net,
      LossSpec loss,
      Batch batch,
      ComputationOptions options,
      List<ParamGroup> groups,
      int factorColumnsPerSample) {
    int n = batch.n();
    if (n < 1) {
      throw new InvalidInputException("N", "must be at least 1, got " + n);
    }
    if (batch.x().length != n * net.inputSize()) {
      throw new InvalidInputException(
          "X", "has " + batch.x().length + " values, expected N × " + net.inputSize());
    }
    finite(batch.x(), "X");
    net.checkNetworkInput(batch.x(), "X");
    int c = net.outputSize();
    if (loss.type().realTargets()) {
      if (batch.yReal() == null || batch.yReal().length != n * c) {
        throw new InvalidInputException(
            "y", loss.type().typeName() + " needs real targets of shape [" + n + "][" + c + "]");
      }
      finite(batch.yReal(), "y");
      if (loss.type() == LossType.BCE_WITH_LOGITS) {
        for (int i = 0; i < batch.yReal().length; i++) {
          double y = batch.yReal()[i];
          if (y < 0 || y > 1) {
            throw new InvalidInputException(
                "y[" + i / c + "][" + i % c + "]",
                "is " + y + " but bce_with_logits targets must lie in [0, 1]");
          }
        }
      }
    } else {
      if (batch.yClass() == null || batch.yClass().length != n) {
        throw new InvalidInputException("y", "cross-entropy needs " + n + " class indices");
      }
      for (int i = 0; i < n; i++) {
        if (batch.yClass()[i] < 0 || batch.yClass()[i] >= c) {
          throw new InvalidInputException(
              "y[" + i + "]", "class index " + batch.yClass()[i] + " is outside [0, " + c + ")");
        }
      }
    }
    double[] theta = net.flatParams();
    for (var p : net.params()) {
      for (int i = 0; i < p.numel(); i++) {
        if (!Double.isFinite(theta[p.offset() + i])) {
          throw new InvalidInputException(
              net.where(p.layer()) + "." + p.name(), "contains " + theta[p.offset() + i]);
        }
      }
    }
    if (options.mcSamples() < 0) {
      throw new InvalidInputException(
          "computation.mc_samples_ggn",
          "is " + options.mcSamples() + " but must be >= 0 (0: exact GGN, M >= 1: Monte-Carlo)");
    }
    indices(options.subsamplingGrad(), n, "computation.subsampling_grad");
    indices(options.subsamplingGgn(), n, "computation.subsampling_ggn");
    if (groups.isEmpty()) {
      throw new InvalidInputException("param_groups", "must contain at least one group");
    }
    int nGgn = options.subsamplingGgn() == null ? n : options.subsamplingGgn().length;
    long gramSize = (long) nGgn * factorColumnsPerSample; // long: C̃·N_ggn may not fit an int
    Set<String> names = new HashSet<>();
    for (int j = 0; j < groups.size(); j++) {
      ParamGroup g = groups.get(j);
      String field = "param_groups[" + j + "]";
      if (!names.add(g.name())) {
        throw new InvalidInputException(field + ".name", "'" + g.name() + "' is used twice");
      }
      int[] params = g.params();
      if (params.length == 0) {
        throw new InvalidInputException(field + ".params", "is empty");
      }
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < params.length; i++) {
        if (params[i] < 0 || params[i] >= net.params().size()) {
          throw new InvalidInputException(
              field + ".params[" + i + "]",
              "parameter index " + params[i] + " is outside [0, " + net.params().size() + ")");
        }
        if (!seen.add(params[i])) {
          throw new InvalidInputException(
              field + ".params[" + i + "]", "parameter index " + params[i] + " appears twice");
        }
      }
      if (g.criterion() instanceof Criterion.TopK t && t.k() > gramSize) {
        throw new InvalidInputException(
            field + ".criterion.k",
            "k = " + t.k() + " is larger than the Gram size C̃·N_ggn = " + gramSize);
      }
    }
  }

  /**
   * Hyper-parameters of layers built through the API (the problem reader checks the same), each
   * spec's own {@link org.vivit4j.model.LayerSpec#checkHyperParameters}: finite activation
   * parameters, dropout {@code p ∈ [0, 1]}, LayerNorm {@code eps > 0} and parameters of {@code
   * prod(normalized_shape)} values, a bias only with a weight.
   */
  static void checkLayers(NetworkSpec net) {
    for (int i = 0; i < net.layers().size(); i++) {
      LayerSpec layer = net.layers().get(i);
      layer.checkHyperParameters(net.where(i));
    }
    net.checkIndexReaders();
  }

  private static void finite(double[] a, String field) {
    for (int i = 0; i < a.length; i++) {
      if (!Double.isFinite(a[i])) {
        throw new InvalidInputException(field, "contains " + a[i] + " at flat index " + i);
      }
    }
  }

  private static void indices(int[] idx, int n, String field) {
    if (idx == null) {
      return;
    }
    if (idx.length == 0) {
      throw new InvalidInputException(field, "is empty (use null for all samples)");
    }
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= n) {
        throw new InvalidInputException(
            field + "[" + i + "]", "sample index " + idx[i] + " is outside [0, " + n + ")");
      }
      if (!seen.add(idx[i])) {
        throw new InvalidInputException(
            field + "[" + i + "]", "sample index " + idx[i] + " appears twice");
      }
    }
  }
}
