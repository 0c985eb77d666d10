package org.vivit4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.GramBlocks;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.LayerContext;
import org.vivit4j.layers.LayerRegistry;
import org.vivit4j.linalg.CanonicalSigns;
import org.vivit4j.loss.Loss;
import org.vivit4j.model.Batch;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.ParamTensor;

/**
 * Backpropagates the GGN factor {@code V} through the layers on a backend without ever forming
 * {@code V}: at the output the factor of GGN sample {@code m} is {@code √(N·R/|S|)·S_m} (rows
 * {@code (m, c)}), each layer maps it to its input, and each parameter tensor in a group adds its
 * Gram contribution {@code V_pᵀ V_p} (and gradient cross terms {@code G_pᵀ V_p}) to its group's
 * accumulators. Only the small Gram blocks and cross terms come back to the host.
 */
public final class FactorEngine implements AutoCloseable {
  private final NetworkSpec net;
  private final List<Layer> layers;
  private final List<KeptFactors> keptFactors = new ArrayList<>();
  private final Loss loss;
  private final HessianFactor hessianFactor;
  private final Backend backend;
  private PassProgress progress = PassProgress.NONE;
  private final List<String> notes = new ArrayList<>();
  private int passes;
  private boolean recordNotes = true;

  /** The exact GGN. */
  public FactorEngine(NetworkSpec net, LossSpec lossSpec, Backend backend) {
    this(net, lossSpec, backend, 0, 0L);
  }

  /**
   * @param mcSamples 0 for the exact GGN, else the Monte-Carlo GGN with M draws per sample
   * @param seed seeds the Monte-Carlo draws ({@link HessianFactor})
   */
  public FactorEngine(
      NetworkSpec net, LossSpec lossSpec, Backend backend, int mcSamples, long seed) {
    this(net, lossSpec, backend, mcSamples, seed, ConvGramPolicy.defaults());
  }

  /** As above, with Conv2d layers contracting their weight Gram by {@code convGram}. */
  public FactorEngine(
      NetworkSpec net,
      LossSpec lossSpec,
      Backend backend,
      int mcSamples,
      long seed,
      ConvGramPolicy convGram) {
    this(net, lossSpec, backend, mcSamples, seed, convGram, false);
  }

  /**
   * As above; with {@code reducedFactor} the exact GGN's output factor is the loss's rank-reduced
   * one ({@link org.vivit4j.loss.Loss#reducedSqrtHessian}; cross-entropy: {@code C̃ = C − 1}).
   */
  public FactorEngine(
      NetworkSpec net,
      LossSpec lossSpec,
      Backend backend,
      int mcSamples,
      long seed,
      ConvGramPolicy convGram,
      boolean reducedFactor) {
    this.net = net;
    this.layers = LayerRegistry.build(net, convGram);
    this.loss = Loss.of(lossSpec);
    this.hessianFactor = new HessianFactor(loss, mcSamples, seed, reducedFactor);
    this.backend = backend;
  }

  /** Whom the sample-chunked passes tell how far they have come ({@link FactorChunks}). */
  public void reportPassesTo(PassProgress listener) {
    this.progress = java.util.Objects.requireNonNull(listener, "listener");
  }

  /** The listener of {@link #reportPassesTo} ({@link PassProgress#NONE} by default). */
  public PassProgress progress() {
    return progress;
  }

  /** What the layers recorded about their choices (e.g. Conv2d Gram strategies), in order. */
  public List<String> notes() {
    return List.copyOf(notes);
  }

  /**
   * Whether the layers' notes of the following passes are kept (a chunked pass keeps those of its
   * first pass only: the others repeat them for other samples).
   */
  void recordNotes(boolean record) {
    this.recordNotes = record;
  }

  public Backend backend() {
    return backend;
  }

  /**
   * Backward passes of the factor through the layers so far ({@link #grams}, {@link #applyFactor}).
   */
  public int factorPasses() {
    return passes;
  }

  /**
   * {@code C̃}: factor columns per sample ({@code C}; the reduced factor's, {@code C − 1} for
   * cross-entropy; or M for the Monte-Carlo GGN).
   */
  public int factorColumns() {
    return hessianFactor.columns(net.outputSize());
  }

