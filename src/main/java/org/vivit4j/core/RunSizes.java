package org.vivit4j.core;

import java.util.List;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.layers.Conv1dLayer.Conv1dSpec;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.ConvTranspose1dLayer.ConvTranspose1dSpec;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.LinearLayer;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * What a run is asked to do, in the terms that size it: the input of {@link MemoryEstimate} and
 * {@link SizeLimits}.
 *
 * @param net the network
 * @param n batch size N
 * @param nGgn samples defining the GGN ({@code N_ggn})
 * @param nGrad samples with first-order derivatives ({@code N_grad})
 * @param mcSamples 0 (exact GGN) or M (Monte-Carlo)
 * @param lossColumns the exact GGN's loss-factor columns per sample: C, or the rank-reduced
 *     factor's ({@code C − 1} for cross-entropy, {@code RunSizing.usesReducedFactor})
 * @param ggnSubsampled whether {@code computation.subsampling_ggn} chose the GGN samples
 * @param gradSubsampled whether {@code computation.subsampling_grad} chose the gradient samples
 * @param gradWithinGgn whether every gradient sample is a GGN sample (then chunked passes may
 *     recompute their forward: {@link FactorChunks#canRecomputeForward})
 * @param groupTensors per group, its parameter-tensor indices
 * @param needs per group, the part of the spectrum its criterion needs
 * @param solver the eigensolver asked for
 * @param crossTerms whether the gradient cross terms are formed (directional derivatives)
 * @param appliesFactor whether {@code V·w} maps Gram-space vectors to parameter space (all but
 *     eigenvalues alone)
 * @param signsOnly whether {@code V·w} is only for γ's canonical signs (no eigenvectors returned,
 *     no Newton step): a plain pass then reads them tile by tile and stores no vectors ({@link
 *     #readsSignsOnly})
 * @param convGram the Conv2d Gram policy
 * @param factorOnHost whether the factor and Gram accumulators live in the JVM heap (the CPU
 *     backend) rather than in device memory (OpenCL; its Grams come back to the heap once done)
 * @param float32 whether the backend stores its matrices in float32: on the CPU backend a {@code
 *     float[]} of 4 bytes a value ({@code HostMatrix}); host arrays stay {@code double[]}
 * @param keptFactors whether the Gram pass keeps host copies of the parameter layers' output
 *     factors for {@code V·w} ({@link KeptFactors}) instead of a second backward pass
 * @param keptConvV whether, with kept factors, the Conv2d layers that form their weight's {@code
 *     V_W} of all GGN samples for the Gram keep it for {@code V·w} ({@link #formsWholeConvV})
 * @param chunkSamples GGN samples per chunk of the sample-chunked factor pass ({@link
 *     FactorChunks}); 0 for the plain pass over all of them at once
 * @param gramLayout how each group's Gram is stored ({@link GramLayout})
 */
public record RunSizes(
    NetworkSpec net,
    int n,
    int nGgn,
    int nGrad,
    int mcSamples,
    int lossColumns,
    boolean ggnSubsampled,
    boolean gradSubsampled,
    boolean gradWithinGgn,
    List<int[]> groupTensors,
    List<SpectrumNeed> needs,
    EigenSolver solver,
    boolean crossTerms,
    boolean appliesFactor,
    boolean signsOnly,
    ConvGramPolicy convGram,
    boolean factorOnHost,
    boolean float32,
    boolean keptFactors,
    boolean keptConvV,
    int chunkSamples,
    GramLayout gramLayout) {

  /** This run with the fields that {@code with…} change replaced. */
  private RunSizes copy(boolean kept, boolean convV, int chunk, GramLayout layout) {
    return copy(crossTerms, kept, convV, chunk, layout);
  }

  /** As {@link #copy(boolean, boolean, int, GramLayout)} with the cross terms replaced too. */
  private RunSizes copy(boolean cross, boolean kept, boolean convV, int chunk, GramLayout layout) {
    return new RunSizes(
        net,
        n,
        nGgn,
        nGrad,
        mcSamples,
        lossColumns,
        ggnSubsampled,
        gradSubsampled,
        gradWithinGgn,
        groupTensors,
        needs,
        solver,
        cross,
        appliesFactor,
        signsOnly,
        convGram,
        factorOnHost,
        float32,
        kept,
        convV,
        chunk,
        layout);
  }

  /** The same run with or without gradient cross terms. */
  public RunSizes withCrossTerms(boolean cross) {
    return copy(cross, keptFactors, keptConvV, chunkSamples, gramLayout);
  }

  /** The same run with or without kept factors. */
  public RunSizes withKeptFactors(boolean keep) {
    return copy(keep, keep && keptConvV, chunkSamples, gramLayout);
  }

  /** The same run with kept factors and, when {@code convV}, the Conv2d {@code V_W} kept too. */
  public RunSizes withKeptConvV(boolean convV) {
    return copy(true, convV, chunkSamples, gramLayout);
  }

  /**
   * Whether layer {@code i} is a Conv2d (or Conv1d) whose weight some group holds and whose Gram or
   * cross-term contraction forms {@code V_W} of all GGN samples of a pass at once (the matrix a run
   * with {@link #keptConvV} keeps for {@code V·w}).
   */
  public boolean formsWholeConvV(int i) {
    Conv2dSpec c = conv2d(i);
    if (c == null || !holdsWeight(i)) {
      return false;
    }
    return convGram.formsWholeV(
        geometry(i, c),
        c.outChannels(),
        passSamples(),
        factorColumns(),
        crossTerms ? nGrad : 0,
        STRUCTURED_BY_BLOCKS);
  }

  /**
   * How the estimate takes a backend's structured Conv2d Gram contraction ({@link
   * org.vivit4j.backend.Backend#convGramStructuredByBlocks}): by pairs of sample blocks, as both
   * backends contract it (the OpenCL backend since its GEMM-shaped conv kernels; the estimate took
   * it for a direct sum there, so that it planned explicit {@code V_W} blocks for cifar100_allcnnc
   * layers that the run contracted structured, and counted a kept {@code V_W} of 1.1 GB at N = 2
   * where the run kept 68 MB). {@code RunSizesTest} checks both backends against it.
   */
  public static final boolean STRUCTURED_BY_BLOCKS = true;

  /** The same run with the factor pass in chunks of {@code samples} (0: not chunked). */
  public RunSizes withChunkSamples(int samples) {
    return copy(keptFactors, keptConvV, samples, gramLayout);
  }

  /** The same run with the Gram stored as {@code layout}. */
  public RunSizes withGramLayout(GramLayout layout) {
    return copy(keptFactors, keptConvV, chunkSamples, layout);
  }

  /** Whether the factor pass runs in chunks ({@link FactorChunks#splits}). */
  public boolean chunked() {
    return chunkSamples > 0 && FactorChunks.splits(nGgn, chunkSamples);
  }

  /**
   * Whether the chunked passes recompute the forward of their samples ({@link SampleForward}):
   * chunked, and no cross terms formed or every gradient sample a GGN sample ({@link
   * FactorChunks#canRecomputeForward}).
   */
  public boolean recomputesForward() {
    return chunked() && (!crossTerms || gradWithinGgn);
  }

  /** Samples whose forward values are alive at once: a chunk pair's, or the whole batch's. */
  public int forwardSamples() {
    return recomputesForward() ? passSamples() : n;
  }

  /** GGN samples whose factor one Gram pass carries: a chunk pair, or all of them. */
  int passSamples() {
    return chunked() ? Math.min(nGgn, 2 * chunkSamples) : nGgn;
  }

  /** GGN samples whose factor one {@code V·w} pass carries: a chunk, or all of them. */
  int applySamples() {
    return chunked() ? chunkSamples : nGgn;
  }

  /** {@code C̃}: factor columns per sample. */
  public int factorColumns() {
    return mcSamples == 0 ? lossColumns : mcSamples;
  }

  /** The field that sets the Gram size: the Monte-Carlo samples, the GGN subset or N. */
  String gramField() {
    if (mcSamples > 0) {
      return "computation.mc_samples_ggn";
    }
    return ggnSubsampled ? "computation.subsampling_ggn" : "N";
  }

  /** How the Gram field's value reads in a message: "is 20000", "has 12 samples". */
  String gramFieldValue() {
    if (mcSamples > 0) {
      return "is " + mcSamples;
    }
    return ggnSubsampled ? "has " + nGgn + " samples" : "is " + n;
  }

  String gradField() {
    return gradSubsampled ? "computation.subsampling_grad" : "N";
  }

  /** {@code C̃·N_ggn = …} for messages. */
  String gramWhat() {
    String columns =
        mcSamples > 0 ? "M" : lossColumns == net.outputSize() ? "C" : "C̃ (rank-reduced factor)";
    return columns
        + "·N_ggn = "
        + factorColumns()
        + "·"
        + nGgn
        + " = "
        + ArraySizes.times(factorColumns(), nGgn);
  }

  /** Directions a criterion selects, as far as known before the spectrum: k, or a guess of 16. */
  static long directions(SpectrumNeed need) {
    return need.kind() == SpectrumNeed.Kind.TOP ? need.count() : GramSpace.THRESHOLD_FIRST_COUNT;
  }

  /**
   * Whether the {@code V·w} pass reads only signs (no parameter-space vectors stored): {@link
   * #signsOnly} on a plain pass (a chunked one sums its chunks' products first).
   */
  public boolean readsSignsOnly() {
    return appliesFactor && signsOnly && !chunked();
  }

  /** Layer {@code i}'s spec when it is a Linear layer, else {@code null}. */
  LinearLayer.LinearSpec linear(int i) {
    return net.layers().get(i) instanceof LinearLayer.LinearSpec l ? l : null;
  }

  /** Whether some group holds a tensor of layer {@code i}. */
  boolean holdsAny(int i) {
    for (int[] tensors : groupTensors) {
      for (int t : tensors) {
        if (net.params().get(t).layer() == i) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether some group holds layer {@code i}'s weight (tensor 0 of the layer). */
  boolean holdsWeight(int i) {
    return holdsNamed(i, "weight");
  }

  /** Whether some group holds layer {@code i}'s bias. */
  boolean holdsBias(int i) {
    return holdsNamed(i, "bias");
  }

  private boolean holdsNamed(int i, String name) {
    for (int[] tensors : groupTensors) {
      for (int t : tensors) {
        var p = net.params().get(t);
        if (p.layer() == i && name.equals(p.name())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Lowest layer holding a tensor of a group: the backward pass stops there. */
  int lowestLayer() {
    int lowest = net.layers().size() - 1;
    for (int[] tensors : groupTensors) {
      for (int t : tensors) {
        if (t >= 0 && t < net.params().size()) {
          lowest = Math.min(lowest, net.params().get(t).layer());
        }
      }
    }
    return lowest;
  }

  /**
   * Layer {@code i} as the Conv2d its fast path runs (a Conv1d is one over a {@code [C, 1, L]}
   * view), or {@code null} for any other layer.
   */
  Conv2dSpec conv2d(int i) {
    LayerSpec layer = net.layers().get(i);
    if (layer instanceof Conv1dSpec c) {
      return c.as2d();
    }
    return layer instanceof Conv2dSpec c ? c : null;
  }

  /**
   * Layer {@code i} as the ConvTranspose2d its fast path runs (a ConvTranspose1d is one over a
   * {@code [C, 1, L]} view), or {@code null} for any other layer.
   */
  ConvTranspose2dSpec convTranspose2d(int i) {
    LayerSpec layer = net.layers().get(i);
    if (layer instanceof ConvTranspose1dSpec c) {
      return c.as2d();
    }
    return layer instanceof ConvTranspose2dSpec c ? c : null;
  }

  /** The geometry of the Conv2d layer {@code i} ({@link #conv2d}), on the view of a Conv1d. */
  ConvGeometry geometry(int i, Conv2dSpec c) {
    int[] in = net.shapeBefore(i);
    int[] view = in.length == 2 ? new int[] {in[0], 1, in[1]} : in;
    return ConvGeometry.of(view, c.kernelSize(), c.stride(), c.padding(), c.dilation());
  }
}
