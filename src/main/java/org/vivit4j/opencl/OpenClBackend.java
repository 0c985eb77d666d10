package org.vivit4j.opencl;

import static org.jocl.CL.CL_CONTEXT_PLATFORM;
import static org.jocl.CL.CL_DEVICE_GLOBAL_MEM_SIZE;
import static org.jocl.CL.CL_KERNEL_WORK_GROUP_SIZE;
import static org.jocl.CL.CL_QUEUE_PROFILING_ENABLE;
import static org.jocl.CL.CL_TRUE;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_context_properties;
import org.jocl.cl_device_id;
import org.jocl.cl_event;
import org.jocl.cl_kernel;
import org.jocl.cl_program;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.model.Activation;

/**
 * {@link Backend} running the OpenCL C kernels of {@code kernels/*.cl} through JOCL, in float32.
 *
 * <p>One device, one context and one in-order, profiling-enabled command queue. The programs are
 * built once in the constructor (timed: {@link #buildSeconds()}; the driver may also cache them on
 * disk, PoCL in {@code ~/.cache/pocl}) and their kernels created once; since a {@code cl_kernel}'s
 * arguments are not thread-safe, every operation holds this object's lock. Every {@link
 * DeviceMatrix} is a device-only buffer: {@link #upload} and {@link #download} are the only host
 * transfers (blocking), results of operations stay on the device. Each launch records a profiling
 * event; {@link #kernelStats()} sums device time per kernel.
 *
 * <p>There is no CPU fallback: without a usable OpenCL device the constructor throws {@link
 * OpenClUnavailableException}. Note that this class turns on JOCL's exceptions ({@code
 * CL.setExceptionsEnabled(true)}), a JVM-wide JOCL setting.
 */
public final class OpenClBackend implements Backend {
  /** Output tile edge of the matrix-product kernels ({@code TILE} in mul.cl, mul_trans_b.cl). */
  static final int TILE = 64;

  /** Register block edge per work item ({@code WPT}). */
  static final int WPT = 4;

  /** k-slice staged in local memory per step ({@code TILE_K}). */
  static final int TILE_K = 16;

  /** Local size per dimension of the matrix-product kernels. */
  static final int GEMM_LOCAL = TILE / WPT;

  static final String BUILD_OPTIONS =
      "-DTILE="
          + TILE
          + " -DWPT="
          + WPT
          + " -DTILE_K="
          + TILE_K
          + " -DROWS="
          + ProductKernels.VECTOR_ROWS;

  /**
   * The matrix products, by their tiled kernels' names, launched on a {@code GEMM_LOCAL ×
   * GEMM_LOCAL} work-group in the {@link ProductKernels#TILED} form.
   */
  static final Set<String> GEMM_KERNELS = Set.of("mul", "mul_trans_b", "batched_mul");

  /** Programs (file names under {@code kernels/} without {@code .cl}) and their kernels. */
  static final Map<String, List<String>> PROGRAMS = programTable();

  private static Map<String, List<String>> programTable() {
    Map<String, List<String>> t = new LinkedHashMap<>();
    t.put("mul", List.of("mul"));
    t.put("mul_trans_b", List.of("mul_trans_b"));
    t.put(
        "products_vector",
        List.of("mul_vector", "mul_trans_b_vector", "gram_vector", "batched_mul_vector"));
    t.put("accumulate_hadamard_expanded", List.of("accumulate_hadamard_expanded", "accumulate"));
    t.put("scale_by_activation_derivative", List.of("scale_by_activation_derivative"));
    t.put(
        "jact_layer_norm",
        List.of("jact_layer_norm", "jact_layer_norm_weight", "jact_layer_norm_bias"));
    ConvKernels.PROGRAMS.forEach(t::put);
    ConvGemmKernels.PROGRAMS.forEach(t::put);
    return Collections.unmodifiableMap(t);
  }