  /** The loss-Hessian factor at the network output of this engine's passes. */
  public HessianFactor hessianFactor() {
    return hessianFactor;
  }

  /** Host forward pass and gradients in float64. */
  public ForwardPass forward(Batch batch, Scaling fullBatchScaling) {
    return new ForwardPass(net, layers, loss, batch, fullBatchScaling);
  }

  /**
   * As {@link #forward(Batch, Scaling)} over the samples {@code rows} of the batch only ({@link
   * ForwardPass#ofSamples}); the factor passes over it take the sub-batch ({@link
   * ForwardPass#subBatch}) and row indices into it.
   */
  public ForwardPass forward(Batch batch, Scaling fullBatchScaling, int[] rows) {
    return ForwardPass.ofSamples(net, layers, loss, batch, rows, fullBatchScaling);
  }

  /** Gram matrix {@code [G × G]} and cross terms {@code [N_grad × G]} (or null) of one group. */
  public record GroupGram(double[] gram, int size, double[] cross) {}

  /** Called for each layer on the way back with the factor at its output. */
  private interface LayerVisitor {
    void visit(int layer, LayerContext ctx);
  }

  /**
   * The output factor {@code B_L [|S|C̃ × C]}, row {@code (m, c)} = {@code scale·S_{s_m}[:, c]}
   * (exact or Monte-Carlo, {@link HessianFactor}).
   */
  private DeviceMatrix outputFactor(ForwardPass fp, Batch batch, Scaling scaling, int[] ggnRows) {
    int c = net.outputSize();
    int ct = factorColumns();
    double scale = scaling.factorScale();
    double[] b = new double[ggnRows.length * ct * c];
    double[] f = fp.outputs();
    for (int m = 0; m < ggnRows.length; m++) {
      int s = ggnRows[m];
      double[] fs = java.util.Arrays.copyOfRange(f, s * c, (s + 1) * c);
      // the Monte-Carlo draw of a sample depends on its batch index, not its row in a sub-batch
      double[] sqrtH = hessianFactor.of(fp.sampleId(s), fs, ForwardPass.target(batch, s, c));
      for (int col = 0; col < ct; col++) {
        for (int j = 0; j < c; j++) {
          b[(m * ct + col) * c + j] = scale * sqrtH[j * ct + col];
        }
      }
    }
    return backend.upload(b, ggnRows.length * ct, c);
  }

  /**
   * One backward pass of the factor over the nodes in reverse topological order, from the last node
   * down to {@code lowestLayer}. The factor at a value that several nodes read is the sum of what
   * each of them passes back ({@link #addInto}), complete when its node is reached.
   */
  private void backward(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      int[] gradRows,
      boolean withDeltas,
      int lowestLayer,
      LayerVisitor visitor) {
    passes++;
    int depth = layers.size();
    // pending[v]: the factor at value v (0 the input, u + 1 the output of node u), owned here
    DeviceMatrix[] pending = new DeviceMatrix[depth + 1];
    pending[depth] = outputFactor(fp, batch, scaling, ggnRows);
    try {
      for (int i = depth - 1; i >= lowestLayer; i--) {
        Layer layer = layers.get(i);
        DeviceMatrix b = pending[i + 1];
        pending[i + 1] = null;
        try (LayerContext ctx =
            new LayerContext(
                backend,
                factorColumns(),
                fp.activations[i],
                layer.inSize(),
                withDeltas ? fp.deltas[i] : null,
                layer.outSize(),
                ggnRows,
                gradRows,
                b)) {
          visitor.visit(i, ctx);
          if (recordNotes) {
            notes.addAll(ctx.notes());
          }
          // inputs below the lowest node (and the network input) need no factor
          int[] in = net.inputsOf(i);
          boolean needed = java.util.Arrays.stream(in).anyMatch(v -> v > lowestLayer);
          List<DeviceMatrix> parts = needed ? layer.jacTInputs(ctx) : List.of();
          java.util.IdentityHashMap<DeviceMatrix, Boolean> handed =
              new java.util.IdentityHashMap<>();
          try {
            for (int j = 0; j < parts.size(); j++) {
              if (in[j] > lowestLayer) {
                addInto(pending, in[j], parts.get(j), handed);
              }
            }
          } finally {
            for (DeviceMatrix m : parts) {
              if (m != b && !handed.containsKey(m)) {
                handed.put(m, Boolean.FALSE);
                m.close();
              }
            }
            if (!handed.containsKey(b)) {
              b.close();
            }
          }
        }
      }
    } finally {
      for (DeviceMatrix m : pending) {
        if (m != null) {
          m.close();
        }
      }
    }
  }

