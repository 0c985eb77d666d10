package org.vivit4j.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.ConvLowering;
import org.vivit4j.layers.Conv2dLayer.Conv2dSpec;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.ConvTranspose2dLayer.ConvTranspose2dSpec;
import org.vivit4j.layers.LinearLayer;
import org.vivit4j.linalg.EigenSolver;
import org.vivit4j.model.ArraySizes;
import org.vivit4j.model.InvalidInputException;
import org.vivit4j.model.NetworkSpec;

/**
 * The sizes of one run, worked out before anything is allocated: the arrays it needs (each must fit
 * a Java array: {@code SizeLimits}) and its peak host heap in bytes ({@link #peakBytes}, compared
 * with the JVM's heap limit by {@link #checkFits}). This is the one place that knows what a run
 * holds; it follows {@link FactorEngine}, {@link GramSpace} and the layers:
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
 *       blocks sized to the policy's budget;
 *   <li>with kept factors ({@link KeptFactors}): each parameter layer's output factor on the host
 *       ({@code G·size_out}), from the Gram pass to the end, and no second backward pass; a Conv2d
 *       whose kept {@code V_W} and bias factor {@code V_b} serve its products keeps those instead;
 *   <li>with a sample-chunked factor pass ({@link FactorChunks}): the factor terms of the backward
 *       pass for the {@code 2b} samples of a chunk pair, with that pair's Gram and cross terms, and
 *       those of {@code V·w} for the {@code b} samples of a chunk (its products added in place);
 *       when the passes recompute their forward ({@link RunSizes#recomputesForward}), the
 *       activations and output gradients of the {@code 2b} samples of a pass instead of the whole
 *       batch's, besides the batch's inputs.
 * </ul>
 *
 * A packed Gram ({@link GramLayout}) counts its triangle, in float32 for a float32 run, the
 * chunk-pair Gram it is assembled from, and a dense copy for the dense eigensolver. The peak is the
 * batch, forward pass, Grams and cross terms plus the largest of the backward, the eigensolve and
 * the {@code V·w} phases. Each term counts the bytes its arrays take: the backend's matrices (the
 * factors, the input Grams and {@code B·Bᵀ} row blocks, a Conv2d layer's Gram intermediates, the
 * uploaded {@code U_w} blocks and unfolded inputs) at {@link #backendValueBytes} (4 in a float32
 * run on the CPU backend, which stores {@code float[]}, else 8; on OpenCL the factor terms live in
 * device memory and count 0, while the {@code U_w} copy and unfolded inputs are still counted, an
 * overstatement kept from before); the host's {@code double[]} arrays at 8: the batch, activations
 * and output gradients, parameters and gradient, Grams and cross terms once taken from the backend
 * (a dense Gram and a chunk pair's are widened to float64), downloaded factors (kept or for {@code
 * V·w}), the parameter-space directions and {@code U_w} as it is formed, and the eigensolver's
 * arrays; a packed float32 Gram at 4 ({@link GramLayout#bytes}). Object headers, small per-layer
 * buffers and the parsed problem (garbage once read; the result is streamed) are left out. {@code
 * MemoryEstimateTest} measures how close this comes. A run whose factor lives in device memory
 * (OpenCL) has a second estimate, of that memory ({@link #deviceBytes}, {@code
 * DeviceMemoryPlanTest}). A new large intermediate (a chunked factor, a new layer's workspace)
 * belongs here too, so that the check before a run stays the one place that knows.
 */
public final class MemoryEstimate {
  /** Matrices of {@code G²} doubles the dense eigensolver holds at once, besides the Gram. */
  static final int DENSE_TRANSIENT_GRAMS = 4;

  /** Bytes per value of a host {@code double[]} (and of a float64 backend matrix). */
  static final long VALUE_BYTES = 8;

  /** Bytes per value of a CPU backend matrix in a float32 run ({@code float[]}). */
  static final long FLOAT32_BYTES = 4;

  /** One term of the estimate. */
  public record Part(String what, long bytes) {}

  private final RunSizes run;
  private final List<Part> resident = new ArrayList<>();
  private final List<Part> backward = new ArrayList<>();
  private final List<Part> eigensolve = new ArrayList<>();
  private final List<Part> apply = new ArrayList<>();
  private final List<Part> deviceResident = new ArrayList<>();
  private final List<Part> deviceBackward = new ArrayList<>();
  private final List<Part> deviceApply = new ArrayList<>();

