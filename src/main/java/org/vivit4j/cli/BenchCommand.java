package org.vivit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.Problem;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;
import org.vivit4j.bench.Agreement;
import org.vivit4j.bench.BenchCase;
import org.vivit4j.bench.BenchConfig;
import org.vivit4j.bench.BenchEnvironment;
import org.vivit4j.bench.BenchReport;
import org.vivit4j.bench.BlasPeak;
import org.vivit4j.bench.EndToEndBench;
import org.vivit4j.bench.HeapGuard;
import org.vivit4j.bench.MemoryCurve;
import org.vivit4j.bench.OpsBench;
import org.vivit4j.bench.ViVitTimings;
import org.vivit4j.golden.GoldenOutputs;
import org.vivit4j.io.ProblemReader;
import org.vivit4j.linalg.EigenSolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tornado-run bench [--quick]}: end-to-end timings of ViViT's benchmark cases on every
 * backend configuration (correctness checked first), GEMM throughput, the time/memory curve and the
 * largest N, written to {@code results/<date>_<commit>_<device>/} with the ViViT comparison.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Times the seed network and the 784-128-64-10 MLP (N = 32, 128, 512, top-10) on every",
      "backend configuration, and fmnist_2c2d (N = 32 and 128, --fmnist-n), cifar10_3c3d and",
      "cifar100_allcnnc on the BLAS and OpenCL ones, each after checking its result; measures",
      "the GEMM-shaped operations and, for both networks, time and",
      "peak heap vs N up to the largest N in a 20 GiB heap; writes",
      "results/<date>_<commit>_<device>/ (CSV, JSON, summary.md with the ViViT ratios, PNG plots)",
      "plus a line in results/index.jsonl."
    })
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "fewer repeats, smaller sizes, no largest-N run")
  boolean quick;

  @Option(
      names = "--replot",
      paramLabel = "DIR",
      description =
          "only redraw the PNG plots of an existing report folder from its JSON files, then exit")
  Path replot;

  @Option(names = "--out", defaultValue = "results", description = "results folder")
  Path out;

  @Option(
      names = "--configs",
      split = ",",
      description =
          "configurations to time (default: cpu-blas-float64, cpu-blas-float32, cpu-plain-float64,"
              + " cpu-plain-float32, opencl-float32)")
  List<String> configs;

  @Option(
      names = "--vivit-timings",
      description =
          "ViViT's timings measured on this machine by the reference timing script (time_vivit.py"
              + " JSON); without it the report uses the numbers quoted in issue 5 and says so")
  Path vivitTimings;

  @Option(names = "--no-memory", description = "skip the time/memory curve")
  boolean noMemory;

  @Option(names = "--no-ops", description = "skip the GEMM throughput")
  boolean noOps;

  @Option(
      names = "--memory-heap",
      defaultValue = "20g",
      description = "heap limit (-Xmx) of the memory-curve JVMs. Default: ${DEFAULT-VALUE}")
  String memoryHeap;

  @Option(
      names = "--memory-n",
      split = ",",
      description = "batch sizes of the memory curve (default: 256,512,1024,2048,3072,4096)")
  int[] memoryNs;

  @Option(
      names = "--memory-n-2c2d",
      split = ",",
      description = "batch sizes of the fmnist_2c2d memory curve (default: 32,64,128,256,512)")
  int[] memoryNsConv;

  @Option(
      names = "--memory-n-cifar10",
      split = ",",
      description = "batch sizes of the cifar10_3c3d memory curve (default: 32,64,128,256)")
  int[] memoryNsCifar10;

  @Option(
      names = "--memory-n-cifar100",
      split = ",",
      description = "batch sizes of the cifar100_allcnnc memory curve (default: 2,4,8,16)")
  int[] memoryNsCifar100;

  @Option(
      names = "--memory-dtype",
      defaultValue = "float32",
      description =
          "dtype of the memory curves (float32, the largest-N goals' dtype, or float64). Default:"
              + " ${DEFAULT-VALUE}")
  String memoryDtype;

  @Option(
      names = "--memory-largest",
      description =
          "after each memory curve, run the largest N the memory estimate admits in the heap limit"
              + " (hours for the conv nets on 2 cores: fmnist_2c2d's is past 8000)")
  boolean memoryLargest;

  @Option(
      names = "--fmnist-n",
      split = ",",
      description =
          "batch sizes of the timed fmnist_2c2d cases (default 32,128: the ViViT ratio and the"
              + " N = 128 goal; quick 16; ViViT's timing script times it at any N: give the same N"
              + " for a ratio)")
  int[] fmnistNs;

  @Option(
      names = "--cifar10-n",
      description =
          "batch size of the timed cifar10_3c3d case (default 128, quick 4; at 128 a run took"
              + " 15.7 s in float64, 12.7 s in float32 and 70 s on PoCL on a 2-core AMD EPYC)")
  Integer cifar10N;

  @Option(
      names = "--cifar100-n",
      description =
          "batch size of the timed cifar100_allcnnc case (default 8, quick 2; a run took 42 s in"
              + " float64 at 8 on a 2-core AMD EPYC, and the conv Gram work grows like N²: 128"
              + " would be hours)")
  Integer cifar100N;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  private static final Map<String, BenchConfig> KNOWN = new LinkedHashMap<>();

  static {
    for (Gemm g : List.of(Gemm.BLAS, Gemm.PLAIN)) {
      for (Precision p : List.of(Precision.FLOAT64, Precision.FLOAT32)) {
        BenchConfig c = BenchConfig.cpu(g, p);
        KNOWN.put(c.id(), c);
      }
    }
    KNOWN.put("opencl-float32", BenchConfig.opencl());
  }

  private final PrintStream log = System.out;
  private final List<String> correctness = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private int failures;

  @Override
  public Integer call() throws Exception {
    if (replot != null) {
      BenchReport.replot(replot, parseHeap(memoryHeap));
      log.println("redrew the plots in " + replot);
      return 0;
    }
    // Everything the options can get wrong is refused before minutes of timing, not after.
    checkResultsRoot(out);
    long heapBytes = parseHeap(memoryHeap);
    if (!List.of("float32", "float64").contains(memoryDtype)) {
      throw new org.vivit4j.model.InvalidInputException(
          "--memory-dtype", "'" + memoryDtype + "' is not float32 or float64");
    }
    ViVitTimings vivit = ViVitTimings.quoted();
    if (vivitTimings != null) {
      org.vivit4j.io.InputFile.check("--vivit-timings", vivitTimings);
      vivit = ViVitTimings.load(vivitTimings);
    }
    List<String> words = new ArrayList<>(CommandLineText.current(spec));
    if (vivitTimings != null) {
      // the report keeps a copy of the timings file and names that copy, not this machine's path
      String given = vivitTimings.toString();
      words.replaceAll(
          w ->
              w.equals(given)
                  ? ViVitTimings.COPY_NAME
                  : w.equals("--vivit-timings=" + given)
                      ? "--vivit-timings=" + ViVitTimings.COPY_NAME
                      : w);
    }
    String command = "tornado-env/" + String.join(" ", words);
    BenchEnvironment env = BenchEnvironment.current(command);
    log.printf(
        "vivit4j bench (%s) on %s, %d cores, %s%n",
        quick ? "quick" : "full", env.cpu(), env.cores(), env.blas());
    List<BenchConfig> cfgs = new ArrayList<>();
    for (String id : configs == null ? List.copyOf(KNOWN.keySet()) : configs) {
      BenchConfig c = KNOWN.get(id);
      if (c == null) {
        throw new org.vivit4j.model.InvalidInputException(
            "--configs", "unknown configuration '" + id + "' " + KNOWN.keySet());
      }
      cfgs.add(c);
    }

    int[] fmnistBatches =
        batches("--fmnist-n", fmnistNs, quick ? new int[] {16} : new int[] {32, 128});
    int cifar10Batch = batch("--cifar10-n", cifar10N, quick ? 4 : 128);
    int cifar100Batch = batch("--cifar100-n", cifar100N, quick ? 2 : 8);

    // the rate the products cannot beat, measured now: a run's share of it is comparable across
    // sittings of this noisy machine, its absolute time less so
    BlasPeak blasPeak =
        BlasPeak.measure(BlasPeak.sizeFor(Runtime.getRuntime().maxMemory()), BlasPeak.REPEATS);
    log.println(
        blasPeak == null
            ? "BLAS peak: not measured (no native BLAS)"
            : String.format(
                Locale.ROOT,
                "BLAS peak: dgemm %.1f GFLOP/s, sgemm %.1f GFLOP/s (order %d)",
                blasPeak.float64Gflops(),
                blasPeak.float32Gflops(),
                blasPeak.size()));
    List<EndToEndBench.Timing> timings = new ArrayList<>();
    timeSeed(cfgs, timings);
    for (int n : new int[] {32, 128, 512}) {
      timeMlp(BenchCase.mlp784(n), cfgs, timings);
    }
    for (int n : fmnistBatches) {
      timeConv(BenchCase.fmnist2c2d(n), cfgs, timings);
    }
    // DeepOBS's CIFAR networks on random data (CIFAR is not packaged here; time does not depend
    // on the pixel values); ViViT's timing script has no CIFAR case, so no ratio is reported
    timeConv(BenchCase.cifar("cifar10_3c3d", cifar10Batch), cfgs, timings);
    timeConv(BenchCase.cifar("cifar100_allcnnc", cifar100Batch), cfgs, timings);

    List<OpsBench.OpTiming> ops = new ArrayList<>();
    if (!noOps) {
      int[] sizes = quick ? new int[] {320, 1280} : new int[] {320, 1280, 5120};
      for (BenchConfig c : cfgs) {
        log.println("ops on " + c.id());
        try (Backend b = c.open()) {
          ops.addAll(OpsBench.run(b, c.id(), sizes, quick ? 3 : 5));
        }
      }
    }
    List<MemoryCurve.Point> memory = new ArrayList<>();
    if (!noMemory) {
      int[] mlpNs =
          memoryNs != null
              ? memoryNs
              : quick ? new int[] {128, 256, 512} : new int[] {256, 512, 1024, 2048, 3072, 4096};
      int[] convNs =
          memoryNsConv != null
              ? memoryNsConv
              : quick ? new int[] {8, 16, 32} : new int[] {32, 64, 128, 256, 512};
      int[] cifar10Ns =
          memoryNsCifar10 != null
              ? memoryNsCifar10
              : quick ? new int[] {4, 8} : new int[] {32, 64, 128, 256};
      int[] cifar100Ns =
          memoryNsCifar100 != null
              ? memoryNsCifar100
              : quick ? new int[] {1, 2} : new int[] {2, 4, 8, 16};
      // shrink this JVM's heap first: the children need the machine's memory
      System.gc();
      memory.addAll(memoryCurve("mlp784", mlpNs, heapBytes));
      memory.addAll(memoryCurve("fmnist_2c2d", convNs, heapBytes));
      memory.addAll(memoryCurve("cifar10_3c3d", cifar10Ns, heapBytes));
      memory.addAll(memoryCurve("cifar100_allcnnc", cifar100Ns, heapBytes));
    }
    notes.add(
        "The machine is shared with other builds (2 cores): timings are medians of repeats in one"
            + " warm JVM and still carry that noise; "
            + (vivit.measuredHere()
                ? "ViViT's numbers were measured on this machine just before (--vivit-timings)."
                : "the ratios are against ViViT's own numbers from a machine of the same kind, not"
                    + " a side-by-side run (give --vivit-timings for one)."));
    BenchReport.Run run =
        new BenchReport.Run(
            env,
            quick,
            correctness,
            timings,
            ops,
            BlasPeak.referenceLines(blasPeak),
            memory,
            heapBytes,
            notes,
            vivit,
            blasPeak);
    Path dir = BenchReport.write(out, run);
    if (vivitTimings != null) {
      java.nio.file.Files.copy(
          vivitTimings,
          dir.resolve(ViVitTimings.COPY_NAME),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    log.println("wrote " + dir);
    log.println(
        "speed-up vs ViViT (default cpu backend): "
            + new ObjectMapper().writeValueAsString(headline(timings, vivit)));
    return failures == 0 ? 0 : Main.EXIT_MISMATCH;
  }

  private static Map<String, String> headline(
      List<EndToEndBench.Timing> timings, ViVitTimings vivit) {
    Map<String, String> out = new LinkedHashMap<>();
    for (EndToEndBench.Timing t : timings) {
      Double v = vivit.seconds(t.caseId(), t.dtype());
      if (v != null && t.config().startsWith("cpu-blas")) {
        out.put(t.caseId() + "/" + t.dtype(), String.format(Locale.ROOT, "%.1fx", v / t.median()));
      }
    }
    return out;
  }

  static long parseHeap(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (t.endsWith("g")) {
      unit = 1L << 30;
    } else if (t.endsWith("m")) {
      unit = 1L << 20;
    } else if (t.endsWith("k")) {
      unit = 1L << 10;
    }
    String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
    long value;
    try {
      value = Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      value = -1;
    }
    if (value < (1L << 20)) {
      throw new org.vivit4j.model.InvalidInputException(
          "--memory-heap", "'" + s + "' is not a heap size of at least 1m (e.g. 20g, 512m)");
    }
    return value;
  }

  /** ViViT's seed example (the embedded golden case), checked by {@link SeedCheck} first. */
  private void timeSeed(List<BenchConfig> cfgs, List<EndToEndBench.Timing> timings)
      throws Exception {
    String json = SeedCommand.readSeed();
    Problem p = ProblemReader.parse(json);
    GoldenOutputs golden = GoldenOutputs.fromJson(new ObjectMapper().readTree(json));
    BenchCase c =
        new BenchCase(
            "seed_n4",
            "seed 7-5-5-3 ReLU, MSE mean, N=4, top-4",
            p.network(),
            p.loss(),
            p.batch(),
            4);
    for (BenchConfig cfg : cfgs) {
      try (Backend b = cfg.open()) {
        java.io.StringWriter buf = new java.io.StringWriter();
        SeedCheck check = new SeedCheck(new java.io.PrintWriter(buf, true));
        check.run(c.network(), c.loss(), c.batch(), 4, b, golden);
        String line =
            String.format(
                Locale.ROOT,
                "%s on %s: %s (%d checks against the autograd reference, the identity and the real"
                    + " ViViT's numbers, %d mismatches)",
                c.id(),
                cfg.id(),
                check.mismatches() == 0 ? "passed" : "FAILED",
                check.checks(),
                check.mismatches());
        record(line, check.mismatches() == 0);
        if (check.mismatches() == 0) {
          timings.add(
              timed(
                  c,
                  cfg,
                  b,
                  ComputationOptions.defaults(),
                  quick ? 5000 : 20000,
                  0,
                  quick ? 501 : 2001,
                  line));
        }
      }
    }
  }

  private List<MemoryCurve.Point> memoryCurve(String network, int[] ns, long heapBytes)
      throws java.io.IOException {
    log.println(
        "time and peak heap vs N, "
            + network
            + " (child JVMs, -Xmx"
            + memoryHeap
            + ", "
            + memoryDtype
            + "):");
    List<MemoryCurve.Point> points =
        MemoryCurve.run(
            network,
            ns,
            memoryHeap,
            heapBytes,
            memoryDtype,
            quick ? 1800 : 3600,
            memoryLargest,
            log::println,
            notes::add);
    return points;
  }

  private void timeMlp(BenchCase c, List<BenchConfig> cfgs, List<EndToEndBench.Timing> timings) {
    boolean slowSkipped = quick && c.n() >= 512;
    // reference: the plain loops in float64, dense EJML where it is affordable
    EigenSolver refSolver = c.n() <= (quick ? 32 : 128) ? EigenSolver.DENSE : EigenSolver.LANCZOS;
    ComputationOptions refOptions = ComputationOptions.defaults().withEigenSolver(refSolver);
    log.printf(
        "%s: reference on cpu-plain-float64 (%s eigensolver)%n", c.id(), refSolver.optionName());
    ComputationResult reference =
        guardedReference(
            c,
            BenchConfig.cpu(Gemm.PLAIN, Precision.FLOAT64),
            refOptions,
            "reference on cpu-plain-float64");
    if (reference == null) {
      return;
    }
    for (BenchConfig cfg : cfgs) {
      boolean slow = !cfg.id().startsWith("cpu-blas");
      if (slow && slowSkipped) {
        notes.add(c.id() + " on " + cfg.id() + ": skipped in quick mode");
        continue;
      }
      int warm;
      int reps;
      if (c.n() <= 32) {
        warm = quick ? 3 : 5;
        reps = quick ? 7 : 21;
      } else if (c.n() <= 128) {
        warm = quick ? 2 : 3;
        reps = slow ? (quick ? 3 : 5) : (quick ? 5 : 11);
      } else {
        warm = slow ? 1 : 2;
        reps = slow ? 3 : (quick ? 3 : 7);
      }
      // the JIT needs seconds here too: MLP N = 128 float64 after 3 warm-ups took 0.12–0.16 s
      // (three JVMs, with and without OPENBLAS_THREAD_TIMEOUT), 0.08–0.10 s once warm
      double warmSeconds = slow || quick ? 0 : WARMUP_SECONDS;
      checkAndTime(
              c,
              cfg,
              reference,
              "cpu-plain-float64 (" + refSolver.optionName(),
              warm,
              warmSeconds,
              reps)
          .ifPresent(timings::add);
    }
  }

  /**
   * fmnist_2c2d end to end: the reference is the BLAS backend in float64 with the dense
   * eigensolver; the plain-loop configurations are skipped (minutes a run: results/fmnist_2c2d.md).
   */
  /** {@code given} (at least 1, else bad input naming {@code flag}) or {@code fallback}. */
  /**
   * A conv case's batch size: at least 2, because its top-10 directions need 10 nonzero GGN
   * eigenvalues and one sample's 10-class cross-entropy GGN has rank 9 at most.
   */
  static int batch(String flag, Integer given, int fallback) {
    if (given == null) {
      return fallback;
    }
    if (given < 2) {
      throw new org.vivit4j.model.InvalidInputException(
          flag,
          "must be a batch size of at least 2 (top-10 directions need 10 nonzero GGN eigenvalues;"
              + " one sample's 10-class cross-entropy GGN has rank 9), got "
              + given);
    }
    return given;
  }

  /** Batch sizes of a list option, each checked by {@link #batch}, in order, without repeats. */
  static int[] batches(String flag, int[] given, int[] fallback) {
    if (given == null) {
      return fallback;
    }
    if (given.length == 0) {
      throw new org.vivit4j.model.InvalidInputException(flag, "needs at least one batch size");
    }
    java.util.LinkedHashSet<Integer> seen = new java.util.LinkedHashSet<>();
    for (int n : given) {
      if (!seen.add(batch(flag, n, 0))) {
        throw new org.vivit4j.model.InvalidInputException(flag, "batch size " + n + " given twice");
      }
    }
    return given.clone();
  }

  private void timeConv(BenchCase c, List<BenchConfig> cfgs, List<EndToEndBench.Timing> timings) {
    BenchConfig refConfig = BenchConfig.cpu(Gemm.fastestAvailable(), Precision.FLOAT64);
    log.printf("%s: reference on %s (dense eigensolver)%n", c.id(), refConfig.id());
    ComputationResult reference =
        guardedReference(
            c,
            refConfig,
            ComputationOptions.defaults().withEigenSolver(EigenSolver.DENSE),
            "reference on " + refConfig.id());
    if (reference == null) {
      return;
    }
    for (BenchConfig cfg : cfgs) {
      if (cfg.id().startsWith("cpu-plain")) {
        notes.add(c.id() + " on " + cfg.id() + ": not timed (the plain loops take minutes a run)");
        continue;
      }
      // the JIT keeps compiling a conv net's loops for about 10 s and a dozen runs (fmnist_2c2d
      // N = 32 float64: 0.72, 0.67, 0.60 s … 0.47 s from about the 20th run; N = 128 float32:
      // 3.8, 2.4, 2.7, 2.0, 1.9, 1.6 s … 1.45 s from the 12th), so a warm median needs
      // CONV_WARMUPS warm-ups and WARMUP_SECONDS of them (after 5-6 warm-ups, N = 128 float32's
      // median was 1.86 s against 1.37-1.48 s in a warm JVM); OpenCL (PoCL compiles once, runs
      // take tens of seconds) keeps one
      boolean blas = cfg.id().startsWith("cpu-blas");
      checkAndTime(
              c,
              cfg,
              reference,
              refConfig.id() + " (dense",
              blas ? (quick ? 3 : CONV_WARMUPS) : 1,
              blas && !quick ? WARMUP_SECONDS : 0,
              blas ? convRepeats(c) : 3)
          .ifPresent(timings::add);
    }
  }

  /**
   * The reference result of {@code c}, or null (recorded as a failure, the case then timed on no
   * configuration) when it does not fit this JVM's heap.
   */
  private ComputationResult guardedReference(
      BenchCase c, BenchConfig config, ComputationOptions options, String what) {
    return HeapGuard.run(
            c.id() + " " + what,
            () -> {
              try (Backend b = config.open()) {
                return EndToEndBench.runOnce(c, b, options);
              }
            },
            line -> record(line, false))
        .orElse(null);
  }

  /**
   * Checks one run against the reference, then times it when it agrees; a run that does not fit the
   * heap is recorded as failed ({@link HeapGuard}) and not timed. Warm-ups: at least {@code warm}
   * and {@code warmSeconds} ({@link EndToEndBench#time}).
   */
  private java.util.Optional<EndToEndBench.Timing> checkAndTime(
      BenchCase c,
      BenchConfig cfg,
      ComputationResult reference,
      String referenceLabel,
      int warm,
      double warmSeconds,
      int reps) {
    return HeapGuard.<java.util.Optional<EndToEndBench.Timing>>run(
            c.id() + " on " + cfg.id(),
            () -> {
              try (Backend b = cfg.open()) {
                ComputationResult mine = EndToEndBench.runOnce(c, b, ComputationOptions.defaults());
                Agreement.Outcome o =
                    Agreement.checkAgainstFloat64(
                        mine.groups().get(0), reference.groups().get(0), cfg.precision());
                String line =
                    String.format(
                        Locale.ROOT,
                        "%s on %s vs %s eigensolver): %s",
                        c.id(),
                        cfg.id(),
                        referenceLabel,
                        o.summary());
                record(line, o.passed());
                if (!o.passed()) {
                  return java.util.Optional.empty();
                }
                return java.util.Optional.of(
                    timed(c, cfg, b, ComputationOptions.defaults(), warm, warmSeconds, reps, line));
              }
            },
            line -> record(line, false))
        .flatMap(t -> t);
  }

  private EndToEndBench.Timing timed(
      BenchCase c,
      BenchConfig cfg,
      Backend b,
      ComputationOptions o,
      int warm,
      double warmSeconds,
      int reps,
      String check) {
    EndToEndBench.Timing t = EndToEndBench.time(c, cfg, b, o, warm, warmSeconds, reps, check);
    log.printf(
        Locale.ROOT,
        "  %-12s %-18s median %10.4f ms (eigensolve %s %.4f ms, %d repeats, %d warm-ups%s)%n",
        c.id(),
        cfg.id(),
        t.median() * 1e3,
        t.eigensolver(),
        t.eigSeconds() * 1e3,
        reps,
        t.warmups(),
        t.multiplyAdds() < 0
            ? ""
            : String.format(Locale.ROOT, ", products %.3g GFLOP/s", t.gflops()));
    return t;
  }

  /** Warm-up time of a case on the BLAS backend ({@link EndToEndBench#time}). */
  static final double WARMUP_SECONDS = 10;

  /** Warm-ups of a conv case on the BLAS backend, at least (see {@link #WARMUP_SECONDS}). */
  static final int CONV_WARMUPS = 12;

  /**
   * Timed runs of a conv case on the BLAS backend: 7, or 15 where a run takes a fraction of a
   * second (N ≤ 32), so that a median is not moved by the few seconds in which these shared
   * machines run everything about 40 % slower (fmnist_2c2d N = 32 float32 in one JVM: 0.28-0.30 s,
   * then 0.41-0.47 s for ten runs, then 0.28-0.30 s again).
   */
  static int convRepeats(BenchCase c) {
    return c.n() <= 32 ? 15 : 7;
  }

  private void record(String line, boolean passed) {
    correctness.add(line);
    log.println("check " + line);
    if (!passed) {
      failures++;
    }
  }

  /**
   * The report goes into a new folder inside {@code --out}: that must be a writable folder, or a
   * path whose parent is one (it is then created). A file, a device or a missing parent is refused
   * up front, naming {@code --out}.
   */
  static void checkResultsRoot(Path root) {
    checkReportFolder(root, "bench writes its report folder inside --out");
  }

  /**
   * {@code root} is a writable folder or can be created as one; else one line naming {@code --out},
   * with {@code why} saying what goes there.
   */
  static void checkReportFolder(Path root, String why) {
    Path abs = root.toAbsolutePath().normalize();
    if (java.nio.file.Files.exists(abs)) {
      if (!java.nio.file.Files.isDirectory(abs)) {
        throw new org.vivit4j.model.InvalidInputException(
            "--out", root + ": is not a folder (" + why + ")");
      }
      if (!java.nio.file.Files.isWritable(abs)) {
        throw new org.vivit4j.model.InvalidInputException(
            "--out", root + ": folder is not writable");
      }
      return;
    }
    Path parent = abs.getParent();
    if (parent == null || !java.nio.file.Files.isDirectory(parent)) {
      throw new org.vivit4j.model.InvalidInputException(
          "--out", root + ": folder " + parent + " does not exist");
    }
    if (!java.nio.file.Files.isWritable(parent)) {
      throw new org.vivit4j.model.InvalidInputException(
          "--out", root + ": folder " + parent + " is not writable");
    }
  }
}