  /**
   * {@code pending[v] += part}: the first part a value receives is kept as it is (handed over,
   * unless it was handed to another value already: then a copy), later ones are added into it.
   */
  private void addInto(
      DeviceMatrix[] pending,
      int v,
      DeviceMatrix part,
      java.util.IdentityHashMap<DeviceMatrix, Boolean> handed) {
    if (pending[v] == part) {
      // the same factor twice into one value (add(a, a)): never read and write one matrix
      try (DeviceMatrix copy = backend.copyRows(part, 0, part.rows())) {
        backend.accumulateHadamardExpanded(pending[v], copy, null, 1, 1);
      }
    } else if (pending[v] != null) {
      backend.accumulateHadamardExpanded(pending[v], part, null, 1, 1);
    } else if (handed.containsKey(part)) {
      pending[v] = backend.copyRows(part, 0, part.rows());
    } else {
      pending[v] = part;
      handed.put(part, Boolean.TRUE);
    }
  }

  /** Lowest layer index holding a tensor of any group. */
  private int lowestLayer(List<int[]> groupTensors) {
    int lowest = layers.size() - 1;
    for (int[] g : groupTensors) {
      for (int t : g) {
        lowest = Math.min(lowest, net.params().get(t).layer());
      }
    }
    return lowest;
  }

  private static int localIndex(ParamTensor p) {
    return "weight".equals(p.name()) ? 0 : 1;
  }

  /**
   * Gram matrices (and optionally cross terms) of every group in one backward pass.
   *
   * @param groupTensors per group, the global parameter-tensor indices
   */
  public List<GroupGram> grams(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      int[] gradRows,
      List<int[]> groupTensors,
      boolean crossTerms) {
    return grams(fp, batch, scaling, ggnRows, gradRows, groupTensors, crossTerms, null);
  }

  /**
   * As above; when {@code keep} is not null, it receives a host copy of the factor at the output of
   * every layer holding a group tensor, for {@link #applyFactor} without a second pass.
   */
  public List<GroupGram> grams(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      int[] gradRows,
      List<int[]> groupTensors,
      boolean crossTerms,
      KeptFactors keep) {
    return grams(fp, batch, scaling, ggnRows, gradRows, groupTensors, crossTerms, keep, null);
  }

  /**
   * As above; with {@code blocks} (not null) the pass is over two sample chunks and needs only
   * those Gram blocks ({@link GramBlocks}): the blocks it does not need are unspecified in the
   * result (the layers that can leave them out do).
   */
  public List<GroupGram> grams(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      int[] gradRows,
      List<int[]> groupTensors,
      boolean crossTerms,
      KeptFactors keep,
      GramBlocks blocks) {
    int size = ggnRows.length * factorColumns();
    List<DeviceMatrix> gramAcc = new ArrayList<>();
    List<DeviceMatrix> crossAcc = new ArrayList<>();
    try {
      for (int g = 0; g < groupTensors.size(); g++) {
        gramAcc.add(backend.zeros(size, size));
        crossAcc.add(crossTerms ? backend.zeros(gradRows.length, size) : null);
      }
      backward(
          fp,
          batch,
          scaling,
          ggnRows,
          gradRows,
          crossTerms,
          lowestLayer(groupTensors),
          (i, ctx) -> {
            ctx.needOnly(blocks);
            for (int g = 0; g < groupTensors.size(); g++) {
              // this layer's tensors of the group, in the group's order, added in one call
              int[] local =
                  java.util.stream.IntStream.of(groupTensors.get(g))
                      .filter(t -> net.params().get(t).layer() == i)
                      .map(t -> localIndex(net.params().get(t)))
                      .toArray();
              if (local.length == 0) {
                continue;
              }
              layers.get(i).accumulateGram(ctx, local, gramAcc.get(g));
              if (crossTerms) {
                for (int t : local) {
                  layers.get(i).accumulateCrossTerms(ctx, t, crossAcc.get(g));
                }
              }
            }
            if (keep != null && holdsAny(groupTensors, i)) {
              Map<String, DeviceMatrix> forApply =
                  keep.keepsForApply() ? layers.get(i).takeKeptForApply(ctx) : Map.of();
              keep.putForApply(i, forApply);
              // the contractions only read the factor, so this copy is the factor a rerun would
              // see; none when the kept matrices serve every product of the layer
              boolean served =
                  layers.get(i).appliesFromKept(forApply.keySet(), tensorsOf(groupTensors, i));
              keep.put(i, served ? null : backend.download(ctx.factorOut()));
            }
            // what no V·w keeps is freed before the layer's input factor is formed
            layers.get(i).releaseKeptForApply(ctx);
          });
      List<GroupGram> out = new ArrayList<>();
      for (int g = 0; g < groupTensors.size(); g++) {
        double[] cross = crossTerms ? backend.take(crossAcc.get(g)) : null;
        crossAcc.set(g, null);
        double[] gram = backend.take(gramAcc.get(g));
        gramAcc.set(g, null);
        out.add(new GroupGram(gram, size, cross));
      }
      return out;
    } finally {
      // matrices already taken are null
      gramAcc.stream().filter(m -> m != null).forEach(DeviceMatrix::close);
      crossAcc.stream().filter(m -> m != null).forEach(DeviceMatrix::close);
    }
  }

