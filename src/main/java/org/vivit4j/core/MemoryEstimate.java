package org.vivit4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.Conv2dSpec;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;

/**
 * The sizes of one run, worked out before anything is allocated: the arrays it needs (each must fit
 * a Java array: {@link #checkArraySizes}) and its peak host heap in bytes ({@link #peakBytes},
 * compared with the JVM's heap limit by {@link #checkFits}). This is the one place that knows what
 * a run holds; it follows {@link FactorEngine}, {@link GramSpace} and the layers:
 *
 * <ul>
 *   <li>batch and forward pass: {@code X}, every layer's output and output gradient {@code δ}
 *       ({@code N·Σ_i size_i} each) and a few copies of θ;
 *   <li>one Gram accumulator per group, {@code G² = (C̃·N_ggn)²}, kept to the end, and the cross
 *       terms {@code N_grad·G} per group for directional derivatives;
 *   <li>during the backward pass: the factor {@code B} at a layer's output and input ({@code G ×
 *       (size_out + size_in)}), the input Grams ({@code N_ggn²}, {@code N_grad·N_ggn}), a row block
 *       of {@code B Bᵀ}, and a Conv2d layer's weight-Gram intermediates as its {@link
 *       ConvGramPolicy} plans them;
 *   <li>during the eigensolve: dense EJML works on {@value #DENSE_TRANSIENT_GRAMS} matrices of
 *       {@code G²} (its symmetrised copy, the tridiagonal form, the accumulated rotations and the
 *       eigenvectors read out) and keeps {@code G²} of eigenvectors per group; Lanczos holds its
 *       basis and {@code A·Q}, {@code 2·m·G} with {@code m} basis vectors, and {@code k·G} vectors;
 *   <li>during the {@code V·w} pass (eigenvectors, directional derivatives, Newton steps): the
 *       Gram-space eigenvectors, K parameter-space vectors per group, the factor again, each
 *       parameter layer's output factor downloaded to the host, and a Conv2d layer's {@code U_w}
 *       blocks sized to the policy's budget.
 * </ul>
 *
 * The peak is the batch, forward pass, Grams and cross terms plus the largest of the backward, the
 * eigensolve and the {@code V·w} phases. Values are counted as 8-byte doubles: both backends hold
 * host arrays in float64 (the CPU backend rounds float32 results but stores doubles). Object
 * headers, small per-layer buffers and the parsed problem (garbage once read; the result is
 * streamed) are left out. {@code MemoryEstimateTest} measures how close this comes. A new large
 * intermediate (a chunked factor, a new layer's workspace) belongs here too, so that the check
 * before a run stays the one place that knows.
 */
public final class MemoryEstimate {
  /** Matrices of {@code G²} doubles the dense eigensolver holds at once, besides the Gram. */
  static final int DENSE_TRANSIENT_GRAMS = 4;

  /** Bytes per value held on the host. */
  static final long VALUE_BYTES = 8;

  /**
   * What a run is asked to do, in the terms that size it.
   *
   * @param net the network
   * @param n batch size N
   * @param nGgn samples defining the GGN ({@code N_ggn})
   * @param nGrad samples with first-order derivatives ({@code N_grad})
   * @param mcSamples 0 (exact GGN) or M (Monte-Carlo)
   * @param ggnSubsampled whether {@code computation.subsampling_ggn} chose the GGN samples
   * @param gradSubsampled whether {@code computation.subsampling_grad} chose the gradient samples
   * @param groupTensors per group, its parameter-tensor indices
   * @param needs per group, the part of the spectrum its criterion needs
   * @param solver the eigensolver asked for
   * @param crossTerms whether the gradient cross terms are formed (directional derivatives)
   * @param appliesFactor whether {@code V·w} maps Gram-space vectors to parameter space (all but
   *     eigenvalues alone)
   * @param convGram the Conv2d Gram policy
   * @param factorOnHost whether the factor and Gram accumulators live in the JVM heap (the CPU
   *     backend) rather than in device memory (OpenCL; its Grams come back to the heap once done)
   */
  public record Run(
      NetworkSpec net,
      int n,
      int nGgn,
      int nGrad,
      int mcSamples,
      boolean ggnSubsampled,
      boolean gradSubsampled,
      List<int[]> groupTensors,
      List<SpectrumNeed> needs,
      EigenSolver solver,
      boolean crossTerms,
      boolean appliesFactor,
      ConvGramPolicy convGram,
      boolean factorOnHost) {

    /** {@code C̃}: factor columns per sample. */
    int factorColumns() {
      return mcSamples == 0 ? net.outputSize() : mcSamples;
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
      return (mcSamples == 0 ? "C·N_ggn = " : "M·N_ggn = ")
          + factorColumns()
          + "·"
          + nGgn
          + " = "
          + ArraySizes.times(factorColumns(), nGgn);
    }
  }