  private MemoryEstimate(RunSizes run) {
    this.run = run;
  }

  /**
   * Checks that every array of the run fits a Java array and estimates its peak heap.
   *
   * @throws InvalidInputException naming the field responsible for an array too large
   */
  public static MemoryEstimate of(RunSizes run) {
    SizeLimits.checkArraySizes(run);
    return unchecked(run);
  }

  /** The estimate without the array checks (sizing the factor chunks: {@link ChunkChoice}). */
  static MemoryEstimate unchecked(RunSizes run) {
    MemoryEstimate e = new MemoryEstimate(run);
    e.estimate();
    return e;
  }

  /** GGN samples per chunk of the factor pass this estimate describes; 0 for the plain pass. */
  public int chunkSamples() {
    return run.chunked() ? run.chunkSamples() : 0;
  }

  /** The GGN samples of the run: the Gram's samples. */
  public int ggnSamples() {
    return run.nGgn();
  }

  /** Factor columns a GGN sample ({@code C̃}: rank-reduced, whole or Monte-Carlo). */
  public int factorColumns() {
    return run.factorColumns();
  }

  /** Rows (and columns) of each group's Gram: {@code C̃·N_ggn}. */
  public long gramRows() {
    return (long) run.factorColumns() * run.nGgn();
  }

  /** How each group's Gram is stored, e.g. {@code packed lower triangle, float32, 10.77 GiB}. */
  public String describeGramStorage() {
    GramLayout layout = run.gramLayout();
    return (layout.packed()
            ? "packed lower triangle, " + (layout.single() ? "float32" : "float64")
            : "dense float64")
        + ", "
        + gib(layout.bytes(gramRows()));
  }

  /** What stays from the forward pass to the end: batch, activations, Grams, cross terms. */
  public long residentBytes() {
    return sum(resident);
  }

  /**
   * The phases whose size follows the factor of one pass ({@link FactorChunks}): the larger of the
   * backward (Gram) pass and the {@code V·w} pass.
   */
  public long factorPassBytes() {
    return Math.max(sum(backward), sum(apply));
  }