  /**
   * {@code V w} for every group: maps Gram-space vectors {@code w[g] [K][|S|C̃]} to the group's
   * parameter layout (its tensors concatenated in the listed order), {@code [K][dim_g]}, by
   * backpropagating the factor again.
   */
  public List<double[][]> applyFactor(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> groupTensors,
      List<double[][]> w) {
    return applyFactor(fp, batch, scaling, ggnRows, groupTensors, w, null);
  }

  /**
   * As above; with {@code kept} factors from {@link #grams} (not null and filled for these groups)
   * the products use them and no factor is backpropagated: the same numbers, one pass fewer.
   */
  public List<double[][]> applyFactor(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> groupTensors,
      List<double[][]> w,
      KeptFactors kept) {
    List<double[][]> out = new ArrayList<>();
    for (int g = 0; g < groupTensors.size(); g++) {
      int dim = 0;
      for (int t : groupTensors.get(g)) {
        dim += net.params().get(t).numel();
      }
      out.add(new double[w.get(g).length][dim]);
    }
    applyFactor(fp, batch, scaling, ggnRows, groupTensors, w, kept, out, false);
    return out;
  }

  /**
   * {@code into[g] += V w[g]} for every group, by backpropagating the factor of {@code ggnRows}
   * (the sample-chunked {@code V·w}, {@link FactorChunks}, summed in place).
   */
  void addFactorProducts(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> groupTensors,
      List<double[][]> w,
      List<double[][]> into) {
    applyFactor(fp, batch, scaling, ggnRows, groupTensors, w, null, into, true);
  }

  private void applyFactor(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> groupTensors,
      List<double[][]> w,
      KeptFactors kept,
      List<double[][]> out,
      boolean add) {
    forEachProductLayer(
        fp,
        batch,
        scaling,
        ggnRows,
        groupTensors,
        kept,
        (i, ctx, factorHost) -> applyLayer(i, ctx, factorHost, groupTensors, w, out, add));
  }

  /**
   * The canonical signs of {@code V w[g]} for every group ({@code [g][K]}, {@link CanonicalSigns})
   * without storing the vectors: each layer offers its products tile by tile. From the kept factors
   * when {@code kept} holds them, else by backpropagating the factor again.
   */
  public List<double[]> applyFactorSigns(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> groupTensors,
      List<double[][]> w,
      KeptFactors kept) {
    List<CanonicalSigns> signs = new ArrayList<>();
    for (double[][] wg : w) {
      signs.add(new CanonicalSigns(wg.length));
    }
    forEachProductLayer(
        fp,
        batch,
        scaling,
        ggnRows,
        groupTensors,
        kept,
        (i, ctx, factorHost) ->
            forEachGroupTensorOf(
                i,
                groupTensors,
                (g, tensor, offset) ->
                    layers
                        .get(i)
                        .applyFactorSigns(
                            ctx, factorHost, tensor, w.get(g), signs.get(g), offset)));
    List<double[]> out = new ArrayList<>();
    for (CanonicalSigns sg : signs) {
      out.add(sg.signs());
    }
    return out;
  }

