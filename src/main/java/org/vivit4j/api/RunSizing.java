package org.vivit4j.api;

import java.util.List;
import java.util.stream.IntStream;
import org.vivit4j.core.ChunkChoice;
import org.vivit4j.core.FactorChunks;
import org.vivit4j.core.GramLayout;
import org.vivit4j.core.GramSpace;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.core.RunSizes;
import org.vivit4j.core.SpectrumNeed;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.loss.Loss;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * How a run of a {@link GgnComputation} is sized, from the computation's settings as they are when
 * it is asked: the factor's columns (the loss's rank-reduced factor or not), the plain sizes of its
 * arrays, the samples per chunk of the factor pass for a heap limit, whether {@code V·w} keeps the
 * Gram pass's factors, and the peak-memory estimate all of that gives ({@link MemoryEstimate}).
 * {@link GgnComputation#run} and the estimates a user asks for before a run ({@link
 * GgnComputation#memoryEstimate}, {@link GgnComputation#largestBatch}) decide through the same
 * methods, so that a plan and the run it describes cannot disagree.
 *
 * @param factorChunk GGN samples per chunk of the factor pass, or 0 for the budget's
 * @param factorMemory the factor pass's memory budget in bytes, or −1 for the default
 * @param arrayLimit the most entries one array holds (tests force fewer)
 * @param reducedFactor whether the loss's rank-reduced factor may be used
 * @param gammasFromGram whether γ may come from the Gram rows instead of cross terms
 * @param needsGammas whether the run computes γ (asked for, or for a Newton step)
 * @param appliesFactor whether the run forms {@code V·w} (eigenvectors, γ's signs, Newton steps)
 * @param storesEigenvectors whether the eigenvectors themselves are needed (else only their signs)
 * @param phaseHeadroom how many times a phase's arrays count against the heap ({@link
 *     org.vivit4j.core.PlanningHeap#phaseHeadroom}; 1 for a heap limit the caller gives)
 */
record RunSizing(
    ComputationOptions options,
    ConvGramPolicy convGram,
    FactorReuse factorReuse,
    int factorChunk,
    long factorMemory,
    GramLayout.Storage gramStorage,
    long arrayLimit,
    boolean reducedFactor,
    boolean gammasFromGram,
    boolean needsGammas,
    boolean appliesFactor,
    boolean storesEigenvectors,
    double phaseHeadroom) {

  /**
   * Whether a run on a batch of {@code n} plans γ from the Gram rows ({@link
   * GradientCoefficients}): allowed, the exact factor, every gradient sample a GGN sample. The
   * memory estimate then counts no cross terms; a run whose samples turn out to have no usable
   * coefficients checks the estimate with them again before computing them.
   */
  boolean plansGammasFromGram(int n) {
    return gammasFromGram && options.mcSamples() == 0 && gradWithinGgn(n);
  }

  /** Whether every gradient sample of a batch of {@code n} is a GGN sample. */
  boolean gradWithinGgn(int n) {
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
  int chunkSamples(RunSizes plain, long heapLimit) {
    if (factorChunk > 0) {
      return Math.min(
          factorChunk, plain.gramLayout().chunkCap(plain.nGgn(), plain.factorColumns()));
    }
    if (factorMemory > 0) {
      // a budget the user gives is what the factor pass may hold, counted as the estimate counts
      return ChunkChoice.chunkSamples(plain, factorMemory);
    }
    return ChunkChoice.chunkSamples(
        plain, ChunkChoice.defaultBudget(plain, heapLimit), phaseHeadroom);
  }

  /**
   * The estimate of the run ({@link GgnComputation#memoryEstimate}) as it would go in a heap of
   * {@code heapLimit} on a backend whose matrices may occupy {@code deviceLimit} bytes of device
   * memory (≤ 0: they live in the heap): its chunks, its Gram storage, the factors it keeps ({@link
   * #plan}).
   */
  MemoryEstimate memoryEstimate(
      NetworkSpec net,
      LossSpec loss,
      int n,
      List<ParamGroup> groups,
      boolean factorOnHost,
      boolean float32,
      long heapLimit,
      long deviceLimit) {
    return plan(
            net,
            n,
            groups,
            factorOnHost,
            float32,
            factorColumns(net, loss, n, groups),
            heapLimit,
            deviceLimit)
        .estimate();
  }

  /**
   * How a run goes in a heap of {@code heapLimit}: its plain sizes, the samples per chunk of its
   * factor pass, whether it keeps the Gram pass's factors (and a Conv2d {@code V_W}) for {@code
   * V·w}, and the estimate of its peak that all of this gives.
   *
   * @param plain the unchunked sizes
   * @param sizes the sizes as the run goes (chunked or not)
   * @param chunk GGN samples per chunk
   * @param keepsFactors whether {@code V·w} reuses the Gram pass's factors
   * @param keepsConvV whether it also reuses the Conv2d {@code V_W} formed whole for the Gram
   * @param withKeptFactors the estimate with kept factors (null for a chunked pass)
   * @param estimate the estimate of the run as it goes
   * @param heapLimit the heap limit it was sized for
   * @param deviceLimit the device memory it was sized for (≤ 0: none, the matrices are in the heap)
   * @param forDevice whether the device's memory, not the heap, set the chunks
   */
  record Plan(
      RunSizes plain,
      RunSizes sizes,
      int chunk,
      boolean keepsFactors,
      boolean keepsConvV,
      MemoryEstimate withKeptFactors,
      MemoryEstimate estimate,
      long heapLimit,
      long deviceLimit,
      boolean forDevice) {}

  /**
   * The {@link Plan} of a run with {@code ct} factor columns per GGN sample in a heap of {@code
   * heapLimit}, on a backend whose matrices may occupy {@code deviceLimit} bytes of device memory
   * (≤ 0: they live in the heap). The chunks are the smaller of those the heap allows and those
   * whose device estimate, times {@link MemoryEstimate#DEVICE_HEADROOM}, fits the device (a chunk
   * size the user gives is kept: the run checks it); the Conv2d {@code V_W} is kept for {@code V·w}
   * only where it fits both.
   */
  Plan plan(
      NetworkSpec net,
      int n,
      List<ParamGroup> groups,
      boolean factorOnHost,
      boolean float32,
      int ct,
      long heapLimit,
      long deviceLimit) {
    RunSizes plain = runSizes(net, n, groups, factorOnHost, float32, ct);
    boolean device = deviceLimit > 0 && !factorOnHost;
    int heapChunk = chunkSamples(plain, heapLimit);
    int deviceChunk =
        device && factorChunk <= 0
            ? ChunkChoice.deviceChunkSamples(plain, deviceBudget(deviceLimit))
            : 0;
    int chunk = ChunkChoice.smaller(heapChunk, deviceChunk);
    boolean forDevice = deviceChunk > 0 && chunk == deviceChunk && chunk != heapChunk;
    RunSizes sizes = plain.withChunkSamples(chunk);
    // a chunked pass (or one assembling a packed Gram) has no factors of the whole batch to keep
    if (sizes.chunked()) {
      return new Plan(
          plain,
          sizes,
          chunk,
          false,
          false,
          null,
          MemoryEstimate.of(sizes),
          heapLimit,
          deviceLimit,
          forDevice);
    }
    MemoryEstimate withKept = MemoryEstimate.of(sizes.withKeptFactors(true));
    boolean keep = !sizes.gramLayout().packed() && keepsFactors(withKept, heapLimit);
    MemoryEstimate withV = keep ? keptConvVEstimate(sizes, heapLimit) : null;
    if (withV != null && device && withV.deviceBytes() > deviceBudget(deviceLimit)) {
      withV = null; // on the device it does not fit beside the pass
    }
    MemoryEstimate estimate = withV != null ? withV : keep ? withKept : MemoryEstimate.of(sizes);
    return new Plan(
        plain,
        sizes,
        chunk,
        keep,
        withV != null,
        withKept,
        estimate,
        heapLimit,
        deviceLimit,
        forDevice);
  }

  /** The device estimate a run may plan for on a device of {@code deviceLimit} bytes. */
  static long deviceBudget(long deviceLimit) {
    return (long) (deviceLimit / MemoryEstimate.DEVICE_HEADROOM);
  }

  /**
   * What a run's notes say of its plan: the chunks of its factor pass and why, and whether {@code
   * V·w} reuses the Gram pass's factors and, when not, why not.
   */
  List<String> planNotes(Plan plan) {
    List<String> notes = new java.util.ArrayList<>();
    RunSizes plain = plan.plain();
    if (plan.sizes().chunked() && plan.forDevice()) {
      notes.add(
          FactorChunks.describe(plain.nGgn(), plan.chunk())
              + " (the device's memory: the plain pass needs about "
              + MemoryEstimate.gib(ChunkChoice.plainDeviceBytes(plain))
              + " of it, the chunked one about "
              + MemoryEstimate.gib(plan.estimate().deviceBytes())
              + ", planned "
              + MemoryEstimate.DEVICE_HEADROOM
              + " times within the "
              + MemoryEstimate.gib(plan.deviceLimit())
              + " the backend may use)");
      if (appliesFactor && factorReuse == FactorReuse.KEEP) {
        notes.add("factor reuse keep does not apply: a chunked pass keeps no factors");
      }
    } else if (plan.sizes().chunked()) {
      notes.add(
          FactorPasses.chunkNote(
              plain,
              plan.estimate(),
              plan.chunk(),
              factorChunk > 0,
              factorMemory > 0 ? factorMemory : ChunkChoice.defaultBudget(plain, plan.heapLimit()),
              // a given budget is counted as the estimate counts (chunkSamples)
              factorMemory > 0 ? 1.0 : phaseHeadroom));
      if (appliesFactor && factorReuse == FactorReuse.KEEP) {
        notes.add("factor reuse keep does not apply: a chunked pass keeps no factors");
      }
    } else if (appliesFactor && plain.gramLayout().packed()) {
      // not the heap: a pass that assembles a packed Gram keeps no factors of the whole batch
      notes.add(
          "V·w: the factor is backpropagated again: a pass that assembles a packed Gram keeps"
              + " no factors");
    } else if (appliesFactor && factorReuse == FactorReuse.AUTO && !plan.keepsFactors()) {
      MemoryEstimate withKept = plan.withKeptFactors();
      notes.add(
          "V·w: the factor is backpropagated again: keeping the factors of the Gram pass ("
              + MemoryEstimate.gib(withKept.keptFactorBytes())
              + ") would make the run need "
              + MemoryEstimate.gib(withKept.neededBytes(phaseHeadroom))
              + (phaseHeadroom > 1
                  ? " (its largest phase counted " + phaseHeadroom + " times)"
                  : "")
              + ", too close to the heap a run plans for, "
              + MemoryEstimate.gib(plan.heapLimit())
              + " (keeping them needs "
              + KEEP_HEADROOM
              + "× that)");
    }
    if (plan.keepsConvV()) {
      // on the heap it replaces the host factors of the layers it serves (so it may cost less
      // than they did); on a device it is the backend's
      notes.add(
          "V·w: the Conv2d V_W formed whole for the Gram is kept for it ("
              + (plan.sizes().factorOnHost()
                  ? MemoryEstimate.gib(plan.estimate().keptConvVBytes()) + " of heap"
                  : "in device memory")
              + ")");
    }
    return notes;
  }

  /**
   * The estimate of the run {@link #memoryEstimate} describes when it keeps its factors but no
   * Conv2d matrix for {@code V·w} (what {@link FactorReuse#AUTO} falls back to when those do not
   * fit as well; null for a chunked run, which keeps none); for tests that place a heap limit
   * between the two.
   */
  MemoryEstimate keptFactorsOnlyEstimate(
      NetworkSpec net,
      LossSpec loss,
      int n,
      List<ParamGroup> groups,
      boolean factorOnHost,
      long heapLimit) {
    return plan(
            net, n, groups, factorOnHost, false, factorColumns(net, loss, n, groups), heapLimit, -1)
        .withKeptFactors();
  }

  /**
   * The estimate of a run that keeps its factors and the Conv2d {@code V_W} formed whole for the
   * Gram as well ({@link RunSizes#keptConvV}), when some layer forms one and that estimate, times
   * {@link #KEEP_HEADROOM}, fits the heap limit; else null (the factors alone are kept). With it a
   * Conv2d weight's {@code V·w} is one product with {@code V_W} instead of the multiply-adds of K
   * weight gradients (fmnist_2c2d's conv2 at N = 128: 6.6e8 instead of 1.3e10).
   */
  MemoryEstimate keptConvVEstimate(RunSizes sizes, long heapLimit) {
    boolean any = false;
    for (int i = 0; i < sizes.net().layers().size() && !any; i++) {
      any = sizes.formsWholeConvV(i);
    }
    if (!any) {
      return null;
    }
    MemoryEstimate withV = MemoryEstimate.of(sizes.withKeptConvV(true));
    return fits(withV, (long) (heapLimit / KEEP_HEADROOM)) ? withV : null;
  }

  /**
   * How much more heap than the estimate with kept factors {@link FactorReuse#AUTO} asks for before
   * keeping them, of the heap a run plans for ({@link org.vivit4j.core.PlanningHeap}, which already
   * leaves the collector its room): the estimate leaves out headers, small buffers and the problem
   * text, and the second pass that the factors save is cheaper than a run that runs out of heap.
   */
  static final double KEEP_HEADROOM = 1.25;

  /**
   * Whether a run with the estimate {@code withKept} (kept factors) keeps them under the heap limit
   * {@code heapLimit}: never without a {@code V·w}, always with {@link FactorReuse#KEEP}, with
   * {@link FactorReuse#AUTO} when the estimate times {@link #KEEP_HEADROOM} fits.
   */
  boolean keepsFactors(MemoryEstimate withKept, long heapLimit) {
    if (!appliesFactor) {
      return false;
    }
    return switch (factorReuse) {
      case KEEP -> true;
      case RERUN -> false;
      case AUTO -> fits(withKept, (long) (heapLimit / KEEP_HEADROOM));
    };
  }

  /** Whether {@code e}, its phases counted {@link #phaseHeadroom} times, fits {@code heapBytes}. */
  boolean fits(MemoryEstimate e, long heapBytes) {
    return e.fits(heapBytes, phaseHeadroom);
  }

  /**
   * The plain (unchunked) sizes of a run; {@code float32} when the backend computes in float32 (a
   * packed Gram is then stored in float32).
   */
  RunSizes runSizes(
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
        needsGammas && !plansGammasFromGram(n),
        appliesFactor,
        !storesEigenvectors,
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
  int factorColumns(NetworkSpec net, LossSpec loss, int n, List<ParamGroup> groups) {
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

  int nGgn(int n) {
    return options.subsamplingGgn() == null ? n : options.subsamplingGgn().length;
  }

  /**
   * The search behind {@link GgnComputation#largestBatch}: doubling, then bisection down to one
   * {@link GgnComputation#largestBatchStep}, each step asking whether {@link #memoryEstimate} sized
   * as in {@code heapBytes} fits it.
   */
  int largestBatch(
      NetworkSpec net,
      LossSpec loss,
      List<ParamGroup> groups,
      boolean factorOnHost,
      boolean float32,
      long heapBytes) {
    java.util.function.IntPredicate fits =
        n -> {
          try {
            return fits(
                memoryEstimate(net, loss, n, groups, factorOnHost, float32, heapBytes, -1),
                heapBytes);
          } catch (InvalidInputException | IllegalArgumentException e) {
            return false; // an array of that run cannot exist, or the options do not allow n
          }
        };
    int lo = 0; // fits (trivially)
    int hi = 16;
    while (hi < GgnComputation.MAX_BATCH && fits.test(hi)) {
      lo = hi;
      hi *= 2;
    }
    if (hi >= GgnComputation.MAX_BATCH && fits.test(GgnComputation.MAX_BATCH)) {
      return GgnComputation.MAX_BATCH;
    }
    // lo fits, hi does not: narrow to one step
    while (hi - lo > GgnComputation.largestBatchStep(lo)) {
      int step = GgnComputation.largestBatchStep(lo);
      int mid = Math.max(lo + step, (lo + (hi - lo) / 2) / step * step);
      if (fits.test(mid)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The rows a subsampling option names, or every sample of a batch of {@code n}. */
  static int[] rowsOrAll(int[] rows, int n) {
    return rows == null ? IntStream.range(0, n).toArray() : rows.clone();
  }
}
