package org.vivit4j.core;

import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;

/**
 * The refusals by size, before anything is allocated: arrays a run needs that no Java array can
 * hold, and a Conv2d Gram budget given as a limit that one-sample blocks would exceed. Each names
 * the field that makes it so and the numbers. {@link MemoryEstimate#of} runs them.
 */
final class SizeLimits {
  private SizeLimits() {}

  /**
   * Refuses every array of the run whose length does not fit a Java array, naming the field that
   * sets it: the Gram ({@code (C̃·N_ggn)²}), the activations ({@code N × size}), the factor ({@code
   * C̃·N_ggn × size}), the cross terms ({@code N_grad × C̃·N_ggn}), a Conv2d layer's unfolded input
   * and one-sample {@code V_W}, and a ConvTranspose2d weight's unfolded factor and {@code V_W}.
   */
  static void checkArraySizes(RunSizes run) {
    NetworkSpec net = run.net();
    long g = ArraySizes.times(run.factorColumns(), run.nGgn());
    String gramField = run.gramField();
    GramLayout layout = run.gramLayout();
    if (layout.packed()) {
      checkPackedGram(run, g);
    } else if (!ArraySizes.fits(ArraySizes.times(g, g)) || !layout.denseFits(g)) {
      throw new InvalidInputException(
          gramField,
          run.gramFieldValue()
              + ": the Gram matrix has "
              + run.gramWhat()
              + " rows, "
              + ArraySizes.count(g)
              + "² = "
              + ArraySizes.count(ArraySizes.times(g, g))
              + ArraySizes.tooLarge()
              + " (dense Gram storage; --gram-storage auto or packed holds it)");
    }
    int depth = net.layers().size();
    int lowest = run.lowestLayer();
    // the factor of one pass: all GGN samples, or a chunk pair (FactorChunks)
    long gp = ArraySizes.times(run.factorColumns(), run.passSamples());
    for (int i = 0; i <= depth; i++) {
      // value i: the input, or node i − 1's output
      long size = net.valueSize(i);
      String where = i == 0 ? "X" : "the output of " + net.where(i - 1);
      ArraySizes.checked(
          ArraySizes.times(run.n(), size), "N", "is " + run.n() + ": " + where + " has N·" + size);
      if (i >= lowest) {
        ArraySizes.checked(
            ArraySizes.times(gp, size),
            gramField,
            run.gramFieldValue()
                + ": the GGN factor has "
                + (run.chunked() ? gp + " rows in a chunk pair" : run.gramWhat() + " rows")
                + "; at "
                + where
                + " it has "
                + gp
                + "·"
                + size);
      }
    }
    for (int i = 0; i < depth; i++) {
      if (!net.readsOneValue(i)) {
        // a join holds its inputs side by side
        long size = net.sizeBefore(i);
        ArraySizes.checked(
            ArraySizes.times(run.n(), size),
            "N",
            "is " + run.n() + ": the inputs of " + net.where(i) + " have N·" + size);
      }
    }
    if (run.crossTerms()) {
      ArraySizes.checked(
          ArraySizes.times(run.nGrad(), g),
          run.gradField(),
          (run.gradSubsampled() ? "has " + run.nGrad() + " samples" : "is " + run.n())
              + ": the gradient cross terms have N_grad × Gram rows = "
              + run.nGrad()
              + "·"
              + g);
    }
    for (int i = Math.max(lowest, 0); i < depth; i++) {
      ConvTranspose2dSpec ct = run.convTranspose2d(i);
      if (ct != null && run.holdsWeight(i)) {
        // the weight's Jᵀ unfolds every factor row over the input grid, then forms V_W
        long t = net.sizeBefore(i) / ct.inChannels();
        long k = ArraySizes.product(ct.outChannels(), ct.kernelSize()[0], ct.kernelSize()[1]);
        String what =
            run.gramFieldValue() + ": " + net.where(i) + " (" + net.layers().get(i).type() + ") ";
        ArraySizes.checked(
            ArraySizes.times(gp, ArraySizes.times(t, k)),
            gramField,
            what + "unfolds its factor into Gram rows·H·W·C_out·kh·kw = " + gp + "·" + t + "·" + k);
        ArraySizes.checked(
            ArraySizes.times(gp, ArraySizes.times(ct.inChannels(), k)),
            gramField,
            what
                + "forms V_W, Gram rows·C_in·C_out·kh·kw = "
                + gp
                + "·"
                + ct.inChannels()
                + "·"
                + k);
      }
      Conv2dSpec c = run.conv2d(i);
      if (c != null) {
        ConvGeometry geo = run.geometry(i, c);
        String field = net.where(i);
        ArraySizes.checked(
            ArraySizes.times(geo.positions(), geo.patchSize()),
            field,
            "unfolds one sample into T·K = " + geo.positions() + "·" + geo.patchSize());
        ArraySizes.checked(
            ArraySizes.times(
                run.factorColumns(), ArraySizes.times(c.outChannels(), geo.patchSize())),
            run.mcSamples() > 0 ? gramField : field,
            "forms V_W of one sample, C̃·O·K = "
                + run.factorColumns()
                + "·"
                + c.outChannels()
                + "·"
                + geo.patchSize());
        if (run.convGram().mode() == ConvGramPolicy.Mode.STRUCTURED && run.holdsWeight(i)) {
          // in blocks of one sample at the least: Q of one pair of samples, T²
          long t = geo.positions();
          ArraySizes.checked(
              ArraySizes.times(t, t),
              "--conv-gram",
              "structured needs the patch products Q of "
                  + net.where(i)
                  + " for a pair of samples, T² = "
                  + t
                  + "²");
        }
      }
    }
  }