  /** What {@link #forEachProductLayer} does at a layer holding a group tensor. */
  private interface ProductLayer {
    void at(int layer, LayerContext ctx, double[] factorHost);
  }

  /**
   * Calls {@code products} at every layer holding a group tensor with its context and output factor
   * on the host: from the kept factors when {@code kept} holds them (no backward pass), else from a
   * backward pass of the factor.
   */
  private void forEachProductLayer(
      ForwardPass fp,
      Batch batch,
      Scaling scaling,
      int[] ggnRows,
      List<int[]> groupTensors,
      KeptFactors kept,
      ProductLayer products) {
    if (kept != null && !kept.isEmpty()) {
      for (int i = layers.size() - 1; i >= lowestLayer(groupTensors); i--) {
        if (!holdsAny(groupTensors, i)) {
          continue;
        }
        Layer layer = layers.get(i);
        // only the layer's input and sample rows are read: its factor comes from the kept copy
        try (LayerContext ctx =
            new LayerContext(
                backend,
                factorColumns(),
                fp.activations[i],
                layer.inSize(),
                null,
                layer.outSize(),
                ggnRows,
                new int[0],
                null)) {
          layer.lendKeptForApply(ctx, kept.forApply(i));
          products.at(i, ctx, kept.at(i));
        }
      }
      return;
    }
    backward(
        fp,
        batch,
        scaling,
        ggnRows,
        new int[0],
        false,
        lowestLayer(groupTensors),
        (i, ctx) -> {
          if (holdsAny(groupTensors, i)) {
            products.at(i, ctx, backend.download(ctx.factorOut()));
          }
        });
  }

  /** Layer {@code i}'s part of every group's {@code V w}, from its output factor on the host. */
  private void applyLayer(
      int i,
      LayerContext ctx,
      double[] factorHost,
      List<int[]> groupTensors,
      List<double[][]> w,
      List<double[][]> out,
      boolean add) {
    forEachGroupTensorOf(
        i,
        groupTensors,
        (g, tensor, offset) ->
            layers
                .get(i)
                .applyFactorInto(
                    ctx, factorHost, tensor, w.get(g), out.get(g), Math.toIntExact(offset), add));
  }

  /** What {@link #forEachGroupTensorOf} does with one of a layer's tensors in a group. */
  private interface GroupTensor {
    void at(int group, int localTensor, long offset);
  }

  /**
   * Calls {@code action} for every tensor of layer {@code i} in every group, with its index in the
   * layer and the offset of its slice in the group's parameter vector.
   */
  private void forEachGroupTensorOf(int i, List<int[]> groupTensors, GroupTensor action) {
    for (int g = 0; g < groupTensors.size(); g++) {
      long offset = 0;
      for (int t : groupTensors.get(g)) {
        ParamTensor p = net.params().get(t);
        if (p.layer() == i) {
          action.at(g, localIndex(p), offset);
        }
        offset += p.numel();
      }
    }
  }

  /** Layer {@code i}'s tensors (its own indices) that some group holds, each once, ascending. */
  private int[] tensorsOf(List<int[]> groupTensors, int i) {
    return groupTensors.stream()
        .flatMapToInt(java.util.Arrays::stream)
        .filter(t -> net.params().get(t).layer() == i)
        .map(t -> localIndex(net.params().get(t)))
        .distinct()
        .sorted()
        .toArray();
  }

  /** Whether some group holds a tensor of layer {@code i}. */
  private boolean holdsAny(List<int[]> groupTensors, int i) {
    for (int[] g : groupTensors) {
      for (int t : g) {
        if (net.params().get(t).layer() == i) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public void close() {
    keptFactors.forEach(KeptFactors::close);
    keptFactors.clear();
    layers.forEach(Layer::close);
  }

  /**
   * An empty {@link KeptFactors} for {@link #grams} to fill, freed with this engine; with {@code
   * forApply} the layers' own matrices for {@code V·w} are kept too.
   */
  public KeptFactors newKeptFactors(boolean forApply) {
    KeptFactors k = new KeptFactors(forApply);
    keptFactors.add(k);
    return k;
  }
}