  private final OpenClDevices.Device device;
  private final ProductKernels products;
  private final Map<String, cl_program> programs = new LinkedHashMap<>();
  private final Map<String, cl_kernel> kernels = new LinkedHashMap<>();
  private final Map<String, Long> localSizes = new LinkedHashMap<>();
  private final Set<OpenClMatrix> open = Collections.newSetFromMap(new IdentityHashMap<>());
  private final KernelProfiler profiler = new KernelProfiler();
  private final ConvKernels conv = new ConvKernels(new Launcher());
  private final ConvGemmKernels convGemm = new ConvGemmKernels(new Launcher());
  private cl_context context;
  private cl_command_queue queue;
  private double buildSeconds;
  private boolean closed;
  private OpenClBufferPool buffers;
  private final DeviceMemoryLimit deviceLimit;
  private long bytesDownloaded;

  /** The default device: the first GPU if any, else the first device. */
  public OpenClBackend() {
    this(null);
  }

  /**
   * The selected device, with the product kernels it runs best ({@link ProductKernels#forDevice}).
   *
   * @see #OpenClBackend(String, ProductKernels)
   */
  public OpenClBackend(String deviceSelector) {
    this(deviceSelector, null);
  }

  /**
   * @param deviceSelector {@code null} for the first GPU (else the first device), an index {@code
   *     "platform:device"} such as {@code "0:1"}, or a case-insensitive substring of {@code
   *     "platform / device name"}
   * @param products the form of the matrix-product kernels, or {@code null} for the device's best:
   *     {@link ProductKernels#VECTOR} on a CPU device (PoCL), {@link ProductKernels#TILED}
   *     otherwise
   * @throws OpenClUnavailableException no OpenCL runtime, platform or matching device
   * @throws OpenClBuildException a kernel failed to compile (the message holds the build log)
   */
  public OpenClBackend(String deviceSelector, ProductKernels products) {
    this(deviceSelector, products, -1);
  }