  private void estimate() {
    NetworkSpec net = run.net();
    int depth = net.layers().size();
    long n = run.n();
    long g = (long) run.factorColumns() * run.nGgn();
    int groups = run.groupTensors().size();
    // every value (the input, each node's output), and each join's inputs side by side, of the
    // samples whose forward is alive: the whole batch, or a chunk pair's when each pass recomputes
    // it (then besides the batch's inputs, which stay)
    long nf = run.forwardSamples();
    long activations = nf * net.inputSize();
    for (int i = 0; i < depth; i++) {
      activations += nf * net.sizeAfter(i) + (net.readsOneValue(i) ? 0 : nf * net.sizeBefore(i));
    }
    long deltas = activations - nf * net.inputSize();
    long batchInputs = run.recomputesForward() ? n * net.inputSize() : 0;
    resident.add(
        new Part(
            run.recomputesForward()
                ? "batch, and activations of a chunk pair"
                : "batch and activations",
            values(activations + batchInputs)));
    resident.add(new Part("output gradients", values(deltas)));
    resident.add(new Part("parameters and gradient", values(4L * net.numParams())));
    GramLayout layout = run.gramLayout();
    resident.add(
        new Part(
            (groups == 1 ? "the Gram matrix" : groups + " Gram matrices")
                + (layout.packed() ? (layout.single() ? " (packed, float32)" : " (packed)") : ""),
            ArraySizes.times(groups, layout.bytes(g))));
    if (run.crossTerms()) {
      resident.add(new Part("cross terms", values(groups * run.nGrad() * g)));
    }
    if (run.keptFactors()) {
      resident.add(new Part("kept factors for V·w", values(keptFactorValues())));
      long keptV = keptConvVEntries();
      if (keptV > 0) {
        resident.add(new Part("kept Conv2d V_W for V·w", matrices(keptV)));
      }
    }

    int lowest = Math.max(run.lowestLayer(), 0);
    // the factor of one pass: all GGN samples, or a chunk pair (FactorChunks)
    long gp = (long) run.factorColumns() * run.passSamples();
    long[] waiting = waitingFactorSizes(net);
    // per layer on the way back: the factor at its output, then either its weight-Gram
    // intermediates (a Conv2d's contraction, a ConvTranspose weight's unfolded factor and V_W) or
    // the factor at its input (formed after the layer's Gram); the worst layer
    long worst = -1;
    int worstLayer = lowest;
    for (int i = lowest; i < depth; i++) {
      long conv = convGramEntries(i);
      long host = run.factorOnHost() ? gp * (net.sizeAfter(i) + waiting[i]) : 0;
      long in = run.factorOnHost() ? gp * net.sizeBefore(i) : 0;
      long transposed = run.factorOnHost() ? convTransposeWeight(i, gp) : 0;
      long layer = host + Math.max(Math.max(in, transposed), conv);
      if (layer > worst) {
        worst = layer;
        worstLayer = i;
      }
    }
    long out = run.factorOnHost() ? gp * net.sizeAfter(worstLayer) : 0;
    String at = net.where(worstLayer);
    backward.add(new Part("GGN factor at the output of " + at, matrices(out)));
    if (run.factorOnHost() && waiting[worstLayer] > 0) {
      backward.add(
          new Part("factors of branches waiting to be joined", matrices(gp * waiting[worstLayer])));
      out += gp * waiting[worstLayer];
    }
    backward.add(
        new Part("its input factor or weight-Gram work (" + at + ")", matrices(worst - out)));
    if (run.factorOnHost()) {
      long p = run.passSamples();
      long inputGrams = p * p + (long) run.nGrad() * p;
      backward.add(
          new Part("input Grams and a row block of B·Bᵀ", matrices(inputGrams + 256 * gp)));
    }
    // taken from the backend as double[] (FactorEngine#grams) and added into the run's Gram
    if (run.chunked() || layout.packed()) {
      long pairCross = run.crossTerms() ? run.nGrad() * gp : 0;
      backward.add(
          new Part(
              "Gram and cross terms of one chunk pair", values(groups * (gp * gp + pairCross))));
    }

    long retained = 0;
    long transient_ = 0;
    for (SpectrumNeed need : run.needs()) {
      if (denseSolve(need, g)) {
        retained += g * g;
        // a packed Gram is copied to one dense array for EJML
        int copies = DENSE_TRANSIENT_GRAMS + (layout.packed() ? 1 : 0);
        transient_ = Math.max(transient_, copies * g * g);
      } else {
        long k = RunSizes.directions(need);
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
    if (!run.factorOnHost()) {
      estimateDevice(lowest, groups);
    }
  }

  /**
   * The device's share of a run whose factor lives in device memory (OpenCL; {@link #deviceBytes}),
   * in float32: each group's Gram and cross-term accumulators of a pass ({@link
   * FactorEngine#grams}), the parameters and the kept Conv2d {@code V_W}, throughout; in the
   * backward pass, per layer, the factor at its output (and waiting branches) and the layer's
   * uploaded values, then the largest of its input factor, its Conv2d weight-Gram intermediates or
   * a Linear layer's {@code B·Bᵀ} with its input Grams; in the {@code V·w} pass the uploaded
   * Gram-space eigenvectors, the factor at a layer's output, then its input factor, its Conv2d
   * blocks or its K products. The worst layer of each pass counts.
   */
  private void estimateDevice(int lowest, int groups) {
    NetworkSpec net = run.net();
    long[] waiting = waitingFactorSizes(net);
    long p = run.passSamples();
    long gp = (long) run.factorColumns() * p;
    long pairCross = run.crossTerms() ? run.nGrad() * gp : 0;
    deviceResident.add(
        new Part(
            "Gram and cross-term accumulators of a pass", device(groups * (gp * gp + pairCross))));
    // the layers upload their weights once and keep them (LinearLayer, Conv2dLayer)
    deviceResident.add(new Part("parameters", device(net.numParams())));
    if (run.keptFactors() && run.keptConvV()) {
      deviceResident.add(new Part("kept Conv2d V_W for V·w", device(convVEntries())));
    }
    long worst = 0;
    int worstLayer = lowest;
    for (int i = lowest; i < net.layers().size(); i++) {
      long out = gp * (net.sizeAfter(i) + waiting[i]) + p * (net.sizeBefore(i) + net.sizeAfter(i));
      long linear =
          run.linear(i) != null && run.holdsAny(i) ? gp * gp + p * p + run.nGrad() * p : 0;
      Conv2dSpec c = run.conv2d(i);
      // the input factor, through a Conv2d with its lowered transposed convolution's chunks
      long in =
          gp * net.sizeBefore(i)
              + (c == null
                  ? 0
                  : ConvLowering.transposeWorkspace(
                      run.geometry(i, c), c.outChannels(), gp, ConvLowering.DEVICE_CHUNK_ENTRIES));
      long layer =
          out
              + Math.max(
                  Math.max(in, convGramEntries(i)), Math.max(linear, convTransposeWeight(i, gp)));
      if (layer > worst) {
        worst = layer;
        worstLayer = i;
      }
    }
    deviceBackward.add(
        new Part(
            "factor pass at " + net.where(worstLayer) + " (factors, uploads, Gram work)",
            device(worst)));
    if (!run.appliesFactor()) {
      return;
    }
    long ga = (long) run.factorColumns() * run.applySamples();
    long directions = 0;
    long vectors = 0;
    for (SpectrumNeed need : run.needs()) {
      long k = RunSizes.directions(need);
      directions = Math.max(directions, k);
      vectors += k * (long) run.factorColumns() * run.nGgn();
    }
    long worstApply = 0;
    for (int i = lowest; i < net.layers().size(); i++) {
      boolean pass = !run.keptFactors();
      long out = pass ? ga * (net.sizeAfter(i) + waiting[i]) : 0;
      long in = pass ? ga * net.sizeBefore(i) : 0;
      long work = 0;
      // a Linear layer forms its products on the host from the downloaded factor
      for (var param : net.params()) {
        if (param.layer() == i && run.holdsAny(i) && run.linear(i) == null) {
          work = Math.max(work, directions * param.numel());
        }
      }
      Conv2dSpec conv = run.conv2d(i);
      if (conv != null && run.holdsWeight(i)) {
        work =
            Math.max(
                work, convApplyEntries(run.geometry(i, conv), conv.outChannels(), directions)[1]);
      }
      worstApply = Math.max(worstApply, out + Math.max(in, work));
    }
    deviceApply.add(new Part("Gram-space eigenvectors uploaded", device(vectors)));
    deviceApply.add(new Part("V·w pass (factors, Conv2d blocks, products)", device(worstApply)));
  }

  /**
   * How many times its device estimate ({@link #deviceBytes}) a run plans to hold on the device.
   * Measured on PoCL ({@code DeviceMemoryPlanTest}), the peak of device buffers in use was 0.8–1.0×
   * the estimate on fmnist_2c2d, cifar10_3c3d and cifar100_allcnnc (chunked and not), and
   * 0.34–1.22× on the golden cases (every layer type, a few KiB each, where small buffers weigh
   * most). The backend still refuses a buffer past its limit (exit 2) should a run need more.
   */
  public static final double DEVICE_HEADROOM = 1.5;

  /**
   * Entries a ConvTranspose layer {@code i} holding its weight forms for the weight's factor {@code
   * V_W} of {@code gp} factor rows (the generic {@code paramJacT}): its input rows uploaded ({@code
   * gp × C_in·H·W}), the factor unfolded over the input grid ({@code gp·H·W × C_out·kh·kw}) and
   * {@code V_W} ({@code gp × C_in·C_out·kh·kw}); 0 for any other layer.
   */
  private long convTransposeWeight(int i, long gp) {
    ConvTranspose2dSpec ct = run.convTranspose2d(i);
    if (ct == null || !run.holdsWeight(i)) {
      return 0;
    }
    long before = run.net().sizeBefore(i);
    long t = before / ct.inChannels();
    long k = (long) ct.outChannels() * ct.kernelSize()[0] * ct.kernelSize()[1];
    return gp * (before + t * k + ct.inChannels() * k);
  }

  /** Bytes of {@code count} float32 values in device memory. */
  private static long device(long count) {
    return ArraySizes.times(count, FLOAT32_BYTES);
  }

  /**
   * The device memory a run whose factor lives there (OpenCL) needs at its peak: the accumulators
   * and kept matrices held throughout plus the larger of its backward and {@code V·w} passes; 0
   * when the factor lives in the heap. Like the heap estimate it leaves out small buffers; the
   * backend's pool of freed buffers is released before a new one would pass its limit.
   */
  public long deviceBytes() {
    return ArraySizes.plus(sum(deviceResident), Math.max(sum(deviceBackward), sum(deviceApply)));
  }

  /** The terms of {@link #deviceBytes}: those held throughout, then both passes'. */
  public List<Part> deviceParts() {
    List<Part> all = new ArrayList<>(deviceResident);
    all.addAll(deviceBackward);
    all.addAll(deviceApply);
    return all;
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
    long[] waiting = waitingFactorSizes(net);
    // the factor of one V·w pass: all GGN samples, or a chunk
    long g = (long) run.factorColumns() * run.applySamples();
    long outputs = 0;
    long kMax = 1;
    for (int j = 0; j < run.groupTensors().size(); j++) {
      long k = RunSizes.directions(run.needs().get(j));
      kMax = Math.max(kMax, k);
      long dim = 0;
      for (int t : run.groupTensors().get(j)) {
        dim += net.params().get(t).numel();
      }
      outputs += k * dim;
    }
    apply.add(new Part("eigenvectors kept", values(retained)));
    boolean signs = run.readsSignsOnly();
    // chunked: each chunk's products are added into the first chunk's in place; signs only: none
    apply.add(new Part("parameter-space directions", values(signs ? 0 : outputs)));
    // per layer: the factor at its output (and its host copy where it holds a tensor), then either
    // the layer's directions (one product and its K copies), its V·w blocks, or the factor at its
    // input; the worst layer, in bytes (the factors are backend matrices, the rest double[])
    long worst = -1;
    int worstLayer = lowest;
    long worstHost = 0;
    for (int i = lowest; i < net.layers().size(); i++) {
      // kept factors: no factor is backpropagated and the host copies are already counted
      boolean pass = !run.keptFactors();
      long out = g * net.sizeAfter(i);
      long host = run.factorOnHost() && pass ? out + g * waiting[i] : 0;
      long in = run.factorOnHost() && pass ? g * net.sizeBefore(i) : 0;
      long directions = 0;
      long convHost = 0;
      long convBackend = 0;
      long download = 0;
      if (run.holdsAny(i)) {
        download = pass ? out : 0;
        var linear = run.linear(i);
        for (var p : net.params()) {
          if (p.layer() == i) {
            // signs only: one tensor's K vectors at a time (a Linear weight's in tiles); else the
            // product and its K copies
            long held =
                !signs
                    ? 2 * kMax * p.numel()
                    : linear != null && "weight".equals(p.name())
                        ? LinearLayer.signEntries(
                            g / run.factorColumns(), linear.in(), linear.out(), kMax)
                        : kMax * p.numel();
            directions = Math.max(directions, held);
          }
        }
        Conv2dSpec c = run.conv2d(i);
        if (c != null && run.holdsWeight(i)) {
          long[] conv = convApplyEntries(run.geometry(i, c), c.outChannels(), kMax);
          convHost = conv[0];
          convBackend = conv[1];
        }
      }
      long hostBytes = matrices(host);
      long work = values(download + directions + convHost) + matrices(convBackend);
      long layer = hostBytes + Math.max(matrices(in), work);
      if (layer > worst) {
        worst = layer;
        worstLayer = i;
        worstHost = hostBytes;
      }
    }
    apply.add(
        new Part(
            "GGN factor at the output of " + net.where(worstLayer) + " (and waiting branches)",
            worstHost));
    apply.add(
        new Part(
            "its V·w work (factor copy, directions, Conv2d blocks) or input factor ("
                + net.where(worstLayer)
                + ")",
            worst - worstHost));
  }

  /**
   * Per node {@code i}, the per-sample sizes of the factors held for other values while node {@code
   * i} is processed: values made before node {@code i} and read by a node after it (the branches of
   * a graph that bypass node {@code i}); all 0 for a chain.
   */
  static long[] waitingFactorSizes(NetworkSpec net) {
    int depth = net.layers().size();
    int[] lastReader = new int[depth + 1];
    java.util.Arrays.fill(lastReader, -1);
    for (int i = 0; i < depth; i++) {
      for (int v : net.inputsOf(i)) {
        lastReader[v] = Math.max(lastReader[v], i);
      }
    }
    long[] waiting = new long[depth];
    for (int v = 1; v <= depth; v++) {
      // value v (node v − 1's output) waits while the nodes v .. lastReader[v] − 1 are processed
      for (int i = v; i < lastReader[v]; i++) {
        waiting[i] += net.valueSize(v);
      }
    }
    return waiting;
  }

  /**
   * Values of the kept host factors: {@code G·size_out} for every layer holding a group tensor, but
   * a Conv2d that {@link #servedByKeptMatrices}.
   */
  private long keptFactorValues() {
    long g = (long) run.factorColumns() * run.nGgn();
    long sum = 0;
    for (int i = Math.max(run.lowestLayer(), 0); i < run.net().layers().size(); i++) {
      if (run.holdsAny(i) && !servedByKeptMatrices(i)) {
        sum += g * run.net().sizeAfter(i);
      }
    }
    return sum;
  }

  /**
   * Whether layer {@code i} is a Conv2d whose kept matrices serve every product of its held tensors
   * (its weight's {@code V_W} formed whole, when a group holds the weight; the bias factor {@code
   * V_b}, formed by the bias Gram), so that the engine keeps no host factor of it ({@link
   * org.vivit4j.layers.Layer#appliesFromKept}).
   */
  private boolean servedByKeptMatrices(int i) {
    return run.conv2d(i) != null
        && run.keptConvV()
        && (!run.holdsWeight(i) || run.formsWholeConvV(i));
  }

  /**
   * Entries of the Conv2d matrices kept for {@code V·w} ({@link RunSizes#keptConvV}): {@code |S|C̃
   * × O·C·kh·kw} of {@code V_W} for each layer that forms it whole, {@code |S|C̃ × O} of {@code
   * V_b} for each whose bias a group holds; backend matrices, so in the heap only when the factor
   * is ({@link RunSizes#factorOnHost}).
   */
  private long keptConvVEntries() {
    if (!run.keptFactors() || !run.keptConvV() || !run.factorOnHost()) {
      return 0;
    }
    return convVEntries();
  }

  /**
   * Entries of {@code V_W} for each Conv2d layer that forms it whole and of {@code V_b} for each
   * whose bias a group holds ({@link #keptConvVEntries}, wherever they are kept).
   */
  private long convVEntries() {
    long rows = (long) run.factorColumns() * run.nGgn();
    long sum = 0;
    for (int i = Math.max(run.lowestLayer(), 0); i < run.net().layers().size(); i++) {
      Conv2dSpec c = run.conv2d(i);
      if (c == null) {
        continue;
      }
      if (run.formsWholeConvV(i)) {
        sum += rows * c.outChannels() * run.geometry(i, c).patchSize();
      }
      if (run.holdsBias(i)) {
        sum += rows * c.outChannels();
      }
    }
    return sum;
  }

  /**
   * The heap bytes of the kept Conv2d {@code V_W} and {@code V_b} ({@link RunSizes#keptConvV}; 0
   * when the run keeps none, or keeps them in device memory).
   */
  public long keptConvVBytes() {
    return matrices(keptConvVEntries());
  }

  /** The bytes of the kept factors and kept {@code V_W} (0 when the run does not keep them). */
  public long keptFactorBytes() {
    return run.keptFactors() ? values(keptFactorValues()) + matrices(keptConvVEntries()) : 0;
  }

  /** Whether {@link #peakBytes} fits {@code heapLimitBytes}. */
  public boolean fits(long heapLimitBytes) {
    return fits(heapLimitBytes, 1.0);
  }

  /** Whether {@link #neededBytes} with {@code phaseHeadroom} fits {@code heapBytes}. */
  public boolean fits(long heapBytes, double phaseHeadroom) {
    return neededBytes(phaseHeadroom) <= heapBytes;
  }

  /** Whether the run fits the heap {@code heap} lets it plan for, as its collector counts it. */
  public boolean fits(PlanningHeap heap) {
    return fits(heap.usableBytes(), heap.phaseHeadroom());
  }

  /**
   * The entries of a Conv2d {@code V·w} block of b samples: {@code U_w [K·O × b·T]} formed on the
   * host (a {@code double[]}), and on the backend its copy with the unfolded inputs {@code [b·T ×
   * patch]}; as {@code {host, backend}}.
   */
  private long[] convApplyEntries(ConvGeometry geo, int outChannels, long k) {
    long t = geo.positions();
    long perSample = t * (k * outChannels + geo.patchSize());
    long block =
        Math.max(1, Math.min(run.applySamples(), run.convGram().memoryElements() / perSample));
    return new long[] {
      block * t * k * outChannels, block * t * (k * outChannels + geo.patchSize())
    };
  }

  /** Entries layer {@code i}'s weight-Gram (and cross-term) contraction holds; 0 if none. */
  private long convGramEntries(int i) {
    Conv2dSpec c = run.conv2d(i);
    if (c == null || !run.holdsWeight(i)) {
      return 0;
    }
    ConvGeometry geo = run.geometry(i, c);
    ConvGramPolicy policy = run.convGram();
    int rows = run.factorColumns();
    boolean byBlocks = RunSizes.STRUCTURED_BY_BLOCKS;
    int split = run.chunked() ? run.chunkSamples() : 0;
    long held =
        policy.gramEntriesHeld(geo, c.outChannels(), run.passSamples(), rows, byBlocks, split);
    if (run.crossTerms()) {
      held =
          Math.max(
              held,
              policy.crossEntriesHeld(
                  geo, c.outChannels(), run.nGrad(), run.passSamples(), rows, byBlocks));
    }
    return held;
  }

  private boolean denseSolve(SpectrumNeed need, long g) {
    if (g > Integer.MAX_VALUE || !run.gramLayout().denseFits(g)) {
      // no dense solve (GramSpace refuses one that needs it): Lanczos, unless all is asked for
      return need.kind() == SpectrumNeed.Kind.ALL;
    }
    return GramSpace.choose(run.solver(), need, (int) g, true) == EigenSolver.DENSE;
  }

  /** Bytes of {@code count} values in host {@code double[]} arrays. */
  private static long values(long count) {
    return ArraySizes.times(count, VALUE_BYTES);
  }

  /** Bytes of {@code count} values in backend matrices ({@link #backendValueBytes}). */
  private long matrices(long count) {
    return ArraySizes.times(count, backendValueBytes());
  }

  /**
   * Bytes per value of a backend matrix in the heap: 4 for a float32 run ({@code float[]} on the
   * CPU backend), else 8. (On OpenCL the factor terms are not counted: {@link
   * RunSizes#factorOnHost} is false.)
   */
  long backendValueBytes() {
    return run.float32() ? FLOAT32_BYTES : VALUE_BYTES;
  }

  private static long sum(List<Part> parts) {
    long s = 0;
    for (Part p : parts) {
      s += p.bytes();
    }
    return s;
  }

  /**
   * Refuses the dense eigensolver, or a criterion needing the whole spectrum, on a Gram past one
   * array, naming the field.
   */
  public void checkEigensolver() {
    SizeLimits.checkEigensolver(run);
  }

  /**
   * Refuses a Conv2d Gram budget given as a hard limit ({@link ConvGramPolicy#hardLimit}) that is
   * below what one-sample blocks need, naming {@code --conv-gram-memory} and the smallest value.
   */
  public void checkConvBudget() {
    SizeLimits.checkConvBudget(run);
  }

  /** The estimated peak heap of the run in bytes. */
  public long peakBytes() {
    return neededBytes(1.0);
  }

  /**
   * The heap the run needs when its largest phase (backward, eigensolve or {@code V·w}: what it
   * allocates and frees) counts {@code phaseHeadroom} times and what stays from the start once: the
   * peak under a collector that moves large arrays ({@code 1}), more under one that does not
   * ({@link PlanningHeap#phaseHeadroom}).
   */
  public long neededBytes(double phaseHeadroom) {
    long phase = Math.max(Math.max(sum(backward), sum(eigensolve)), sum(apply));
    // saturating: a need wrapped to a negative value would read as fitting
    return ArraySizes.plus(sum(resident), (long) Math.ceil(phase * phaseHeadroom));
  }

  /**
   * The terms that make up {@link #peakBytes}: the resident ones and those of the largest phase
   * (backward, eigensolve or {@code V·w}).
   */
  public List<Part> peakParts() {
    List<Part> peak = new ArrayList<>(resident);
    List<Part> phase = backward;
    for (List<Part> other : List.of(eigensolve, apply)) {
      if (sum(other) > sum(phase)) {
        phase = other;
      }
    }
    peak.addAll(phase);
    return peak;
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
   * {@link #checkFits(PlanningHeap)} against this JVM's planning heap ({@link
   * PlanningHeap#ofThisJvm}), unless {@link #CHECK_PROPERTY} is {@code off}.
   */
  public void checkFitsHeap() {
    if (!"off".equals(System.getProperty(CHECK_PROPERTY))) {
      checkFits(PlanningHeap.ofThisJvm());
    }
  }

  /**
   * Refuses the run when its estimated peak exceeds {@code heapLimitBytes}, a heap whose collector
   * moves large arrays (see {@link #checkFits(PlanningHeap)}).
   */
  public void checkFits(long heapLimitBytes) {
    checkFits(new PlanningHeap(heapLimitBytes, heapLimitBytes, "given", true));
  }

  /**
   * Refuses the run when its estimated peak exceeds the heap it may plan for ({@link
   * PlanningHeap#usableBytes}), with one line naming the estimate, the heap limit, what the
   * collector lets a run plan for, and the {@code -Xmx} to use.
   */
  public void checkFits(PlanningHeap heap) {
    if (fits(heap)) {
      return;
    }
    long need = neededBytes(heap.phaseHeadroom());
    long xmxGib = heap.xmxGibFor(need);
    String limit =
        heap.movesLargeArrays() && heap.usableBytes() == heap.maxHeapBytes()
            ? gib(heap.maxHeapBytes())
            : gib(heap.maxHeapBytes())
                + (heap.movesLargeArrays()
                    ? ", of which a run plans for " + gib(heap.usableBytes())
                    : "")
                + " ("
                + heap.reason()
                + ")";
    throw new InvalidInputException(
        "memory",
        String.format(
            Locale.ROOT,
            "this run needs about %s (the largest term: %s) but the heap limit is %s; run with"
                + " -Xmx%dg (tornado-run: JDK_JAVA_OPTIONS=-Xmx%dg tornado-env/tornado-run ...)",
            gib(need),
            largest(parts()),
            limit,
            xmxGib,
            xmxGib));
  }

  /**
   * Refuses a run on a device ({@link org.vivit4j.backend.Backend#deviceMemoryBytes} &gt; 0) whose
   * device estimate ({@link #deviceBytes}) passes what the backend may hold there, with one line
   * naming the estimate, its largest term and the limit, unless {@link #CHECK_PROPERTY} is {@code
   * off}. A run whose matrices live in the heap passes.
   */
  public void checkFitsDevice(org.vivit4j.backend.Backend backend) {
    long limit = backend.deviceMemoryBytes();
    if (limit <= 0 || deviceBytes() <= limit || "off".equals(System.getProperty(CHECK_PROPERTY))) {
      return;
    }
    throw new InvalidInputException(
        "memory",
        "this run needs about "
            + gib(deviceBytes())
            + " of device memory (the largest term: "
            + largest(deviceParts())
            + (run.chunked()
                ? ", in chunks of "
                    + run.chunkSamples()
                    + (run.chunkSamples() == 1 ? " sample" : " samples")
                : "")
            + ") but the backend may hold "
            + backend.describeDeviceMemory()
            + (run.chunked() && run.chunkSamples() == 1
                ? "; run with a smaller batch or on a device with more memory"
                : "; run with smaller chunks of the factor pass (--factor-chunk), a smaller batch,"
                    + " or on a device with more memory"));
  }

  /** The largest of {@code parts}, as {@code "what, 1.2 GiB"}. */
  private static String largest(List<Part> parts) {
    Part best = parts.get(0);
    for (Part p : parts) {
      if (p.bytes() > best.bytes()) {
        best = p;
      }
    }
    return best.what() + ", " + gib(best.bytes());
  }

  private static final double GIB = 1024.0 * 1024 * 1024;

  /** Bytes in GiB with one decimal (MiB below 1 GiB, KiB below 1 MiB, bytes below 1 KiB). */
  public static String gib(long bytes) {
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < GIB) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.1f GiB", bytes / GIB);
  }
}