  /**
   * A packed Gram ({@link GramLayout}) holds a row per array at least, and is assembled from
   * chunk-pair Grams that must fit one array: refuses a Gram of more rows than an array holds and a
   * factor of so many columns per sample that a pair of one-sample chunks does not fit.
   */
  private static void checkPackedGram(RunSizes run, long g) {
    GramLayout layout = run.gramLayout();
    if (g > layout.arrayLimit() || g > GramLayout.ARRAY_LIMIT) {
      throw new InvalidInputException(
          run.gramField(),
          run.gramFieldValue()
              + ": the Gram matrix has "
              + run.gramWhat()
              + " rows; one row of its packed storage has "
              + ArraySizes.count(g)
              + ArraySizes.tooLarge());
    }
    if (layout.chunkCap(run.nGgn(), run.factorColumns()) < 1) {
      long pair = 2L * run.factorColumns();
      throw new InvalidInputException(
          run.gramField(),
          run.gramFieldValue()
              + ": the Gram has "
              + run.gramWhat()
              + " rows, packed and assembled from chunk pairs, but the Gram of a chunk pair of one"
              + " sample each has (2·C̃)² = "
              + ArraySizes.count(ArraySizes.times(pair, pair))
              + " entries, more than a Java array holds ("
              + ArraySizes.count(layout.arrayLimit())
              + ")");
    }
  }

  /**
   * Refuses, before any work, what needs a dense Gram past one array ({@link GramLayout}): the
   * dense eigensolver (naming {@code computation.eigensolver}) and a criterion needing the whole
   * spectrum (naming it). Not part of {@link #checkArraySizes}: the eigensolver may still change
   * after the problem file is read ({@code solve --eigensolver}).
   */
  static void checkEigensolver(RunSizes run) {
    GramLayout layout = run.gramLayout();
    long g = ArraySizes.times(run.factorColumns(), run.nGgn());
    if (layout.packed() && !layout.denseFits(g)) {
      String what =
          " the Gram ("
              + run.gramWhat()
              + " rows) in one array, more than one array holds ("
              + ArraySizes.count(layout.arrayLimit())
              + " entries)";
      if (run.solver() == org.vivit4j.linalg.EigenSolver.DENSE) {
        throw new InvalidInputException(
            "computation.eigensolver",
            "is dense (a problem file's default), which needs"
                + what
                + "; use auto or lanczos (--eigensolver auto)");
      }
      for (int j = 0; j < run.needs().size(); j++) {
        if (run.needs().get(j).kind() == SpectrumNeed.Kind.ALL) {
          throw new InvalidInputException(
              "param_groups[" + j + "].criterion",
              "needs the whole Gram spectrum, which the dense eigensolver computes on"
                  + what
                  + "; use a top_k or threshold criterion");
        }
      }
    }
  }

  /**
   * Refuses a Conv2d Gram budget given as a hard limit ({@link ConvGramPolicy#hardLimit}) that is
   * below what one-sample blocks need, naming {@code --conv-gram-memory} and the smallest value.
   */
  static void checkConvBudget(RunSizes run) {
    ConvGramPolicy policy = run.convGram();
    if (!policy.hardLimit()) {
      return;
    }
    long smallest = 0;
    int layer = -1;
    NetworkSpec net = run.net();
    for (int i = Math.max(run.lowestLayer(), 0); i < net.layers().size(); i++) {
      Conv2dSpec c = run.conv2d(i);
      if (c != null && run.holdsWeight(i)) {
        long need =
            policy.smallestBudget(
                run.geometry(i, c),
                c.outChannels(),
                run.nGgn(),
                run.factorColumns(),
                run.crossTerms() ? run.nGrad() : 0);
        if (run.appliesFactor()) {
          // V·w forms U_w for at least one sample: T·(K·O + C·k_h·k_w) entries
          ConvGeometry geo = run.geometry(i, c);
          long k = 1;
          for (SpectrumNeed n : run.needs()) {
            k = Math.max(k, RunSizes.directions(n));
          }
          need = Math.max(need, (long) geo.positions() * (k * c.outChannels() + geo.patchSize()));
        }
        if (need > smallest) {
          smallest = need;
          layer = i;
        }
      }
    }
    if (smallest > policy.memoryElements()) {
      throw new InvalidInputException(
          "--conv-gram-memory",
          "is "
              + policy.memoryElements()
              + " matrix entries, but the "
              + policy.mode().typeName()
              + " Conv2d contractions of "
              + net.where(layer)
              + " (weight Gram, cross terms, V·w) need at least "
              + smallest
              + " at once in one-sample blocks; use --conv-gram-memory "
              + smallest
              + " or more");
    }
  }
}
