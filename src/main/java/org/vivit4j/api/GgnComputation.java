package org.vivit4j.api;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.vivit4j.backend.Backend;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.GramSpace;
import org.vivit4j.core.Scaling;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * The shape shared by ViViT's computations: options in the constructor, {@link #run} with the
 * network, loss, batch, parameter groups and backend, then {@link #result} per group. All groups
 * are computed in one backward pass of the GGN factor.
 */
public abstract class GgnComputation {
  protected final ComputationOptions options;
  private ComputationResult last;

  protected GgnComputation(ComputationOptions options) {
    this.options = options;
  }

  /** What a concrete computation produces beyond the Gram spectrum. */
  protected enum Output {
    EVALS,
    EVECS,
    DIRECTIONAL
  }

  protected abstract Output output();

  /** Whether parameter-space eigenvectors are returned in the results. */
  protected boolean returnsEigenvectors() {
    return output() == Output.EVECS;
  }

  /**
   * Runs the computation; results stay available through {@link #result}.
   *
   * @throws org.vivit4j.model.InvalidInputException naming the field of a bad input
   */
  public ComputationResult run(
      NetworkSpec net, LossSpec loss, Batch batch, List<ParamGroup> groups, Backend backend) {
    long start = System.nanoTime();
    int n = batch.n();
    try (FactorEngine engine =
        new FactorEngine(net, loss, backend, options.mcSamples(), options.seed())) {
      int ct = engine.factorColumns();
      InputChecks.check(net, loss, batch, options, groups, ct);
      int[] ggnRows = rowsOrAll(options.subsamplingGgn(), n);
      int[] gradRows = rowsOrAll(options.subsamplingGrad(), n);
      Scaling scaling = new Scaling(loss.reduction(), n, ggnRows.length, options.mcSamples());
      ForwardPass fp = engine.forward(batch, new Scaling(loss.reduction(), n, n));
      List<int[]> tensors = groups.stream().map(ParamGroup::params).toList();
      boolean directional = output() == Output.DIRECTIONAL;
      List<FactorEngine.GroupGram> grams =
          engine.grams(fp, batch, scaling, ggnRows, gradRows, tensors, directional);

      List<String> warnings = new ArrayList<>();
      List<List<String>> groupWarnings = new ArrayList<>();
      List<GramSpace> spaces = new ArrayList<>();
      List<int[]> selections = new ArrayList<>();
      List<double[][]> weights = new ArrayList<>();
      for (int j = 0; j < groups.size(); j++) {
        GramSpace gs = new GramSpace(grams.get(j).gram(), grams.get(j).size());
        String field = "param_groups[" + j + "].criterion";
        int[] sel;
        try {
          sel = groups.get(j).criterion().select(gs.evals());
        } catch (IllegalArgumentException e) {
          throw new org.vivit4j.model.InvalidInputException(field, e.getMessage());
        }
        List<String> own = new ArrayList<>();
        sel = gs.checkSelection(sel, field, options.warnSmallEigvals(), own);
        warnings.addAll(own);
        groupWarnings.add(own);
        spaces.add(gs);
        selections.add(sel);
        weights.add(gs.eigenvectorWeights(sel));
      }
      List<double[][]> evecs =
          output() == Output.EVALS
              ? null
              : engine.applyFactor(fp, batch, scaling, ggnRows, tensors, weights);

      List<GroupResult> results = new ArrayList<>();
      for (int j = 0; j < groups.size(); j++) {
        GramSpace gs = spaces.get(j);
        int[] sel = selections.get(j);
        double[][] gammas = null;
        double[][] lambdas = null;
        double[][] groupEvecs = evecs == null ? null : evecs.get(j);
        double[] signs = groupEvecs == null ? null : canonicalise(groupEvecs);
        if (directional) {
          gammas = gs.gammas(grams.get(j).cross(), gradRows.length, sel);
          lambdas = gs.lambdas(ggnRows.length, ct, scaling.lambdaFactor(), sel);
          for (double[] row : gammas) {
            for (int k = 0; k < row.length; k++) {
              row[k] *= signs[k];
            }
          }
        }
        int dim = IntStream.of(tensors.get(j)).map(t -> net.params().get(t).numel()).sum();
        results.add(
            new GroupResult(
                groups.get(j),
                dim,
                gs.evals(),
                sel,
                gs.selectedEvals(sel),
                gammas,
                lambdas,
                returnsEigenvectors() ? groupEvecs : null,
                List.copyOf(groupWarnings.get(j))));
      }
      double seconds = (System.nanoTime() - start) * 1e-9;
      RunInfo info =
          new RunInfo(
              backend.name(), backend.deviceName(), backend.precision().typeName(), seconds);
      last =
          new ComputationResult(
              new BatchQuantities(fp.loss, fp.perSampleLosses, fp.grad), results, info, warnings);
      return last;
    }
  }

  /**
   * Flips each eigenvector so that its largest-magnitude entry is positive and returns the signs
   * applied ({@code γ_nk = g_n·e_k} flips with {@code e_k}).
   */
  private static double[] canonicalise(double[][] evecs) {
    double[] signs = new double[evecs.length];
    for (int k = 0; k < evecs.length; k++) {
      double[] e = evecs[k];
      signs[k] = GramSpace.canonicalSign(e);
      for (int i = 0; i < e.length; i++) {
        e[i] *= signs[k];
      }
    }
    return signs;
  }

  private static int[] rowsOrAll(int[] rows, int n) {
    return rows == null ? IntStream.range(0, n).toArray() : rows.clone();
  }

  /** The result of {@code group} from the last run; an error if it was not computed. */
  public GroupResult result(ParamGroup group) {
    return lastOrFail().group(group);
  }

  /** The result of the group named {@code name} from the last run. */
  public GroupResult result(String name) {
    return lastOrFail().group(name);
  }

  /** Everything the last run produced. */
  public ComputationResult lastResult() {
    return lastOrFail();
  }

  private ComputationResult lastOrFail() {
    if (last == null) {
      throw new IllegalStateException("run() has not been called");
    }
    return last;
  }
}
