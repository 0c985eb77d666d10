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
import org.vivit4j.core.GramSpace;
import org.vivit4j.core.KeptFactors;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.core.NewtonStep;
import org.vivit4j.core.PassProgress;
import org.vivit4j.core.RunSizes;
import org.vivit4j.core.SampleForward;
import org.vivit4j.core.Scaling;
import org.vivit4j.core.SpectrumNeed;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.loss.Loss;
import org.vivit4j.model.Batch;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.model.NumericalOverflowException;

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
   * Whether a run on a batch of {@code n} plans γ from the Gram rows ({@link
   * GradientCoefficients}): allowed, the exact factor, every gradient sample a GGN sample. The
   * memory estimate then counts no cross terms; a run whose samples turn out to have no usable
   * coefficients checks the estimate with them again before computing them.
   */
  private boolean plansGammasFromGram(int n) {
    return gammasFromGram && options.mcSamples() == 0 && gradWithinGgn(n);
  }

  /** Whether every gradient sample of a batch of {@code n} is a GGN sample. */
  private boolean gradWithinGgn(int n) {
    // the test by which chunked passes with cross terms may recompute their forward
    return FactorChunks.canRecomputeForward(
        rowsOrAll(options.subsamplingGgn(), n), rowsOrAll(options.subsamplingGrad(), n), true);
  }

  /**
   * Whether a run of the exact GGN uses the loss's rank-reduced factor ({@link
   * org.vivit4j.loss.Loss#reducedSqrtHessian}; cross-entropy: {@code C − 1} columns per sample
   * instead of C, as {@code diag(p) − p pᵀ} has the null vector 1), so that every product over the
   * factor's columns costs {@code (C − 1)/C} and the Gram {@code ((C − 1)/C)²} of the full
   * factor's. The GGN {@code V Vᵀ} is the same; its Gram {@code VᵀV} loses {@code N_ggn}
   * eigenvalues that are exactly zero. So the reduced factor is used only when no result can see
   * them: every group's eigensolve computes the top of the spectrum only (Lanczos, chosen for the
   * whole spectrum's size) and its criterion is top-k with {@code k ≤ N_ggn·(C − 1)}. A threshold
   * keeps the full factor: its search could exhaust the reduced spectrum and return no eigenvalue
   * at or below the threshold, though the dropped zeros are.
   *
   * @param lossSpec null: unknown, the full factor
   */
  boolean usesReducedFactor(LossSpec lossSpec, NetworkSpec net, int nGgn, List<ParamGroup> groups) {
    if (!reducedFactor || lossSpec == null || options.mcSamples() != 0) {
      return false;
    }
    Loss fn = Loss.of(lossSpec);
    int c = net.outputSize();
    int reduced = fn.reducedFactorColumns(c);
    if (reduced >= fn.factorColumns(c)) {
      return false;
    }
    long whole = (long) nGgn * fn.factorColumns(c);
    if (whole > Integer.MAX_VALUE) {
      return false;
    }
    boolean denseFits = new GramLayout(true, false, arrayLimit).denseFits(whole);
    for (ParamGroup g : groups) {
      SpectrumNeed need = g.criterion().need();
      // top-k only: a threshold search that exhausts the reduced spectrum would return no
      // eigenvalue at or below its threshold, though the dropped zeros are
      boolean noZero =
          need.kind() == SpectrumNeed.Kind.TOP && need.count() <= (long) nGgn * reduced;
      if (!noZero) {
        return false;
      }
      try {
        if (GramSpace.choose(options.eigenSolver(), need, (int) whole, denseFits)
            != EigenSolver.LANCZOS) {
          return false;
        }
      } catch (IllegalArgumentException e) {
        return false; // the run reports it
      }
    }
    return true;
  }

  /**
   * GGN samples per chunk of a run with {@code plain} sizes (0: the plain pass): the forced chunk
   * (at most what a packed Gram's chunk pairs allow), or the budget's ({@link ChunkChoice}).
   */
  private int chunkSamples(RunSizes plain, long heapLimit) {
    if (factorChunk > 0) {
      return Math.min(
          factorChunk, plain.gramLayout().chunkCap(plain.nGgn(), plain.factorColumns()));
    }
    long budget = factorMemory > 0 ? factorMemory : ChunkChoice.defaultBudget(plain, heapLimit);
    return ChunkChoice.chunkSamples(plain, budget);
  }

  /**
   * Sizes the run for a heap limit of {@code bytes} instead of this JVM's ({@code
   * Runtime.maxMemory()}): the default factor-memory budget ({@link ChunkChoice#defaultBudget}) and
   * {@link FactorReuse#AUTO} decide against it, and so does {@link #memoryEstimate}, which then
   * describes the run as it would go in such a heap (the bench's largest-N estimate; tests of the
   * fall-backs without a child JVM). The check before a run still compares with the JVM's own
   * limit. Returns this.
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

  private long assumedHeapLimit() {
    return assumedHeapLimit >= 0 ? assumedHeapLimit : Runtime.getRuntime().maxMemory();
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
   * use ({@link #usesReducedFactor}) is sized with that factor's columns.
   */
  public MemoryEstimate memoryEstimate(
      NetworkSpec net,
      LossSpec loss,
      int n,
      List<ParamGroup> groups,
      boolean factorOnHost,
      boolean float32) {
    return memoryEstimate(net, loss, n, groups, factorOnHost, float32, assumedHeapLimit());
  }

  /** {@link #memoryEstimate} of the run as it would go in a heap of {@code heapLimit}. */
  private MemoryEstimate memoryEstimate(
      NetworkSpec net,
      LossSpec loss,
      int n,
      List<ParamGroup> groups,
      boolean factorOnHost,
      boolean float32,
      long heapLimit) {
    RunSizes plain =
        runSizes(net, n, groups, factorOnHost, float32, factorColumns(net, loss, n, groups));
    RunSizes sizes = plain.withChunkSamples(chunkSamples(plain, heapLimit));
    // as run() decides: a chunked pass, or one assembling a packed Gram, keeps no factors
    if (sizes.chunked() || sizes.gramLayout().packed()) {
      return MemoryEstimate.of(sizes);
    }
    MemoryEstimate kept = MemoryEstimate.of(sizes.withKeptFactors(true));
    if (!keepsFactors(kept, heapLimit)) {
      return MemoryEstimate.of(sizes);
    }
    MemoryEstimate withV = keptConvVEstimate(sizes, heapLimit);
    return withV != null ? withV : kept;
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
    java.util.function.IntPredicate fits =
        n -> {
          try {
            return memoryEstimate(net, loss, n, groups, factorOnHost, float32, heapBytes)
                .fits(heapBytes);
          } catch (InvalidInputException | IllegalArgumentException e) {
            return false; // an array of that run cannot exist, or the options do not allow n
          }
        };
    int lo = 0; // fits (trivially)
    int hi = 16;
    while (hi < MAX_BATCH && fits.test(hi)) {
      lo = hi;
      hi *= 2;
    }
    if (hi >= MAX_BATCH && fits.test(MAX_BATCH)) {
      return MAX_BATCH;
    }
    // lo fits, hi does not: narrow to one step
    while (hi - lo > largestBatchStep(lo)) {
      int step = largestBatchStep(lo);
      int mid = Math.max(lo + step, (lo + (hi - lo) / 2) / step * step);
      if (fits.test(mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The estimate of the run {@link #memoryEstimate} describes when it keeps its factors but no
   * Conv2d matrix for {@code V·w} (what {@link FactorReuse#AUTO} falls back to when those do not
   * fit as well); for tests that place a heap limit between the two.
   */
  MemoryEstimate keptFactorsOnlyEstimate(
      NetworkSpec net, LossSpec loss, int n, List<ParamGroup> groups, boolean factorOnHost) {
    RunSizes plain =
        runSizes(net, n, groups, factorOnHost, false, factorColumns(net, loss, n, groups));
    return MemoryEstimate.of(
        plain.withChunkSamples(chunkSamples(plain, assumedHeapLimit())).withKeptFactors(true));
  }

  /**
   * The estimate of a run that keeps its factors and the Conv2d {@code V_W} formed whole for the
   * Gram as well ({@link RunSizes#keptConvV}), when some layer forms one and that estimate, times
   * {@link #KEEP_HEADROOM}, fits the heap limit; else null (the factors alone are kept). With it a
   * Conv2d weight's {@code V·w} is one product with {@code V_W} instead of the multiply-adds of K
   * weight gradients (fmnist_2c2d's conv2 at N = 128: 6.6e8 instead of 1.3e10).
   */
  private static MemoryEstimate keptConvVEstimate(RunSizes sizes, long heapLimit) {
    boolean any = false;
    for (int i = 0; i < sizes.net().layers().size() && !any; i++) {
      any = sizes.formsWholeConvV(i);
    }
    if (!any) {
      return null;
    }
    MemoryEstimate withV = MemoryEstimate.of(sizes.withKeptConvV(true));
    return withV.fits((long) (heapLimit / KEEP_HEADROOM)) ? withV : null;
  }

  /**
   * How much more heap than the estimate with kept factors {@link FactorReuse#AUTO} asks for before
   * keeping them: a run needs up to 1.3 times its estimate (MemoryEstimateTest), and the second
   * pass that the factors save is cheaper than a run that runs out of heap.
   */
  static final double KEEP_HEADROOM = 1.25;

  /**
   * Whether a run with the estimate {@code withKept} (kept factors) keeps them under the heap limit
   * {@code heapLimit}: never without a {@code V·w}, always with {@link FactorReuse#KEEP}, with
   * {@link FactorReuse#AUTO} when the estimate times {@link #KEEP_HEADROOM} fits.
   */
  private boolean keepsFactors(MemoryEstimate withKept, long heapLimit) {
    if (!appliesFactor()) {
      return false;
    }
    return switch (factorReuse) {
      case KEEP -> true;
      case RERUN -> false;
      case AUTO -> withKept.fits((long) (heapLimit / KEEP_HEADROOM));
    };
  }

  /**
   * The plain (unchunked) sizes of a run; {@code float32} when the backend computes in float32 (a
   * packed Gram is then stored in float32).
   */
  private RunSizes runSizes(
      NetworkSpec net,
      int n,
      List<ParamGroup> groups,
      boolean factorOnHost,
      boolean float32,
      int ct) {
    int[] ggn = options.subsamplingGgn();
    int[] grad = options.subsamplingGrad();
    GramLayout layout = GramLayout.choose(gramStorage, (long) nGgn(n) * ct, float32, arrayLimit);
    // the reduced factor's run solves by Lanczos whatever the option (usesReducedFactor)
    boolean reduced = options.mcSamples() == 0 && ct < net.outputSize();
    return new RunSizes(
        net,
        n,
        nGgn(n),
        grad == null ? n : grad.length,
        options.mcSamples(),
        options.mcSamples() == 0 ? ct : net.outputSize(),
        ggn != null,
        grad != null,
        gradWithinGgn(n),
        groups.stream().map(ParamGroup::params).toList(),
        groups.stream().map(g -> g.criterion().need()).toList(),
        reduced ? EigenSolver.LANCZOS : options.eigenSolver(),
        needsGammas() && !plansGammasFromGram(n),
        appliesFactor(),
        !storesEigenvectors(),
        convGram,
        factorOnHost,
        float32,
        false,
        false,
        0,
        layout);
  }

  /**
   * {@code C̃} of a run: M for the Monte-Carlo GGN, else the loss's factor columns, or its reduced
   * factor's when the run uses it ({@link #usesReducedFactor}; {@code loss} null: C).
   */
  private int factorColumns(NetworkSpec net, LossSpec loss, int n, List<ParamGroup> groups) {
    if (options.mcSamples() != 0) {
      return options.mcSamples();
    }
    int c = net.outputSize();
    if (loss == null) {
      return c;
    }
    Loss fn = Loss.of(loss);
    return usesReducedFactor(loss, net, nGgn(n), groups)
        ? fn.reducedFactorColumns(c)
        : fn.factorColumns(c);
  }

  private int nGgn(int n) {
    return options.subsamplingGgn() == null ? n : options.subsamplingGgn().length;
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

  /** One group's quantities on the way to its {@link GroupResult}. */
  private static final class Work {
    GramSpace space;
    int[] selected;
    double[][] weights;
    List<String> warnings;
    double[][] evecs;
    double[][] gammas;
    double[][] lambdas;
    double[] dampings;
    double[] step;
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
    boolean reduced = usesReducedFactor(loss, net, nGgn(n), groups);
    try (FactorEngine engine =
        new FactorEngine(
            net, loss, backend, options.mcSamples(), options.seed(), convGram, reduced)) {
      engine.reportPassesTo(progress);
      int ct = engine.factorColumns();
      RunSizes plain =
          runSizes(
              net,
              n,
              groups,
              "cpu".equals(backend.name()),
              backend.precision() == Precision.FLOAT32,
              ct);
      GramLayout layout = plain.gramLayout();
      long heapLimit = assumedHeapLimit();
      int chunk = chunkSamples(plain, heapLimit);
      RunSizes sizes = plain.withChunkSamples(chunk);
      boolean chunked = sizes.chunked();
      MemoryEstimate withKept = chunked ? null : MemoryEstimate.of(sizes.withKeptFactors(true));
      // a chunked pass (or one assembling a packed Gram) has no factors of the whole batch to keep
      boolean keep = !chunked && !layout.packed() && keepsFactors(withKept, heapLimit);
      MemoryEstimate withV = keep ? keptConvVEstimate(sizes, heapLimit) : null;
      boolean keepV = withV != null;
      MemoryEstimate estimate = keepV ? withV : keep ? withKept : MemoryEstimate.of(sizes);
      estimate.checkConvBudget();
      estimate.checkEigensolver();
      estimate.checkFitsHeap();
      List<String> reuseNotes = new ArrayList<>();
      if (reduced) {
        reuseNotes.add(reducedFactorNote(nGgn(n), wholeColumns, ct));
      }
      if (chunked) {
        reuseNotes.add(
            FactorPasses.chunkNote(
                plain,
                estimate,
                chunk,
                factorChunk > 0,
                factorMemory > 0 ? factorMemory : ChunkChoice.defaultBudget(plain, heapLimit)));
        if (appliesFactor() && factorReuse == FactorReuse.KEEP) {
          reuseNotes.add("factor reuse keep does not apply: a chunked pass keeps no factors");
        }
      } else if (appliesFactor() && layout.packed()) {
        // not the heap: a pass that assembles a packed Gram keeps no factors of the whole batch
        reuseNotes.add(
            "V·w: the factor is backpropagated again: a pass that assembles a packed Gram keeps"
                + " no factors");
      } else if (appliesFactor() && factorReuse == FactorReuse.AUTO && !keep) {
        reuseNotes.add(
            "V·w: the factor is backpropagated again: keeping the factors of the Gram pass ("
                + MemoryEstimate.gib(withKept.keptFactorBytes())
                + ") would make the run's estimated peak "
                + MemoryEstimate.gib(withKept.peakBytes())
                + ", too close to the heap limit "
                + MemoryEstimate.gib(heapLimit)
                + " (keeping them needs "
                + KEEP_HEADROOM
                + "× the estimate)");
      }
      if (keepV) {
        long bytes = estimate.keptFactorBytes() - withKept.keptFactorBytes();
        reuseNotes.add(
            "V·w: the Conv2d V_W formed whole for the Gram is kept for it ("
                + (bytes > 0 ? MemoryEstimate.gib(bytes) + " of heap" : "in device memory")
                + ")");
      }
      KeptFactors kept = keep ? engine.newKeptFactors(keepV) : null;
      int eigensolves = 0;
      int[] ggnRows = rowsOrAll(options.subsamplingGgn(), n);
      int[] gradRows = rowsOrAll(options.subsamplingGrad(), n);
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
        if (crossTerms && plansGammasFromGram(n)) {
          // planned without cross terms: they must fit as well
          RunSizes withCross =
              (keepV ? sizes.withKeptConvV(true) : keep ? sizes.withKeptFactors(true) : sizes)
                  .withCrossTerms(true);
          MemoryEstimate cross = MemoryEstimate.of(withCross);
          cross.checkConvBudget();
          cross.checkFitsHeap();
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
      List<Work> work = new ArrayList<>();
      for (int j = 0; j < groups.size(); j++) {
        Work w = new Work();
        String field = "param_groups[" + j + "].criterion";
        Criterion criterion = groups.get(j).criterion();
        // an infinite Gram entry is an overflow of the backend's dtype, not a bad criterion
        String dtype = backend.precision().typeName();
        grams
            .get(j)
            .gram()
            .checkFinite("param_groups[" + j + "]", dtype, "the group's Gram matrix");
        if (grams.get(j).cross() != null) {
          NumericalOverflowException.checkFinite(
              grams.get(j).cross(),
              grams.get(j).gram().size(),
              "gradient sample",
              "param_groups[" + j + "]",
              dtype,
              "the group's gradient cross terms");
        }
        int[] sel;
        try {
          w.space =
              reduced
                  ? new GramSpace(
                      grams.get(j).gram(),
                      EigenSolver.LANCZOS,
                      criterion.need(),
                      nGgn(n) * wholeColumns)
                  : new GramSpace(grams.get(j).gram(), options.eigenSolver(), criterion.need());
          eigensolves++;
          sel = criterion.select(w.space.evals());
        } catch (IllegalArgumentException e) {
          throw new InvalidInputException(field, e.getMessage());
        }
        // The criterion saw the computed top of the spectrum; indices are into the whole of it.
        for (int i = 0; i < sel.length; i++) {
          sel[i] += w.space.offset();
        }
        w.warnings = new ArrayList<>();
        if (sel.length == 0) {
          w.warnings.add(selectsNothing(field, criterion, w.space));
        }
        w.selected = w.space.checkSelection(sel, field, options.warnSmallEigvals(), w.warnings);
        clusterCut(w.space, w.selected, field, options.warnSmallEigvals(), w.warnings);
        warnings.addAll(w.warnings);
        w.weights = w.space.eigenvectorWeights(w.selected);
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
        Work w = work.get(j);
        w.evecs = evecs == null ? null : evecs.get(j);
        double[] signs =
            signLists != null ? signLists.get(j) : w.evecs == null ? null : canonicalise(w.evecs);
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
          w.dampings = checkedDampings(w, j, backend.precision().typeName());
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
      boolean returnsGammas = outputs().contains(GgnOutput.GAMMAS);
      boolean returnsLambdas = outputs().contains(GgnOutput.LAMBDAS);
      for (int j = 0; j < groups.size(); j++) {
        Work w = work.get(j);
        int dim = IntStream.of(tensors.get(j)).map(t -> net.params().get(t).numel()).sum();
        results.add(
            new GroupResult(
                groups.get(j),
                dim,
                w.space.evals(),
                w.selected,
                w.space.selectedEvals(w.selected),
                returnsGammas ? w.gammas : null,
                returnsLambdas ? w.lambdas : null,
                outputs().contains(GgnOutput.EIGENVECTORS) ? w.evecs : null,
                List.copyOf(w.warnings),
                w.space.trace(),
                w.space.frobeniusNorm(),
                returnsGammas ? DirectionStatistics.snr(w.gammas, epsilon) : null,
                returnsLambdas ? DirectionStatistics.snr(w.lambdas, epsilon) : null,
                w.dampings,
                w.step,
                new SpectrumInfo(
                    w.space.solver().optionName(),
                    w.space.spectrumSize(),
                    w.space.offset(),
                    w.space.residual(),
                    w.space.products(),
                    w.space.seconds())));
      }
      for (int j = 0; j < results.size(); j++) {
        checkFinite(results.get(j), j, backend.precision().typeName());
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

  /**
   * A finite Gram can still give non-finite derived numbers (its trace or Frobenius norm, γ from
   * huge cross terms): an overflow of the dtype, reported naming the group and the quantity. The
   * SNRs are left out: NaN is their documented "undefined" (zero variance).
   */
  private static void checkFinite(GroupResult g, int j, String dtype) {
    String field = "param_groups[" + j + "]";
    double[] scalars = {g.ggnTrace(), g.ggnFrobeniusNorm()};
    String[] names = {"the GGN's trace", "the GGN's Frobenius norm"};
    for (int i = 0; i < scalars.length; i++) {
      if (!Double.isFinite(scalars[i])) {
        throw new NumericalOverflowException(field, dtype, names[i], scalars[i], "the group");
      }
    }
    NumericalOverflowException.checkFinite(
        g.gramEvals(), 0, "", field, dtype, "the Gram's eigenvalues");
    NumericalOverflowException.checkFinite(
        g.evals(), 0, "", field, dtype, "the selected eigenvalues");
    checkRows(g.gammas(), field, dtype, "γ (first-order directional derivatives)");
    checkRows(g.lambdas(), field, dtype, "λ (second-order directional derivatives)");
    checkRows(g.evecs(), field, dtype, "the eigenvectors");
    if (g.dampings() != null) {
      NumericalOverflowException.checkFinite(g.dampings(), 0, "", field, dtype, "the dampings");
    }
    if (g.newtonStep() != null) {
      NumericalOverflowException.checkFinite(
          g.newtonStep(), 0, "", field, dtype, "the damped Newton step");
    }
  }

  private static void checkRows(double[][] rows, String field, String dtype, String what) {
    if (rows == null) {
      return;
    }
    for (int r = 0; r < rows.length; r++) {
      NumericalOverflowException.checkFinite(rows[r], 0, "", field, dtype, what + " row " + r);
    }
  }

  /**
   * The damping rule's answer for group {@code j}: one finite {@code δ_k ≥ 0} per direction with
   * {@code λ̄_k + δ_k > 0}, else an error naming {@code computation.damping}.
   */
  private double[] checkedDampings(Work w, int j, String dtype) {
    String field = "computation.damping";
    double[] evals = w.space.selectedEvals(w.selected);
    // the rule reads γ and λ: non-finite ones (or means) are an overflow of the dtype, named
    // as such, not a bad damping (a weight of 3.5e94 gave λ̄ = ∞ and blamed the damping)
    String group = "param_groups[" + j + "]";
    checkRows(w.gammas, group, dtype, "γ (first-order directional derivatives)");
    checkRows(w.lambdas, group, dtype, "λ (second-order directional derivatives)");
    if (evals.length > 0) {
      NumericalOverflowException.checkFinite(
          DirectionStatistics.means(w.gammas), 0, "", group, dtype, "the mean of γ");
      NumericalOverflowException.checkFinite(
          DirectionStatistics.means(w.lambdas), 0, "", group, dtype, "the mean of λ");
    }
    double[] d;
    try {
      d = damping().dampings(evals.clone(), w.evecs, w.gammas, w.lambdas);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(field, e.getMessage() + " (param_groups[" + j + "])");
    }
    if (d == null || d.length != evals.length) {
      throw new InvalidInputException(
          field,
          "the damping rule returned "
              + (d == null ? "null" : d.length + " values")
              + " for the "
              + evals.length
              + " directions of param_groups["
              + j
              + "]");
    }
    double[] lambdaMean = evals.length == 0 ? new double[0] : DirectionStatistics.means(w.lambdas);
    for (int k = 0; k < d.length; k++) {
      if (!(d[k] >= 0) || Double.isInfinite(d[k]) || !(lambdaMean[k] + d[k] > 0)) {
        throw new InvalidInputException(
            field,
            "the damping of direction "
                + k
                + " of param_groups["
                + j
                + "] is "
                + d[k]
                + " (λ̄ = "
                + lambdaMean[k]
                + "); dampings must be finite, >= 0 and make λ̄ + δ positive");
      }
    }
    return d.clone();
  }

  /**
   * The warning for a criterion that keeps no direction: the run is valid (every per-direction
   * quantity is empty) but almost certainly not what was asked for, so it must not pass unseen.
   */
  static String selectsNothing(String field, Criterion criterion, GramSpace space) {
    double[] evals = space.evals();
    String largest =
        evals.length == 0
            ? ""
            : " (the largest Gram eigenvalue is " + evals[evals.length - 1] + ")";
    String why =
        criterion instanceof Criterion.Threshold t
            ? "threshold " + t.threshold() + " keeps no eigenvalue" + largest
            : "the criterion keeps no eigenvalue" + largest;
    return field
        + ": selects no direction: "
        + why
        + "; evals, gammas and lambdas of this group are empty";
  }

  /**
   * Relative gap below which the eigenvalue just under the selection counts as part of the smallest
   * selected eigenvalue's cluster.
   */
  static final double CLUSTER_CUT_GAP = 1e-8;

  /**
   * Warns when the selection's lower edge cuts through a cluster: the largest unselected computed
   * eigenvalue is within {@link #CLUSTER_CUT_GAP} (relative) of the smallest selected one, so the
   * selected directions are one arbitrary choice among the cluster's (MATH.md §3). Clusters of
   * eigenvalues below {@code warnBelow} are covered by the small-eigenvalue warning instead.
   */
  private static void clusterCut(
      GramSpace gs, int[] sel, String field, double warnBelow, List<String> warnings) {
    if (sel.length == 0 || sel[0] == 0) {
      return;
    }
    double[] evals = gs.evals();
    double lowest = evals[sel[0] - gs.offset()];
    double below;
    if (sel[0] - 1 >= gs.offset()) {
      below = evals[sel[0] - 1 - gs.offset()];
    } else if (!Double.isNaN(gs.nextBelow())) {
      // partial spectrum: the next eigenvalue is only estimated; warn if it may be in the cluster
      below = gs.nextBelow() + gs.nextBelowError();
    } else {
      return;
    }
    if (lowest >= warnBelow && lowest - below <= CLUSTER_CUT_GAP * Math.abs(lowest)) {
      warnings.add(
          field
              + ": the selection cuts through a cluster: unselected eigenvalue "
              + below
              + " (index "
              + (sel[0] - 1)
              + ") equals the smallest selected "
              + lowest
              + " to "
              + CLUSTER_CUT_GAP
              + "; directions within the cluster are not determined by the spectrum");
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
      if (signs[k] < 0) {
        for (int i = 0; i < e.length; i++) {
          e[i] = -e[i];
        }
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