  /**
   * As {@link #OpenClBackend(String, ProductKernels)}, with the bytes of device buffers this
   * backend may hold at once ({@code deviceBytesLimit} ≤ 0: {@link
   * DeviceMemoryLimit#ofThisProcess}, the device's global memory, on a CPU device no more than the
   * host's RAM leaves beside the heap).
   */
  OpenClBackend(String deviceSelector, ProductKernels products, long deviceBytesLimit) {
    device = OpenClDevices.select(deviceSelector);
    this.deviceLimit =
        deviceBytesLimit > 0
            ? new DeviceMemoryLimit(
                deviceBytesLimit, "the " + MemoryEstimate.gib(deviceBytesLimit) + " it is given")
            : DeviceMemoryLimit.ofThisProcess(
                OpenClDevices.deviceLong(device.id(), CL_DEVICE_GLOBAL_MEM_SIZE), device.isCpu());
    this.products = products != null ? products : ProductKernels.forDevice(device.isCpu());
    SignalChaining.warnIfMissing();
    try {
      cl_context_properties props = new cl_context_properties();
      props.addProperty(CL_CONTEXT_PLATFORM, device.platform());
      cl_device_id[] ids = {device.id()};
      context = CL.clCreateContext(props, 1, ids, null, null, null);
      buffers = new OpenClBufferPool(context, device.name(), deviceLimit);
      queue = createProfilingQueue();
      long t0 = System.nanoTime();
      for (Map.Entry<String, List<String>> p : PROGRAMS.entrySet()) {
        if (!this.products.builds(p.getKey())) {
          continue;
        }
        String source = KernelSources.load(p.getKey());
        programs.put(
            p.getKey(),
            OpenClPrograms.build(context, device.id(), p.getKey(), source, BUILD_OPTIONS));
      }
      buildSeconds = (System.nanoTime() - t0) * 1e-9;
      for (Map.Entry<String, List<String>> p : PROGRAMS.entrySet()) {
        if (!programs.containsKey(p.getKey())) {
          continue;
        }
        for (String k : p.getValue()) {
          cl_kernel kernel = CL.clCreateKernel(programs.get(p.getKey()), k, null);
          kernels.put(k, kernel);
          localSizes.put(k, localSizeFor(k, kernel));
        }
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  // clCreateCommandQueue is deprecated since OpenCL 2.0 but works on every 1.2 to 3.0 device
  @SuppressWarnings("deprecation")
  private cl_command_queue createProfilingQueue() {
    return CL.clCreateCommandQueue(context, device.id(), CL_QUEUE_PROFILING_ENABLE, null);
  }

  /** Largest power of two ≤ min(256, the kernel's work-group limit); GEMMs need exactly 16×16. */
  private long localSizeFor(String name, cl_kernel kernel) {
    long[] max = new long[1];
    CL.clGetKernelWorkGroupInfo(
        kernel, device.id(), CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t, Pointer.to(max), null);
    if (GEMM_KERNELS.contains(name)) {
      if (max[0] < (long) GEMM_LOCAL * GEMM_LOCAL) {
        throw new IllegalStateException(
            "kernel "
                + name
                + " needs "
                + GEMM_LOCAL
                + "×"
                + GEMM_LOCAL
                + " work items per group; the device allows "
                + max[0]);
      }
      return GEMM_LOCAL;
    }
    long size = 1;
    while (size * 2 <= Math.min(256, max[0])) {
      size *= 2;
    }
    return size;
  }

  /** One line per OpenCL device (see {@code setup}/{@code device-check}). */
  public static List<String> listDevices() {
    return OpenClDevices.describe();
  }

  @Override
  public String name() {
    return "opencl";
  }

  /** {@code "device name (platform name, device version; tiled|vector products)"}. */
  @Override
  public String deviceName() {
    return device.name()
        + " ("
        + device.platformName()
        + ", "
        + device.version()
        + "; "
        + products.label()
        + " products)";
  }

  /** The form of the matrix-product kernels this backend launches. */
  public ProductKernels productKernels() {
    return products;
  }

  @Override
  public Precision precision() {
    return Precision.FLOAT32;
  }

  /** Wall time of building all programs in the constructor, in seconds (not steady state). */
  public synchronized double buildSeconds() {
    return buildSeconds;
  }

  /** Device time per kernel name since construction or {@link #resetKernelStats()}. */
  public synchronized Map<String, KernelStats> kernelStats() {
    ensureOpen();
    return profiler.snapshot();
  }

  /** Forgets the kernel statistics so far (e.g. after warm-up). */
  public synchronized void resetKernelStats() {
    ensureOpen();
    profiler.reset();
  }

  /** Each program's device binary by program name (PTX text on NVIDIA). */
  public synchronized Map<String, byte[]> programBinaries() {
    ensureOpen();
    Map<String, byte[]> out = new LinkedHashMap<>();
    programs.forEach((name, program) -> out.put(name, OpenClPrograms.binary(program)));
    return out;
  }

  @Override
  public synchronized DeviceMatrix upload(double[] data, int rows, int cols) {
    if ((long) rows * cols != data.length) {
      throw new IllegalArgumentException(
          "data has " + data.length + " entries, expected " + rows + "×" + cols);
    }
    OpenClMatrix m = allocate(rows, cols);
    if (data.length > 0) {
      float[] f = new float[data.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) data[i];
      }
      onDevice(
          "writing a " + rows + "×" + cols + " buffer",
          () ->
              CL.clEnqueueWriteBuffer(
                  queue,
                  m.mem,
                  CL_TRUE,
                  0,
                  (long) f.length * Sizeof.cl_float,
                  Pointer.to(f),
                  0,
                  null,
                  null));
    }
    return m;
  }

  @Override
  public synchronized DeviceMatrix zeros(int rows, int cols) {
    return zeroed(allocate(rows, cols));
  }

  @Override
  public synchronized double[] download(DeviceMatrix matrix) {
    OpenClMatrix m = own(matrix, "download");
    float[] f = new float[m.size()];
    bytesDownloaded += (long) f.length * Sizeof.cl_float;
    if (f.length > 0) {
      CL.clEnqueueReadBuffer(
          queue,
          m.mem,
          CL_TRUE,
          0,
          (long) f.length * Sizeof.cl_float,
          Pointer.to(f),
          0,
          null,
          null);
    }
    double[] out = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = f[i];
    }
    return out;
  }

  @Override
  public synchronized DeviceMatrix mul(DeviceMatrix am, DeviceMatrix bm) {
    OpenClMatrix a = own(am, "mul a");
    OpenClMatrix b = own(bm, "mul b");
    if (a.cols() != b.rows()) {
      throw new IllegalArgumentException(
          "mul: a is " + a.rows() + "×" + a.cols() + ", b is " + b.rows() + "×" + b.cols());
    }
    return product("mul", a, b, a.rows(), b.cols(), a.cols());
  }

  @Override
  public synchronized DeviceMatrix mulTransB(DeviceMatrix am, DeviceMatrix bm) {
    OpenClMatrix a = own(am, "mulTransB a");
    OpenClMatrix b = own(bm, "mulTransB b");
    if (a.cols() != b.cols()) {
      throw new IllegalArgumentException(
          "mulTransB: a is " + a.rows() + "×" + a.cols() + ", b is " + b.rows() + "×" + b.cols());
    }
    if (a == b && products == ProductKernels.VECTOR) {
      return gramVector(a);
    }
    return product("mul_trans_b", a, b, a.rows(), b.rows(), a.cols());
  }

  /**
   * {@code a aᵀ} by kernel gram_vector: one 4 × 4 block per item on or below the diagonal, written
   * with its mirror image (half the products, and exactly symmetric).
   */
  private OpenClMatrix gramVector(OpenClMatrix a) {
    int m = a.rows();
    int k = a.cols();
    OpenClMatrix c = allocate(m, m);
    if (m == 0) {
      return c;
    }
    if (k == 0) {
      return zeroed(c);
    }
    long blocks =
        (m + (long) ProductKernels.VECTOR_TRANS_B_BLOCK - 1) / ProductKernels.VECTOR_TRANS_B_BLOCK;
    long[] global = {blocks * (blocks + 1) / 2};
    launch("gram_vector", global, null, (double) m * (m + 1) * k, m, k, a, c);
    return c;
  }

  private OpenClMatrix product(String kernel, OpenClMatrix a, OpenClMatrix b, int m, int n, int k) {
    OpenClMatrix c = allocate(m, n);
    if (m == 0 || n == 0) {
      return c;
    }
    if (k == 0) {
      return zeroed(c);
    }
    launchProduct(kernel, m, n, 1, 2.0 * m * n * k, m, n, k, a, b, c);
    return c;
  }

  /**
   * Launches {@code batch} products of {@code rows × cols} outputs each, named by their tiled
   * kernel, in this backend's {@link ProductKernels} form (the same arguments either way).
   */
  private void launchProduct(
      String product, int rows, int cols, int batch, double flops, Object... args) {
    if (rows == 0 || cols == 0 || batch == 0) {
      return;
    }
    launch(
        products.kernel(product),
        products.global(product, rows, cols, batch),
        products.local(),
        flops,
        args);
  }

  @Override
  public synchronized void accumulateHadamardExpanded(
      DeviceMatrix accm, DeviceMatrix pm, DeviceMatrix qm, int rowBlock, int colBlock) {
    OpenClMatrix acc = own(accm, "accumulateHadamardExpanded acc");
    OpenClMatrix p = own(pm, "accumulateHadamardExpanded p");
    if (acc.rows() != p.rows() || acc.cols() != p.cols()) {
      throw new IllegalArgumentException(
          "accumulateHadamardExpanded: acc is "
              + acc.rows()
              + "×"
              + acc.cols()
              + ", p is "
              + p.rows()
              + "×"
              + p.cols());
    }
    if (qm == null) {
      launch1d("accumulate", p.size(), 1.0 * p.size(), p.size(), acc, p);
      return;
    }
    OpenClMatrix q = own(qm, "accumulateHadamardExpanded q");
    if (rowBlock < 1
        || colBlock < 1
        || (long) q.rows() * rowBlock != p.rows()
        || (long) q.cols() * colBlock != p.cols()) {
      throw new IllegalArgumentException(
          "accumulateHadamardExpanded: q is "
              + q.rows()
              + "×"
              + q.cols()
              + " with blocks "
              + rowBlock
              + "×"
              + colBlock
              + ", which does not tile p "
              + p.rows()
              + "×"
              + p.cols());
    }
    launch1d(
        "accumulate_hadamard_expanded",
        p.size(),
        2.0 * p.size(),
        p.rows(),
        p.cols(),
        rowBlock,
        colBlock,
        acc,
        p,
        q);
  }

  @Override
  public synchronized void scaleByActivationDerivative(
      DeviceMatrix bm, DeviceMatrix zm, Activation act, double param, int block) {
    OpenClMatrix b = own(bm, "scaleByActivationDerivative b");
    OpenClMatrix z = own(zm, "scaleByActivationDerivative z");
    if (block < 1 || z.cols() != b.cols() || (long) z.rows() * block != b.rows()) {
      throw new IllegalArgumentException(
          "scaleByActivationDerivative: b is "
              + b.rows()
              + "×"
              + b.cols()
              + ", z is "
              + z.rows()
              + "×"
              + z.cols()
              + ", block "
              + block);
    }
    launch1d(
        "scale_by_activation_derivative",
        b.size(),
        1.0 * b.size(),
        b.rows(),
        b.cols(),
        block,
        ActivationKernelSource.code(act),
        (float) param,
        b,
        z);
  }

  @Override
  public synchronized void layerNormJacT(
      DeviceMatrix bm, DeviceMatrix xm, DeviceMatrix rm, DeviceMatrix gm, int block) {
    OpenClMatrix b = own(bm, "layerNormJacT b");
    OpenClMatrix xhat = own(xm, "layerNormJacT xhat");
    OpenClMatrix rstd = own(rm, "layerNormJacT rstd");
    OpenClMatrix gamma = own(gm, "layerNormJacT gamma");
    int groups = rstd.cols();
    int size = gamma.cols();
    if (block < 1
        || gamma.rows() != 1
        || (long) groups * size != b.cols()
        || xhat.cols() != b.cols()
        || (long) xhat.rows() * block != b.rows()
        || rstd.rows() != xhat.rows()) {
      throw new IllegalArgumentException(
          "layerNormJacT: b "
              + b.rows()
              + "×"
              + b.cols()
              + ", x̂ "
              + xhat.rows()
              + "×"
              + xhat.cols()
              + ", r "
              + rstd.rows()
              + "×"
              + rstd.cols()
              + ", γ "
              + gamma.rows()
              + "×"
              + gamma.cols()
              + ", block "
              + block
              + " do not match");
    }
    launch1d(
        "jact_layer_norm",
        b.rows() * groups,
        6.0 * b.size(),
        b.rows(),
        groups,
        size,
        block,
        b,
        xhat,
        rstd,
        gamma);
  }

  @Override
  public synchronized DeviceMatrix layerNormParamJacT(
      DeviceMatrix bm, DeviceMatrix xm, int groupSize, int block) {
    OpenClMatrix b = own(bm, "layerNormParamJacT b");
    OpenClMatrix xhat = xm == null ? null : own(xm, "layerNormParamJacT xhat");
    if (groupSize < 1 || b.cols() % groupSize != 0) {
      throw new IllegalArgumentException(
          "layerNormParamJacT: M = " + groupSize + " does not divide " + b.cols() + " features");
    }
    if (xhat != null
        && (block < 1 || xhat.cols() != b.cols() || (long) xhat.rows() * block != b.rows())) {
      throw new IllegalArgumentException(
          "layerNormParamJacT: x̂ is "
              + xhat.rows()
              + "×"
              + xhat.cols()
              + ", b is "
              + b.rows()
              + "×"
              + b.cols()
              + ", block "
              + block);
    }
    int groups = b.cols() / groupSize;
    OpenClMatrix out = allocate(b.rows(), groupSize);
    if (xhat == null) {
      launch1d(
          "jact_layer_norm_bias", out.size(), 1.0 * b.size(), b.rows(), groups, groupSize, b, out);
    } else {
      launch1d(
          "jact_layer_norm_weight",
          out.size(),
          2.0 * b.size(),
          b.rows(),
          groups,
          groupSize,
          block,
          b,
          xhat,
          out);
    }
    return out;
  }

  @Override
  public synchronized DeviceMatrix copyRows(DeviceMatrix mm, int from, int to) {
    OpenClMatrix m = own(mm, "copyRows");
    if (from < 0 || to < from || to > m.rows()) {
      throw new IllegalArgumentException(
          "copyRows: [" + from + ", " + to + ") is outside the " + m.rows() + " rows");
    }
    OpenClMatrix out = allocate(to - from, m.cols());
    long bytes = (long) out.size() * Sizeof.cl_float;
    if (bytes > 0) {
      onDevice(
          "copying rows into a " + out.rows() + "×" + out.cols() + " buffer",
          () ->
              CL.clEnqueueCopyBuffer(
                  queue,
                  m.mem,
                  out.mem,
                  (long) from * m.cols() * Sizeof.cl_float,
                  0,
                  bytes,
                  0,
                  null,
                  null));
    }
    return out;
  }

  @Override
  public synchronized DeviceMatrix convUnfold(DeviceMatrix x, ConvGeometry g) {
    return conv.convUnfold(own(x, "convUnfold x"), g);
  }

  @Override
  public synchronized DeviceMatrix convTranspose(DeviceMatrix y, DeviceMatrix w, ConvGeometry g) {
    return convGemm.convTranspose(own(y, "convTranspose y"), own(w, "convTranspose w"), g);
  }

  @Override
  public synchronized DeviceMatrix batchedMul(DeviceMatrix a, DeviceMatrix b, int block, int p) {
    return conv.batchedMul(own(a, "batchedMul a"), own(b, "batchedMul b"), block, p);
  }

  @Override
  public synchronized DeviceMatrix sumGroups(DeviceMatrix a, int p) {
    return conv.sumGroups(own(a, "sumGroups a"), p);
  }

  @Override
  public synchronized void accumulateBlock(
      DeviceMatrix acc, DeviceMatrix p, int row0, int col0, boolean transposed) {
    conv.accumulateBlock(
        own(acc, "accumulateBlock acc"), own(p, "accumulateBlock p"), row0, col0, transposed);
  }

  /** True: {@link ConvGemmKernels} contracts by pairs of sample blocks with tiled products. */
  @Override
  public boolean convGramStructuredByBlocks() {
    return true;
  }

  @Override
  public synchronized void accumulateConvGramStructured(
      DeviceMatrix acc,
      DeviceMatrix l,
      DeviceMatrix r,
      DeviceMatrix q,
      int lBlock,
      int rBlock,
      int positions) {
    convGemm.accumulateConvGramStructured(
        own(acc, "accumulateConvGramStructured acc"),
        own(l, "accumulateConvGramStructured l"),
        own(r, "accumulateConvGramStructured r"),
        own(q, "accumulateConvGramStructured q"),
        lBlock,
        rBlock,
        positions);
  }

  @Override
  public synchronized DeviceMatrix maxPoolJacT(
      DeviceMatrix y, DeviceMatrix argmax, int block, ConvGeometry g) {
    return conv.maxPoolJacT(own(y, "maxPoolJacT y"), own(argmax, "maxPoolJacT argmax"), block, g);
  }

  @Override
  public synchronized DeviceMatrix avgPoolJacT(DeviceMatrix y, ConvGeometry g) {
    return conv.avgPoolJacT(own(y, "avgPoolJacT y"), g);
  }

  /**
   * Runs {@code f} on the products-bound conv operations with this backend's lock held (for the
   * kernel tests of their layout passes).
   */
  synchronized <T> T withConvGemm(java.util.function.Function<ConvGemmKernels, T> f) {
    ensureOpen();
    return f.apply(convGemm);
  }

  /**
   * The allocations, copies and launches {@link ConvKernels} and {@link ConvGemmKernels} need, with
   * this backend's lock held.
   */
  final class Launcher {
    OpenClMatrix allocate(int rows, int cols) {
      return OpenClBackend.this.allocate(rows, cols);
    }

    OpenClMatrix zeros(int rows, int cols) {
      return zeroed(allocate(rows, cols));
    }

    double[] download(OpenClMatrix m) {
      return OpenClBackend.this.download(m);
    }

    /** Copies {@code count} floats from {@code src} at {@code srcOffset} to {@code dst}. */
    void copy(OpenClMatrix src, long srcOffset, OpenClMatrix dst, long dstOffset, long count) {
      if (srcOffset < 0
          || dstOffset < 0
          || count < 0
          || srcOffset + count > src.size()
          || dstOffset + count > dst.size()) {
        throw new IllegalArgumentException(
            "copy: " + count + " floats from " + srcOffset + " to " + dstOffset + " do not fit");
      }
      if (count > 0) {
        CL.clEnqueueCopyBuffer(
            queue,
            src.mem,
            dst.mem,
            srcOffset * Sizeof.cl_float,
            dstOffset * Sizeof.cl_float,
            count * Sizeof.cl_float,
            0,
            null,
            null);
      }
    }

    void launch1d(String kernel, int count, double flops, Object... args) {
      OpenClBackend.this.launch1d(kernel, count, flops, args);
    }

    /**
     * {@code batch} products of {@code rows × cols} outputs each, named by their tiled kernel
     * ({@code "mul"}, {@code "mul_trans_b"}, {@code "batched_mul"}), in the backend's {@link
     * ProductKernels} form.
     */
    void launchProduct(
        String product, int rows, int cols, int batch, double flops, Object... args) {
      OpenClBackend.this.launchProduct(product, rows, cols, batch, flops, args);
    }
  }

  private void launch1d(String kernel, int count, double flops, Object... args) {
    if (count == 0) {
      return;
    }
    long local = localSizes.get(kernel);
    long global = (count + local - 1) / local * local;
    launch(kernel, new long[] {global}, new long[] {local}, flops, args);
  }

  /**
   * Runs one enqueue call; a driver that reports {@code CL_MEM_OBJECT_ALLOCATION_FAILURE} there
   * (drivers that allocate a buffer at its first use do) ends the run with {@link
   * DeviceMemoryException}. {@code CL_OUT_OF_RESOURCES} is left as it is: on some drivers it
   * reports an earlier kernel's fault, not memory.
   */
  private void onDevice(String what, Runnable call) {
    try {
      call.run();
    } catch (CLException e) {
      if (e.getStatus() == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE) {
        throw new DeviceMemoryException(
            "the OpenCL device "
                + device.name()
                + " ran out of memory "
                + what
                + " ("
                + e.getMessage()
                + ", with "
                + MemoryEstimate.gib(buffers.bytesInBuffers())
                + " in device buffers); "
                + OpenClBufferPool.RUN_SMALLER,
            e);
      }
      throw e;
    }
  }

  /**
   * Sets the arguments ({@code Integer}, {@code Float} or {@link OpenClMatrix}) and enqueues with
   * an event.
   */
  private void launch(String name, long[] global, long[] local, double flops, Object... args) {
    cl_kernel kernel = kernels.get(name);
    for (int i = 0; i < args.length; i++) {
      if (args[i] instanceof Integer v) {
        CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {v}));
      } else if (args[i] instanceof Float v) {
        CL.clSetKernelArg(kernel, i, Sizeof.cl_float, Pointer.to(new float[] {v}));
      } else {
        CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(((OpenClMatrix) args[i]).mem));
      }
    }
    cl_event event = new cl_event();
    onDevice(
        "launching kernel " + name,
        () ->
            CL.clEnqueueNDRangeKernel(
                queue, kernel, global.length, null, global, local, 0, null, event));
    profiler.record(name, event, flops);
  }

  private OpenClMatrix allocate(int rows, int cols) {
    ensureOpen();
    if (rows < 0 || cols < 0 || (long) rows * cols > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("unsupported matrix shape " + rows + "×" + cols);
    }
    OpenClMatrix m = new OpenClMatrix(this, buffers.take(rows, cols), rows, cols);
    open.add(m);
    return m;
  }

  private OpenClMatrix zeroed(OpenClMatrix m) {
    long bytes = OpenClBufferPool.bytesOf(m.size());
    onDevice(
        "zeroing a " + m.rows() + "×" + m.cols() + " buffer",
        () ->
            CL.clEnqueueFillBuffer(
                queue,
                m.mem,
                Pointer.to(new float[] {0f}),
                Sizeof.cl_float,
                0,
                bytes,
                0,
                null,
                null));
    return m;
  }

  private OpenClMatrix own(DeviceMatrix matrix, String role) {
    ensureOpen();
    if (!(matrix instanceof OpenClMatrix m) || m.owner != this) {
      throw new IllegalArgumentException(role + ": matrix does not belong to this OpenCL backend");
    }
    if (m.isReleased()) {
      throw new IllegalStateException(role + ": matrix has been closed");
    }
    return m;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the OpenCL backend has been closed");
    }
  }

  /**
   * Releases one matrix once (see {@link OpenClMatrix#close()}): its buffer goes back to the pool
   * ({@link OpenClBufferPool}), which is freed when the backend closes.
   */
  synchronized void release(OpenClMatrix m) {
    if (m.markReleased()) {
      open.remove(m);
      buffers.giveBack(m.mem, m.size());
    }
  }

  /** Bytes read back to the host so far. */
  public synchronized long bytesDownloaded() {
    return bytesDownloaded;
  }

  /** Number of device buffers created so far ({@code clCreateBuffer} calls). */
  public synchronized long buffersCreated() {
    return buffers.buffersCreated();
  }

  /** Bytes in device buffers this backend holds, in use or pooled. */
  synchronized long bytesInBuffers() {
    return buffers.bytesInBuffers();
  }

  /**
   * The most bytes of matrices in use at once (not counting pooled free buffers) since construction
   * or {@link #resetPeakBytesInUse}: what a run needed of the device, to compare with {@link
   * MemoryEstimate#deviceBytes}.
   */
  public synchronized long peakBytesInUse() {
    return buffers.peakBytesInUse();
  }

  /** Starts {@link #peakBytesInUse} again from the bytes in use now. */
  public synchronized void resetPeakBytesInUse() {
    buffers.resetPeakBytesInUse();
  }

  @Override
  public long deviceMemoryBytes() {
    return deviceLimit.bytes();
  }

  @Override
  public String describeDeviceMemory() {
    return deviceLimit.reason();
  }

  /** Number of matrices whose buffers are still allocated. */
  synchronized int openMatrices() {
    return open.size();
  }

  /** Waits for the device, then releases every matrix, kernel, program, the queue and context. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (queue != null) {
        CL.clFinish(queue);
        profiler.drain();
      }
    } finally {
      for (OpenClMatrix m : List.copyOf(open)) {
        release(m);
      }
      if (buffers != null) {
        buffers.releaseFree();
      }
      kernels.values().forEach(CL::clReleaseKernel);
      kernels.clear();
      programs.values().forEach(CL::clReleaseProgram);
      programs.clear();
      if (queue != null) {
        CL.clReleaseCommandQueue(queue);
      }
      if (context != null) {
        CL.clReleaseContext(context);
      }
    }
  }
}