  /** One term of the estimate. */
  public record Part(String what, long bytes) {}

  private final Run run;
  private final List<Part> resident = new ArrayList<>();
  private final List<Part> backward = new ArrayList<>();
  private final List<Part> eigensolve = new ArrayList<>();
  private final List<Part> apply = new ArrayList<>();

  private MemoryEstimate(Run run) {
    this.run = run;
  }

  /**
   * Checks that every array of the run fits a Java array and estimates its peak heap.
   *
   * @throws InvalidInputException naming the field responsible for an array too large
   */
  public static MemoryEstimate of(Run run) {
    checkArraySizes(run);
    MemoryEstimate e = new MemoryEstimate(run);
    e.estimate();
    return e;
  }

  /**
   * Refuses every array of the run whose length does not fit a Java array, naming the field that
   * sets it: the Gram ({@code (C̃·N_ggn)²}), the activations ({@code N × size}), the factor ({@code
   * C̃·N_ggn × size}), the cross terms ({@code N_grad × C̃·N_ggn}) and a Conv2d layer's unfolded
   * input and one-sample {@code V_W}.
   */
  public static void checkArraySizes(Run run) {
    NetworkSpec net = run.net();
    long g = ArraySizes.times(run.factorColumns(), run.nGgn());
    String gramField = run.gramField();
    if (!ArraySizes.fits(ArraySizes.times(g, g))) {
      throw new InvalidInputException(
          gramField,
          run.gramFieldValue()
              + ": the Gram matrix has "
              + run.gramWhat()
              + " rows, "
              + ArraySizes.count(g)
              + "² = "
              + ArraySizes.count(ArraySizes.times(g, g))
              + ArraySizes.tooLarge());
    }
    int depth = net.layers().size();
    int lowest = lowestLayer(run);
    for (int i = 0; i <= depth; i++) {
      long size = net.sizeBefore(i);
      String where = i == 0 ? "X" : "the output of model[" + (i - 1) + "]";
      ArraySizes.checked(
          ArraySizes.times(run.n(), size), "N", "is " + run.n() + ": " + where + " has N·" + size);
      if (i >= lowest) {
        ArraySizes.checked(
            ArraySizes.times(g, size),
            gramField,
            run.gramFieldValue()
                + ": the GGN factor has "
                + run.gramWhat()
                + " rows; at "
                + where
                + " it has "
                + g
                + "·"
                + size);
      }
    }
    if (run.crossTerms()) {
      ArraySizes.checked(
          ArraySizes.times(run.nGrad(), g),
          run.gradField(),
          "gives gradient cross terms of N_grad·" + run.gramWhat() + " = " + run.nGrad() + "·" + g);
    }
    for (int i = Math.max(lowest, 0); i < depth; i++) {
      if (net.layers().get(i) instanceof Conv2dSpec c) {
        ConvGeometry geo = geometry(net, i, c);
        String field = "model[" + i + "]";
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
        if (run.convGram().mode() == ConvGramPolicy.Mode.STRUCTURED && holdsWeight(run, i)) {
          long nt = ArraySizes.times(run.nGgn(), geo.positions());
          ArraySizes.checked(
              ArraySizes.times(nt, nt),
              "--conv-gram",
              "structured needs the patch products Q of model["
                  + i
                  + "], (N_ggn·T)² = "
                  + nt
                  + "²");
        }
      }
    }
  }

