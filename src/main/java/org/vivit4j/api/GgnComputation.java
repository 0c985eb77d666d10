package org.vivit4j.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.ChunkChoice;
import org.vivit4j.core.DirectionStatistics;
import org.vivit4j.core.FactorChunks;
import org.vivit4j.core.FactorEngine;
import org.vivit4j.core.ForwardPass;
import org.vivit4j.core.GradientCoefficients;
import org.vivit4j.core.GramLayout;
import org.vivit4j.core.KeptFactors;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.core.NewtonStep;
import org.vivit4j.core.PassProgress;
import org.vivit4j.core.PlanningHeap;
import org.vivit4j.core.RunSizes;
import org.vivit4j.core.SampleForward;
import org.vivit4j.core.Scaling;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.loss.Loss;
import org.vivit4j.model.Batch;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * The shape shared by ViViT's computations: options in the constructor, {@link #run} with the
 * network, loss, batch, parameter groups and backend, then {@link #result} per group. A computation
 * returns a set of {@link GgnOutput}s ({@link #outputs()}; ViViT's computations are fixed sets,
 * {@link OutputsComputation} any set), all of them from one backward pass of the GGN factor and one
 * eigensolve per group: the products {@code V·w} (eigenvectors, the canonical signs of γ, Newton
 * steps) use the factors kept from that pass ({@link #withFactorReuse}), or backpropagate the
 * factor again when keeping them would not fit the heap. Every computation also reports each
 * group's GGN trace and Frobenius norm, read off the Gram matrix.
 */
public abstract class GgnComputation {
  protected final ComputationOptions options;
  private ComputationResult last;
  private ConvGramPolicy convGram = ConvGramPolicy.defaults();
  private FactorReuse factorReuse = FactorReuse.AUTO;
  private PassCounts lastPasses;
  // the heap limit the chunk budget and FactorReuse.AUTO size the run for (-1: the JVM's)
  private long assumedHeapLimit = -1;
  // GGN samples per chunk of the factor pass (0: from the budget) and the budget (-1: default)
  private int factorChunk = 0;
  private long factorMemory = -1;
  private GramLayout.Storage gramStorage = GramLayout.Storage.AUTO;
  // the most entries one array holds; tests force fewer to see a Gram "past one array"
  private long arrayLimit = GramLayout.ARRAY_LIMIT;
  // whether a run may use the loss's rank-reduced factor (tests turn it off to compare)
  private boolean reducedFactor = true;
  // whether γ may come from the Gram rows instead of cross terms (withGammasFromGram)
  private boolean gammasFromGram = true;
  private PassProgress progress = PassProgress.NONE;

  protected GgnComputation(ComputationOptions options) {
    this.options = options;
  }

  /**
   * How Conv2d layers contract their weight Gram (default: {@link ConvGramPolicy#defaults()}, the
   * cheaper of the structured contraction and {@code V_W} formed in sample blocks). Returns this.
   */
  public GgnComputation withConvGramPolicy(ConvGramPolicy policy) {
    this.convGram = java.util.Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Whether {@code V·w} reuses the factors of the Gram pass (default {@link FactorReuse#AUTO}: when
   * the memory estimate with them fits the heap limit). Returns this.
   */
  public GgnComputation withFactorReuse(FactorReuse reuse) {
    this.factorReuse = java.util.Objects.requireNonNull(reuse, "reuse");
    return this;
  }

  /**
   * The memory budget of the factor pass in bytes (the larger of its Gram and {@code V·w} phases in
   * {@link MemoryEstimate}): when the plain pass over all GGN samples would exceed it, the pass
   * runs in sample chunks sized to fit it ({@link org.vivit4j.core.FactorChunks}, MATH.md §6.5).
   * Default: {@link ChunkChoice#HEAP_SHARE} of the heap limit less what the run holds throughout.
   * Returns this.
   *
   * @throws IllegalArgumentException when {@code bytes < 1}
   */
  public GgnComputation withFactorMemory(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException(
          "the factor memory budget must be at least 1, got " + bytes);
    }
    this.factorMemory = bytes;
    return this;
  }

  /**
   * Runs the factor pass in chunks of {@code samples} GGN samples whatever the budget (a chunk of
   * at least half the GGN samples is the plain pass). Returns this.
   *
   * @throws IllegalArgumentException when {@code samples < 1}
   */
  public GgnComputation withFactorChunk(int samples) {
    if (samples < 1) {
      throw new IllegalArgumentException("the factor chunk must be at least 1, got " + samples);
    }
    this.factorChunk = samples;
    return this;
  }

  /**
   * How each group's Gram is stored (default {@link GramLayout.Storage#AUTO}: packed when it does
   * not fit one array, else dense; packed Grams of a float32 run in float32). Returns this.
   */
  public GgnComputation withGramStorage(GramLayout.Storage storage) {
    this.gramStorage = java.util.Objects.requireNonNull(storage, "storage");
    return this;
  }

  /**
   * Treats {@code entries} as the most one array holds (tests: a Gram "past one array" that fits a
   * test's heap). Returns this.
   */
  GgnComputation withArrayLimit(long entries) {
    this.arrayLimit = entries;
    return this;
  }

  /**
   * Whether a run may use the loss's rank-reduced factor where it changes no result ({@link
   * #usesReducedFactor}; default true). Tests turn it off to compare with the full factor. Returns
   * this.
   */
  GgnComputation withReducedFactor(boolean allowed) {
    this.reducedFactor = allowed;
    return this;
  }

  /**
   * Whether γ may come from each gradient sample's Gram rows ({@link GradientCoefficients}; default
   * true; a run that computes cross terms after all says why in a note) instead of gradient cross
   * terms, which cost about as much as the Gram contributions. Returns this.
   */
  public GgnComputation withGammasFromGram(boolean allowed) {
    this.gammasFromGram = allowed;
    return this;
  }

  /**
   * Tells {@code listener} how far a sample-chunked run's factor passes have come ({@link
   * PassProgress}; a plain run makes one pass per phase and reports nothing). Returns this.
   */
  public GgnComputation reportPassesTo(PassProgress listener) {
    this.progress = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Sizes the run for a heap limit of {@code bytes} instead of the heap this JVM lets a run plan
   * for ({@link PlanningHeap#ofThisJvm}: the old generation, or under G1 the whole heap with the
   * largest phase counted more); {@code bytes} is taken whole, as under a collector that moves
   * large arrays. The default factor-memory budget ({@link ChunkChoice#defaultBudget}) and {@link
   * FactorReuse#AUTO} decide against it, and so does {@link #memoryEstimate}, which then describes
   * the run as it would go in such a heap (the bench's largest-N estimate; tests of the fall-backs
   * without a child JVM). The check before a run still compares with this JVM's planning heap, the
   * need counted as its collector needs it: a run sized here for a heap of X may be refused in a G1
   * JVM of X. Returns this.
   *
   * @throws IllegalArgumentException when {@code bytes < 1}
   */
  public GgnComputation assumingHeapLimit(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("the heap limit must be at least 1, got " + bytes);
    }
    this.assumedHeapLimit = bytes;
    return this;
  }

  /** What a run on a device estimates it holds there, and of what. */
  static String deviceNote(MemoryEstimate estimate, Backend backend) {
    return "device memory: about "
        + MemoryEstimate.gib(estimate.deviceBytes())
        + " estimated, of "
        + backend.describeDeviceMemory();
  }

  /**
   * The note of a run whose chunks were sized to this JVM's heap: what the plan used of it and why
   * (under G1, what the serial collector would allow instead).
   */
  static String heapNote(PlanningHeap heap) {
    return "heap: the factor pass's chunks were sized to " + heap.describe();
  }

  private long assumedHeapLimit() {
    return assumedHeapLimit >= 0 ? assumedHeapLimit : PlanningHeap.ofThisJvm().usableBytes();
  }

  /**
   * The sizes of a run of this computation on a batch of {@code n} with {@code groups}: its arrays
   * are checked to fit (the size limits of {@link MemoryEstimate#of}) and its peak heap estimated.
   * {@link #run} compares the estimate with the heap limit before computing; the problem reader
   * calls this for the array checks alone.
   *
   * @param factorOnHost whether the backend holds its matrices in the JVM heap (the CPU backend)
   * @throws InvalidInputException naming the field that makes an array too large
   */
  public MemoryEstimate memoryEstimate(
      NetworkSpec net, int n, List<ParamGroup> groups, boolean factorOnHost) {
    return memoryEstimate(net, n, groups, factorOnHost, false);
  }

  /**
   * As above, for a backend computing in float32 when {@code float32} (a packed Gram is then
   * float32).
   */
  public MemoryEstimate memoryEstimate(
      NetworkSpec net, int n, List<ParamGroup> groups, boolean factorOnHost, boolean float32) {
    return memoryEstimate(net, null, n, groups, factorOnHost, float32);
  }

  /**
   * As above, knowing the loss (null: unknown): a run whose loss has a rank-reduced factor it would
   * use ({@link RunSizing#usesReducedFactor}) is sized with that factor's columns.
   */
  public MemoryEstimate memoryEstimate(
      NetworkSpec net,
      LossSpec loss,
      int n,
      List<ParamGroup> groups,
      boolean factorOnHost,
      boolean float32) {
    return sizing()
        .memoryEstimate(net, loss, n, groups, factorOnHost, float32, assumedHeapLimit(), -1);
  }

  /**
   * As above, for a run on {@code backend}: its matrices in the heap (the CPU backend) or in device
   * memory, the chunks then sized for that memory too ({@link Backend#deviceMemoryBytes}).
   */
  public MemoryEstimate memoryEstimate(
      NetworkSpec net, LossSpec loss, int n, List<ParamGroup> groups, Backend backend) {
    return sizing()
        .memoryEstimate(
            net,
            loss,
            n,
            groups,
            backend.matricesInHeap(),
            backend.precision() == Precision.FLOAT32,
            assumedHeapLimit(),
            backend.deviceMemoryBytes());
  }

  /** Batches {@link #largestBatch} never goes past (far beyond any Gram a machine holds). */
  public static final int MAX_BATCH = 1 << 20;

  /** The resolution of {@link #largestBatch} around {@code n}: 16 below 1024 samples, 64 above. */
  public static int largestBatchStep(int n) {
    return n < 1024 ? 16 : 64;
  }

  /**
   * The largest batch size, a multiple of {@link #largestBatchStep}, whose run of this computation
   * ({@link #memoryEstimate}, sized as in a heap of {@code heapBytes}: its factor chunks, its Gram
   * storage) fits {@code heapBytes}; 0 when not even 16 samples do. Doubling, then bisection,
   * assuming a larger batch never needs less.
   */
  public int largestBatch(
      NetworkSpec net,
      LossSpec loss,
      List<ParamGroup> groups,
      boolean factorOnHost,
      boolean float32,
      long heapBytes) {
    return sizing().largestBatch(net, loss, groups, factorOnHost, float32, heapBytes);
  }

  /**
   * Whether a run of the exact GGN uses the loss's rank-reduced factor ({@link
   * RunSizing#usesReducedFactor}).
   */
  boolean usesReducedFactor(LossSpec lossSpec, NetworkSpec net, int nGgn, List<ParamGroup> groups) {
    return sizing().usesReducedFactor(lossSpec, net, nGgn, groups);
  }

  /**
   * The estimate of the run {@link #memoryEstimate} describes when it keeps its factors but no
   * Conv2d matrix for {@code V·w} (what {@link FactorReuse#AUTO} falls back to when those do not
   * fit as well); for tests that place a heap limit between the two.
   */
  MemoryEstimate keptFactorsOnlyEstimate(
      NetworkSpec net, LossSpec loss, int n, List<ParamGroup> groups, boolean factorOnHost) {
    return sizing().keptFactorsOnlyEstimate(net, loss, n, groups, factorOnHost, assumedHeapLimit());
  }

  /** This computation's settings as they are now, for sizing a run ({@link RunSizing}). */
  RunSizing sizing() {
    return new RunSizing(
        options,
        convGram,
        factorReuse,
        factorChunk,
        factorMemory,
        gramStorage,
        arrayLimit,
        reducedFactor,
        gammasFromGram,
        needsGammas(),
        appliesFactor(),
        storesEigenvectors(),
        // a heap limit the caller gives is taken whole; this JVM's as its collector lets a run use
        // it
        assumedHeapLimit >= 0 ? 1.0 : PlanningHeap.ofThisJvm().phaseHeadroom());
  }

  /**
   * What this computation returns per group: an unmodifiable set that always holds {@link
   * GgnOutput#EIGENVALUES}.
   */
  public abstract Set<GgnOutput> outputs();

  /** The damping rule of a computation with {@link GgnOutput#NEWTON_STEP}; {@code null} else. */
  protected Damping damping() {
    return null;
  }

  /** The work and the pass counts of the last {@link #run}. */
  public PassCounts lastPassCounts() {
    if (lastPasses == null) {
      throw new IllegalStateException("run() has not been called");
    }
    return lastPasses;
  }

  private boolean newton() {
    return outputs().contains(GgnOutput.NEWTON_STEP);
  }

  /** γ (and so the gradient cross terms): asked for, or the Newton step's means. */
  private boolean needsGammas() {
    return outputs().contains(GgnOutput.GAMMAS) || newton();
  }

  private boolean needsLambdas() {
    return outputs().contains(GgnOutput.LAMBDAS) || newton();
  }

  /**
   * Whether the eigenvectors are formed ({@code V·w}): asked for, or for γ (whose columns carry the
   * canonical eigenvector's sign) and the Newton step (the damping rule sees them).
   */
  private boolean appliesFactor() {
    return outputs().contains(GgnOutput.EIGENVECTORS) || needsGammas();
  }

  /**
   * Whether a run needs the eigenvectors themselves: returned, or seen by the Newton step's damping
   * rule; else {@code V·w} is only for γ's signs.
   */
  private boolean storesEigenvectors() {
    return outputs().contains(GgnOutput.EIGENVECTORS) || newton();
  }

  /**
   * Runs the computation; results stay available through {@link #result}.
   *
   * @throws org.vivit4j.model.InvalidInputException naming the field of a bad input
   */
  public ComputationResult run(
      NetworkSpec net, LossSpec loss, Batch batch, List<ParamGroup> groups, Backend backend) {
    long start = System.nanoTime();
    lastPasses = null;
    int n = batch.n();
    InputChecks.checkLayers(net);
    int wholeColumns =
        options.mcSamples() == 0
            ? Loss.of(loss).factorColumns(net.outputSize())
            : options.mcSamples();
    InputChecks.check(net, loss, batch, options, groups, wholeColumns);
    RunSizing sizing = sizing();
    int nGgn = sizing.nGgn(n);
    boolean reduced = sizing.usesReducedFactor(loss, net, nGgn, groups);
    try (FactorEngine engine =
        new FactorEngine(
            net, loss, backend, options.mcSamples(), options.seed(), convGram, reduced)) {
      engine.reportPassesTo(progress);
      int ct = engine.factorColumns();
      RunSizing.Plan plan =
          sizing.plan(
              net,
              n,
              groups,
              backend.matricesInHeap(),
              backend.precision() == Precision.FLOAT32,
              ct,
              assumedHeapLimit(),
              backend.deviceMemoryBytes());
      RunSizes sizes = plan.sizes();
      GramLayout layout = sizes.gramLayout();
      int chunk = plan.chunk();
      boolean chunked = sizes.chunked();
      boolean keep = plan.keepsFactors();
      boolean keepV = plan.keepsConvV();
      MemoryEstimate estimate = plan.estimate();
      estimate.checkConvBudget();
      estimate.checkEigensolver();
      estimate.checkFitsHeap();
      estimate.checkFitsDevice(backend);
      List<String> reuseNotes = new ArrayList<>();
      if (reduced) {
        reuseNotes.add(reducedFactorNote(nGgn, wholeColumns, ct));
      }
      reuseNotes.addAll(sizing.planNotes(plan));
      if (plan.deviceLimit() > 0) {
        reuseNotes.add(deviceNote(estimate, backend));
      }
      // only where the heap sized the chunks (not a given chunk or budget, a packed Gram's cap or
      // the device's memory)
      if (chunked
          && !plan.forDevice()
          && assumedHeapLimit < 0
          && factorChunk == 0
          && factorMemory < 0
          && chunk < layout.chunkCap(nGgn, ct)) {
        reuseNotes.add(heapNote(PlanningHeap.ofThisJvm()));
      }
      KeptFactors kept = keep ? engine.newKeptFactors(keepV) : null;
      int eigensolves = 0;
      int[] ggnRows = RunSizing.rowsOrAll(options.subsamplingGgn(), n);
      int[] gradRows = RunSizing.rowsOrAll(options.subsamplingGrad(), n);
      Scaling scaling = new Scaling(loss.reduction(), n, ggnRows.length, options.mcSamples());
      Scaling host = new Scaling(loss.reduction(), n, n);
      List<int[]> tensors = groups.stream().map(ParamGroup::params).toList();
      boolean crossTerms = needsGammas();
      // chunked passes recompute the forward values of their samples, so that no pass over the
      // whole batch stays alive; not when gradient samples lie outside the GGN samples (their
      // cross terms need a pass holding them)
      boolean recompute = sizes.recomputesForward();
      BatchQuantities quantities;
      SampleForward forward;
      double[] outputsOfBatch;
      if (recompute) {
        FactorPasses.HostValues hv = FactorPasses.batchQuantities(engine, batch, host, chunk);
        quantities = hv.quantities();
        outputsOfBatch = hv.outputs();
        forward = SampleForward.recomputed(engine, batch, host);
        reuseNotes.add(
            "forward values recomputed for the samples of each factor pass (none kept for the"
                + " whole batch)");
      } else {
        ForwardPass fp = engine.forward(batch, host);
        quantities = new BatchQuantities(fp.loss, fp.perSampleLosses, fp.grad);
        outputsOfBatch = fp.outputs();
        forward = SampleForward.kept(fp, batch);
      }
      GradientCoefficients.Choice gammaSource = null;
      if (crossTerms) {
        gammaSource =
            gammasFromGram
                ? GradientCoefficients.choose(
                    engine.hessianFactor(),
                    scaling,
                    batch,
                    outputsOfBatch,
                    net.outputSize(),
                    gradRows,
                    ggnRows,
                    backend.precision() == Precision.FLOAT32)
                : new GradientCoefficients.Choice(null, "asked for");
        if (gammaSource.note() != null) {
          reuseNotes.add(gammaSource.note());
        }
        crossTerms = gammaSource.coefficients() == null;
        if (crossTerms && sizing.plansGammasFromGram(n)) {
          // planned without cross terms: they must fit as well
          RunSizes withCross =
              (keepV ? sizes.withKeptConvV(true) : keep ? sizes.withKeptFactors(true) : sizes)
                  .withCrossTerms(true);
          MemoryEstimate cross = MemoryEstimate.of(withCross);
          cross.checkConvBudget();
          cross.checkFitsHeap();
          cross.checkFitsDevice(backend);
        }
      }
      List<FactorChunks.AssembledGram> grams =
          FactorPasses.grams(
              engine,
              forward,
              scaling,
              ggnRows,
              gradRows,
              tensors,
              crossTerms,
              kept,
              chunked ? chunk : ggnRows.length,
              layout);

      if (layout.packed()) {
        reuseNotes.addAll(FactorPasses.packedNotes(grams, layout));
      }
      List<String> warnings = new ArrayList<>();
      List<GroupWork> work = new ArrayList<>();
      for (int j = 0; j < groups.size(); j++) {
        GroupWork w =
            GroupWork.solve(
                j,
                groups.get(j).criterion(),
                grams.get(j),
                reduced ? EigenSolver.LANCZOS : options.eigenSolver(),
                reduced ? nGgn * wholeColumns : grams.get(j).gram().size(),
                options.warnSmallEigvals(),
                backend.precision());
        eigensolves++;
        warnings.addAll(w.warnings);
        work.add(w);
      }
      // γ alone needs only the eigenvectors' signs: read off tile by tile, no vectors stored
      boolean signsOnly = sizes.readsSignsOnly();
      List<double[][]> weights = work.stream().map(w -> w.weights).toList();
      List<double[]> signLists =
          signsOnly
              ? FactorPasses.applyFactorSigns(
                  engine, forward, scaling, ggnRows, tensors, weights, kept)
              : null;
      List<double[][]> evecs =
          appliesFactor() && !signsOnly
              ? FactorPasses.applyFactor(
                  engine, forward, scaling, ggnRows, tensors, weights, kept, chunked ? chunk : 0)
              : null;
      List<double[][]> stepWeights = new ArrayList<>();
      for (int j = 0; j < groups.size(); j++) {
        GroupWork w = work.get(j);
        w.evecs = evecs == null ? null : evecs.get(j);
        double[] signs =
            signLists != null
                ? signLists.get(j)
                : w.evecs == null ? null : GroupChecks.canonicalise(w.evecs);
        boolean fromGram = needsGammas() && gammaSource.coefficients() != null;
        double[] gv = needsLambdas() || fromGram ? w.space.gramTimesVectors(w.selected) : null;
        if (needsGammas()) {
          w.gammas =
              fromGram
                  ? w.space.gammasFromGram(gv, gammaSource.coefficients(), w.selected)
                  : w.space.gammas(grams.get(j).cross(), gradRows.length, w.selected);
          for (double[] row : w.gammas) {
            for (int k = 0; k < row.length; k++) {
              row[k] *= signs[k];
            }
          }
        }
        if (needsLambdas()) {
          w.lambdas = w.space.lambdas(gv, ggnRows.length, ct, scaling.lambdaFactor(), w.selected);
        }
        if (newton()) {
          w.dampings = w.checkedDampings(damping(), j, backend.precision().typeName());
          double[] c =
              NewtonStep.coefficients(
                  DirectionStatistics.means(w.gammas),
                  DirectionStatistics.means(w.lambdas),
                  w.dampings);
          stepWeights.add(
              new double[][] {NewtonStep.weights(c, w.weights, signs, grams.get(j).gram().size())});
        }
      }
      if (newton()) {
        List<double[][]> steps =
            FactorPasses.applyFactor(
                engine, forward, scaling, ggnRows, tensors, stepWeights, kept, chunked ? chunk : 0);
        for (int j = 0; j < groups.size(); j++) {
          work.get(j).step = steps.get(j)[0];
        }
      }

      List<GroupResult> results = new ArrayList<>();
      // γ and λ carry the round-off of the backend's dtype (the Gram and cross terms)
      double epsilon =
          backend.precision() == Precision.FLOAT32
              ? DirectionStatistics.FLOAT32_EPSILON
              : DirectionStatistics.FLOAT64_EPSILON;
      for (int j = 0; j < groups.size(); j++) {
        int dim = IntStream.of(tensors.get(j)).map(t -> net.params().get(t).numel()).sum();
        results.add(work.get(j).result(groups.get(j), dim, outputs(), epsilon));
      }
      for (int j = 0; j < results.size(); j++) {
        GroupChecks.checkFinite(results.get(j), j, backend.precision().typeName());
      }
      double seconds = (System.nanoTime() - start) * 1e-9;
      List<String> notes = new ArrayList<>(engine.notes());
      notes.addAll(reuseNotes);
      RunInfo info =
          new RunInfo(
              backend.name(), backend.deviceName(), backend.precision().typeName(), seconds, notes);
      lastPasses = new PassCounts(engine.factorPasses(), eigensolves, keep);
      last = new ComputationResult(quantities, results, info, warnings);
      return last;
    }
  }

  /**
   * The note of a run with the rank-reduced loss factor: the Gram's size against the whole
   * spectrum's, and the zeros it leaves out.
   */
  static String reducedFactorNote(int nGgn, int wholeColumns, int ct) {
    return "loss factor: the loss Hessian's rank is at most "
        + ct
        + " of its "
        + wholeColumns
        + " outputs, so each GGN sample's factor has "
        + ct
        + " columns: Gram "
        + (long) nGgn * ct
        + " × "
        + (long) nGgn * ct
        + " for a spectrum of "
        + (long) nGgn * wholeColumns
        + "; the "
        + nGgn
        + " eigenvalues it leaves out are exactly 0 and no criterion of this run selects them";
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