  /**
   * Refuses a Conv2d Gram budget given as a hard limit ({@link ConvGramPolicy#hardLimit}) that is
   * below what one-sample blocks need, naming {@code --conv-gram-memory} and the smallest value.
   */
  public void checkConvBudget() {
    ConvGramPolicy policy = run.convGram();
    if (!policy.hardLimit()) {
      return;
    }
    long smallest = 0;
    int layer = -1;
    NetworkSpec net = run.net();
    for (int i = Math.max(lowestLayer(run), 0); i < net.layers().size(); i++) {
      if (net.layers().get(i) instanceof Conv2dSpec c && holdsWeight(run, i)) {
        long need =
            policy.smallestBudget(
                geometry(net, i, c),
                c.outChannels(),
                run.nGgn(),
                run.factorColumns(),
                run.crossTerms() ? run.nGrad() : 0);
        if (run.appliesFactor()) {
          // V·w forms U_w for at least one sample: T·(K·O + C·k_h·k_w) entries
          ConvGeometry geo = geometry(net, i, c);
          long k = 1;
          for (SpectrumNeed n : run.needs()) {
            k = Math.max(k, directions(n));
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
              + " Conv2d contractions of model["
              + layer
              + "] (weight Gram, cross terms, V·w) need at least "
              + smallest
              + " at once in one-sample blocks; use --conv-gram-memory "
              + smallest
              + " or more");
    }
  }

  private void estimate() {
    NetworkSpec net = run.net();
    int depth = net.layers().size();
    long n = run.n();
    long g = (long) run.factorColumns() * run.nGgn();
    int groups = run.groupTensors().size();
    long activations = 0;
    for (int i = 0; i <= depth; i++) {
      activations += n * net.sizeBefore(i);
    }
    long deltas = activations - n * net.sizeBefore(0);
    resident.add(new Part("batch and activations", values(activations)));
    resident.add(new Part("output gradients", values(deltas)));
    resident.add(new Part("parameters and gradient", values(4L * net.numParams())));
    resident.add(
        new Part(
            groups == 1 ? "the Gram matrix" : groups + " Gram matrices", values(groups * g * g)));
    if (run.crossTerms()) {
      resident.add(new Part("cross terms", values(groups * run.nGrad() * g)));
    }

    int lowest = Math.max(lowestLayer(run), 0);
    // per layer on the way back: the factor at its output, then either its weight-Gram
    // intermediates or the factor at its input (formed after the layer's Gram); the worst layer
    long worst = -1;
    int worstLayer = lowest;
    for (int i = lowest; i < depth; i++) {
      long conv = convGramEntries(i);
      long host = run.factorOnHost() ? g * net.sizeBefore(i + 1) : 0;
      long in = run.factorOnHost() ? g * net.sizeBefore(i) : 0;
      long layer = host + Math.max(in, conv);
      if (layer > worst) {
        worst = layer;
        worstLayer = i;
      }
    }
    long out = run.factorOnHost() ? g * net.sizeBefore(worstLayer + 1) : 0;
    backward.add(new Part("GGN factor at the output of model[" + worstLayer + "]", values(out)));
    backward.add(
        new Part(
            "its input factor or Conv2d weight-Gram blocks (model[" + worstLayer + "])",
            values(worst - out)));
    if (run.factorOnHost()) {
      long inputGrams = (long) run.nGgn() * run.nGgn() + (long) run.nGrad() * run.nGgn();
      backward.add(new Part("input Grams and a row block of B·Bᵀ", values(inputGrams + 256 * g)));
    }

    long retained = 0;
    long transient_ = 0;
    for (SpectrumNeed need : run.needs()) {
      if (denseSolve(need, g)) {
        retained += g * g;
        transient_ = Math.max(transient_, DENSE_TRANSIENT_GRAMS * g * g);
      } else {
        long k = directions(need);
        long basis = Math.min(g, Math.max(2 * k + 4 * Math.min(Math.max(k, 8), 64), 96));
        retained += k * g;
        transient_ = Math.max(transient_, 2 * basis * g + basis * basis);
      }
    }
    eigensolve.add(new Part("eigenvectors kept", values(retained)));
    eigensolve.add(new Part("eigensolver workspace", values(transient_)));
    if (run.appliesFactor()) {
      estimateApply(retained, lowest);
    }
  }

  /**
   * The {@code V·w} pass ({@link FactorEngine#applyFactor}): the Gram-space eigenvectors stay, each
   * group's K parameter-space vectors are filled from each layer's product (held twice: the product
   * and its split into K vectors), the factor is backpropagated again and each parameter layer
   * downloads its output factor to the host; a Conv2d layer forms {@code U_w [K·O × b·T]} (and the
   * backend's copy of it) for blocks of b samples sized to the policy's budget.
   */
  private void estimateApply(long retained, int lowest) {
    NetworkSpec net = run.net();
    long g = (long) run.factorColumns() * run.nGgn();
    long outputs = 0;
    long kMax = 1;
    for (int j = 0; j < run.groupTensors().size(); j++) {
      long k = directions(run.needs().get(j));
      kMax = Math.max(kMax, k);
      long dim = 0;
      for (int t : run.groupTensors().get(j)) {
        dim += net.params().get(t).numel();
      }
      outputs += k * dim;
    }
    apply.add(new Part("eigenvectors kept", values(retained)));
    apply.add(new Part("parameter-space directions", values(outputs)));
    // per layer: the factor at its output (and its host copy where it holds a tensor), then either
    // the layer's directions (one product and its K copies), its V·w blocks, or the factor at its
    // input; the worst layer
    long worst = -1;
    int worstLayer = lowest;
    long worstHost = 0;
    for (int i = lowest; i < net.layers().size(); i++) {
      long out = g * net.sizeBefore(i + 1);
      long host = run.factorOnHost() ? out : 0;
      long in = run.factorOnHost() ? g * net.sizeBefore(i) : 0;
      long directions = 0;
      long conv = 0;
      long download = 0;
      if (holdsAny(run, i)) {
        download = out;
        for (var p : net.params()) {
          if (p.layer() == i) {
            directions = Math.max(directions, 2 * kMax * p.numel());
          }
        }
        if (net.layers().get(i) instanceof Conv2dSpec c && holdsWeight(run, i)) {
          conv = convApplyEntries(geometry(net, i, c), c.outChannels(), kMax);
        }
      }
      long layer = host + Math.max(in, download + directions + conv);
      if (layer > worst) {
        worst = layer;
        worstLayer = i;
        worstHost = host;
      }
    }
    apply.add(new Part("GGN factor at the output of model[" + worstLayer + "]", values(worstHost)));
    apply.add(
        new Part(
            "its V·w work (factor copy, directions, Conv2d blocks) or input factor (model["
                + worstLayer
                + "])",
            values(worst - worstHost)));
  }

  /** {@code U_w [K·O × b·T]} (and the backend's copy) with the unfolded inputs of b samples. */
  private long convApplyEntries(ConvGeometry geo, int outChannels, long k) {
    long t = geo.positions();
    long perSample = t * (k * outChannels + geo.patchSize());
    long block = Math.max(1, Math.min(run.nGgn(), run.convGram().memoryElements() / perSample));
    return block * t * (2 * k * outChannels + geo.patchSize());
  }

  /** Entries layer {@code i}'s weight-Gram (and cross-term) contraction holds; 0 if none. */
  private long convGramEntries(int i) {
    if (!(run.net().layers().get(i) instanceof Conv2dSpec c) || !holdsWeight(run, i)) {
      return 0;
    }
    ConvGeometry geo = geometry(run.net(), i, c);
    ConvGramPolicy policy = run.convGram();
    int rows = run.factorColumns();
    long held = policy.gramEntriesHeld(geo, c.outChannels(), run.nGgn(), rows);
    if (run.crossTerms()) {
      held =
          Math.max(
              held, policy.crossEntriesHeld(geo, c.outChannels(), run.nGrad(), run.nGgn(), rows));
    }
    return held;
  }

  /** Directions a criterion selects, as far as known before the spectrum: k, or a guess of 16. */
  private static long directions(SpectrumNeed need) {
    return need.kind() == SpectrumNeed.Kind.TOP ? need.count() : GramSpace.THRESHOLD_FIRST_COUNT;
  }

  /** Whether some group holds a tensor of layer {@code i}. */
  private static boolean holdsAny(Run run, int i) {
    for (int[] tensors : run.groupTensors()) {
      for (int t : tensors) {
        if (run.net().params().get(t).layer() == i) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean denseSolve(SpectrumNeed need, long g) {
    if (g > Integer.MAX_VALUE) {
      return true;
    }
    return GramSpace.choose(run.solver(), need, (int) g) == EigenSolver.DENSE;
  }

  private static long values(long count) {
    return ArraySizes.times(count, VALUE_BYTES);
  }

  private static long sum(List<Part> parts) {
    long s = 0;
    for (Part p : parts) {
      s += p.bytes();
    }
    return s;
  }

  /** The estimated peak heap of the run in bytes. */
  public long peakBytes() {
    return sum(resident) + Math.max(Math.max(sum(backward), sum(eigensolve)), sum(apply));
  }

  /** Every term, resident ones first. */
  public List<Part> parts() {
    List<Part> all = new ArrayList<>(resident);
    all.addAll(backward);
    all.addAll(eigensolve);
    all.addAll(apply);
    return all;
  }

  /**
   * The system property that turns the heap check off when set to {@code off} ({@code
   * -Dvivit4j.memoryCheck=off}, e.g. through {@code JDK_JAVA_OPTIONS}): for a run the estimate is
   * known to overrate, and for the test that checks the estimate against a heap that is too small.
   */
  public static final String CHECK_PROPERTY = "vivit4j.memoryCheck";

  /**
   * {@link #checkFits} against this JVM's heap limit ({@code Runtime.maxMemory()}), unless {@link
   * #CHECK_PROPERTY} is {@code off}.
   */
  public void checkFitsHeap() {
    if (!"off".equals(System.getProperty(CHECK_PROPERTY))) {
      checkFits(Runtime.getRuntime().maxMemory());
    }
  }

  /**
   * Refuses the run when its estimated peak exceeds {@code heapLimitBytes} (the JVM's {@code
   * Runtime.maxMemory()}), with one line naming the estimate, the limit and the {@code -Xmx} to
   * use.
   */
  public void checkFits(long heapLimitBytes) {
    long need = peakBytes();
    if (need <= heapLimitBytes) {
      return;
    }
    // headroom for what the estimate leaves out (the parsed file, the result, the collector's
    // slack)
    long xmxGib = (long) Math.ceil(need * 1.25 / GIB) + 1;
    throw new InvalidInputException(
        "memory",
        String.format(
            Locale.ROOT,
            "this run needs about %s but the heap limit is %s (the largest term: %s); run with"
                + " -Xmx%dg (tornado-run: JDK_JAVA_OPTIONS=-Xmx%dg tornado-env/tornado-run ...)",
            gib(need),
            gib(heapLimitBytes),
            largest(),
            xmxGib,
            xmxGib));
  }

  private String largest() {
    Part best = parts().get(0);
    for (Part p : parts()) {
      if (p.bytes() > best.bytes()) {
        best = p;
      }
    }
    return best.what() + ", " + gib(best.bytes());
  }

  private static final double GIB = 1024.0 * 1024 * 1024;

  /** Bytes in GiB with one decimal (MiB below 1 GiB). */
  public static String gib(long bytes) {
    if (bytes < GIB) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
  }

  private static ConvGeometry geometry(NetworkSpec net, int i, Conv2dSpec c) {
    return ConvGeometry.of(
        net.shapeBefore(i), c.kernelSize(), c.stride(), c.padding(), c.dilation());
  }

  /** Whether some group holds layer {@code i}'s weight (tensor 0 of the layer). */
  private static boolean holdsWeight(Run run, int i) {
    for (int[] tensors : run.groupTensors()) {
      for (int t : tensors) {
        var p = run.net().params().get(t);
        if (p.layer() == i && "weight".equals(p.name())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Lowest layer holding a tensor of a group: the backward pass stops there. */
  private static int lowestLayer(Run run) {
    NetworkSpec net = run.net();
    int lowest = net.layers().size() - 1;
    for (int[] tensors : run.groupTensors()) {
      for (int t : tensors) {
        if (t >= 0 && t < net.params().size()) {
          lowest = Math.min(lowest, net.params().get(t).layer());
        }
      }
    }
    return lowest;
  }
}
