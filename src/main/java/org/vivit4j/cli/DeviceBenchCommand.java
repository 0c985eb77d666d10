package org.vivit4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.Criterion;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.ParamGroup;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.Activation;
import org.vivit4j.model.LossSpec;
import org.vivit4j.model.LossType;
import org.vivit4j.model.Reduction;
import org.vivit4j.opencl.KernelStats;
import org.vivit4j.opencl.OpenClBackend;
import org.vivit4j.problems.RandomProblems;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tornado-run device-bench}: times every kernel at Gram sizes {@code N·C̃} and the
 * end-to-end directional derivatives of the 784-128-64-10 MLP (N = 128, cross-entropy, top-10),
 * after checking each kernel's result against float64 on sampled entries. Device times come from
 * OpenCL profiling events; program build time is reported apart. Writes CSV and Markdown to {@code
 * --out} and the program binaries (PTX on NVIDIA) to {@code --ptx}.
 */
@Command(
    name = "device-bench",
    mixinStandardHelpOptions = true,
    description = "Kernel GFLOP/s and end-to-end timings on one backend (used by device-check).")
final class DeviceBenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin BackendOptions backendOptions = new BackendOptions();

  @Option(names = "--out", required = true, description = "folder for the report")
  Path out;

  @Option(names = "--ptx", description = "folder for the program binaries when they are PTX")
  Path ptx;

  @Option(
      names = "--sizes",
      split = ",",
      defaultValue = DEFAULT_SIZES,
      description =
          "Gram sizes N·C̃, each a positive multiple of C̃ = 10 (default ${DEFAULT-VALUE})")
  int[] sizes;

  /** The default Gram sizes: the MLP's N = 128, 400 and 800 with C̃ = 10. */
  static final String DEFAULT_SIZES = "1280,4000,8000";

  @Option(names = "--quick", description = "only the smallest size, fewer repetitions")
  boolean quick;

  /** Width of the layer whose factor is contracted (the MLP's first hidden layer). */
  static final int WIDTH = 128;

  /** Input width of that layer (784 pixels). */
  static final int INPUT = 784;

  /** Factor columns per sample (10 classes). */
  static final int CT = 10;

  private int mismatches;

  @Override
  public Integer call() throws IOException {
    for (int g : sizes) {
      // The expanded-Hadamard kernel tiles the Gram in C̃ × C̃ blocks, one per sample pair.
      if (g <= 0 || g % CT != 0) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--sizes: " + g + " is not a positive multiple of C̃ = " + CT + " (N·C̃ with N whole)");
      }
    }
    BenchCommand.checkReportFolder(out, "device-bench writes its report files into --out");
    Files.createDirectories(out);
    int reps = quick ? 2 : 5;
    int[] grams = quick ? new int[] {sizes[0]} : sizes;
    List<String> kernelRows = new ArrayList<>();
    kernelRows.add("kernel,gram_size,m,n,k,launches,mean_ms,gflops,checked_max_rel_err");
    StringBuilder md = new StringBuilder();
    try (Backend backend = backendOptions.create()) {
      String device = backend.deviceName();
      md.append("# Device check: ").append(device).append("\n\n");
      md.append("- date: ").append(Instant.now()).append('\n');
      md.append("- backend: ").append(backend.name()).append(", dtype ");
      md.append(backend.precision().typeName()).append('\n');
      md.append("- JDK: ").append(Runtime.version()).append('\n');
      if (backend instanceof OpenClBackend ocl) {
        md.append(
            String.format(Locale.ROOT, "- program build (warm-up): %.3f s%n", ocl.buildSeconds()));
      }
      md.append("\n| kernel | Gram size | shape (m×n×k) | mean ms | GFLOP/s | check |\n");
      md.append("| --- | --- | --- | --- | --- | --- |\n");
      for (int g : grams) {
        benchKernels(backend, g, reps, kernelRows, md);
      }
      md.append('\n');
      endToEnd(backend, quick ? 2 : 4, md);
      if (backend instanceof OpenClBackend ocl && ptx != null) {
        savePtx(ocl, md);
      }
      md.append(
          mismatches == 0
              ? "\nAll kernel checks passed.\n"
              : "\nKERNEL CHECK MISMATCHES: " + mismatches + "\n");
    }
    Files.write(out.resolve("kernels.csv"), kernelRows, StandardCharsets.UTF_8);
    Files.writeString(out.resolve("summary.md"), md.toString(), StandardCharsets.UTF_8);
    spec.commandLine().getOut().print(md);
    return mismatches == 0 ? 0 : Main.EXIT_MISMATCH;
  }

  private static double[] random(SplittableRandom rnd, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextDouble(-1, 1);
    }
    return a;
  }

  /** One kernel's timing: runs {@code op} {@code reps} times after a warm-up. */
  private interface Op {
    DeviceMatrix run();
  }

  private void time(
      Backend backend,
      String kernel,
      int g,
      int m,
      int n,
      int k,
      double flopsPerCall,
      int reps,
      Op op,
      Checker check,
      List<String> rows,
      StringBuilder md) {
    DeviceMatrix first = op.run();
    double err = check.maxRelErr(first == null ? null : backend.download(first));
    if (first != null) {
      first.close();
    }
    boolean ok = err <= 1e-4;
    if (!ok) {
      mismatches++;
    }
    if (backend instanceof OpenClBackend ocl) {
      ocl.resetKernelStats();
    }
    long t0 = System.nanoTime();
    for (int r = 0; r < reps; r++) {
      DeviceMatrix res = op.run();
      if (res != null) {
        res.close();
      }
    }
    double wallMs = (System.nanoTime() - t0) * 1e-6 / reps;
    double ms = wallMs;
    if (backend instanceof OpenClBackend ocl) {
      // the kernel that ran, as the backend's product form names it (mul_vector, gram_vector on
      // a CPU device), with the work it counted (gram_vector computes half of a·aᵀ)
      Map<String, KernelStats> stats = ocl.kernelStats();
      if (stats.size() == 1) {
        Map.Entry<String, KernelStats> only = stats.entrySet().iterator().next();
        KernelStats s = only.getValue();
        if (s.launches() > 0) {
          kernel = only.getKey();
          ms = s.deviceSeconds() * 1e3 / s.launches();
          flopsPerCall = s.flops() / s.launches();
        }
      }
    }
    double gflops = flopsPerCall / (ms * 1e-3) / 1e9;
    rows.add(
        String.format(
            Locale.ROOT,
            "%s,%d,%d,%d,%d,%d,%.4f,%.2f,%.2e",
            kernel,
            g,
            m,
            n,
            k,
            reps,
            ms,
            gflops,
            err));
    md.append(
        String.format(
            Locale.ROOT,
            "| %s | %d | %d×%d×%d | %.3f | %.1f | %s (%.1e) |%n",
            kernel,
            g,
            m,
            n,
            k,
            ms,
            gflops,
            ok ? "ok" : "MISMATCH",
            err));
  }

  /** Compares sampled entries of a result with float64. */
  private interface Checker {
    double maxRelErr(double[] result);
  }

  private void benchKernels(Backend backend, int g, int reps, List<String> rows, StringBuilder md) {
    SplittableRandom rnd = new SplittableRandom(g);
    double[] b = random(rnd, g * WIDTH);
    double[] w = random(rnd, WIDTH * INPUT);
    int samples = g / CT;
    double[] a = random(rnd, samples * WIDTH);
    try (DeviceMatrix bd = backend.upload(b, g, WIDTH);
        DeviceMatrix wd = backend.upload(w, WIDTH, INPUT);
        DeviceMatrix ad = backend.upload(a, samples, WIDTH)) {
      time(
          backend,
          "mul_trans_b",
          g,
          g,
          g,
          WIDTH,
          2.0 * g * g * WIDTH,
          reps,
          () -> backend.mulTransB(bd, bd),
          res -> sampled(rnd, g, g, (i, j) -> dot(b, i, b, j, WIDTH), res),
          rows,
          md);
      time(
          backend,
          "mul",
          g,
          g,
          INPUT,
          WIDTH,
          2.0 * g * INPUT * WIDTH,
          reps,
          () -> backend.mul(bd, wd),
          res ->
              sampled(
                  rnd,
                  g,
                  INPUT,
                  (i, j) -> {
                    double s = 0;
                    for (int p = 0; p < WIDTH; p++) {
                      s += b[i * WIDTH + p] * w[p * INPUT + j];
                    }
                    return s;
                  },
                  res),
          rows,
          md);
      try (DeviceMatrix bb = backend.mulTransB(bd, bd);
          DeviceMatrix aa = backend.mulTransB(ad, ad);
          DeviceMatrix acc = backend.zeros(g, g)) {
        double[] bbHost = backend.download(bb);
        double[] aaHost = backend.download(aa);
        double accErr;
        try (DeviceMatrix fresh = backend.zeros(g, g)) {
          backend.accumulateHadamardExpanded(fresh, bb, aa, CT, CT);
          double[] got = backend.download(fresh);
          accErr =
              sampled(
                  rnd,
                  g,
                  g,
                  (i, j) -> bbHost[i * g + j] * aaHost[(i / CT) * samples + j / CT],
                  got);
        }
        time(
            backend,
            "accumulate_hadamard_expanded",
            g,
            g,
            g,
            1,
            2.0 * g * g,
            reps,
            () -> {
              backend.accumulateHadamardExpanded(acc, bb, aa, CT, CT);
              return null;
            },
            res -> accErr,
            rows,
            md);
      }
      try (DeviceMatrix z = backend.upload(a, samples, WIDTH)) {
        double scaleErr;
        try (DeviceMatrix fresh = backend.upload(b, g, WIDTH)) {
          backend.scaleByActivationDerivative(fresh, z, Activation.TANH, CT);
          double[] got = backend.download(fresh);
          scaleErr =
              sampled(
                  rnd,
                  g,
                  WIDTH,
                  (i, j) -> {
                    double t = Math.tanh(a[(i / CT) * WIDTH + j]);
                    return b[i * WIDTH + j] * (1 - t * t);
                  },
                  got);
        }
        time(
            backend,
            "scale_by_activation_derivative",
            g,
            g,
            WIDTH,
            1,
            1.0 * g * WIDTH,
            reps,
            () -> {
              backend.scaleByActivationDerivative(bd, z, Activation.TANH, CT);
              return null;
            },
            res -> scaleErr,
            rows,
            md);
      }
    }
  }

  private interface Entry {
    double at(int i, int j);
  }

  private static double sampled(
      SplittableRandom rnd, int rows, int cols, Entry exact, double[] got) {
    double err = 0;
    double max = 0;
    for (int s = 0; s < 64; s++) {
      int i = rnd.nextInt(rows);
      int j = rnd.nextInt(cols);
      double e = exact.at(i, j);
      err = Math.max(err, Math.abs(got[i * cols + j] - e));
      max = Math.max(max, Math.abs(e));
    }
    return max == 0 ? err : err / max;
  }

  private static double dot(double[] x, int i, double[] y, int j, int k) {
    double s = 0;
    for (int p = 0; p < k; p++) {
      s += x[i * k + p] * y[j * k + p];
    }
    return s;
  }

  private void endToEnd(Backend backend, int reps, StringBuilder md) throws IOException {
    RandomProblems.Instance p =
        RandomProblems.mlp(
            1,
            new int[] {784, 128, 64, 10},
            new Activation[] {Activation.RELU, Activation.RELU},
            new LossSpec(LossType.CROSS_ENTROPY, Reduction.MEAN),
            128,
            true);
    int[] all = java.util.stream.IntStream.range(0, p.network().params().size()).toArray();
    ParamGroup group = new ParamGroup("all", all, Criterion.topK(10));
    var computation = new DirectionalDerivativesComputation(ComputationOptions.defaults());
    List<Double> times = new ArrayList<>();
    double kernelSeconds = 0;
    for (int r = 0; r <= reps; r++) {
      if (backend instanceof OpenClBackend ocl) {
        ocl.resetKernelStats();
      }
      var res = computation.run(p.network(), p.loss(), p.batch(), List.of(group), backend);
      if (r > 0) {
        times.add(res.runInfo().seconds());
        if (backend instanceof OpenClBackend ocl) {
          kernelSeconds =
              ocl.kernelStats().values().stream().mapToDouble(KernelStats::deviceSeconds).sum();
        }
      }
    }
    times.sort(Double::compare);
    double median = times.get(times.size() / 2);
    md.append("## End to end\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "784-128-64-10 ReLU MLP, cross-entropy (mean), N = 128, top-10 directional derivatives"
                + " (Gram 1280×1280): median %.3f s over %d runs after one warm-up; kernels %.2f ms"
                + " of device time per run; the rest is host work (forward pass, float64"
                + " eigensolve of the Gram matrix, γ/λ).%n",
            median,
            times.size(),
            // in ms: on an H200 the kernels of this run take 0.4 ms, which "%.3f s" showed as 0
            kernelSeconds * 1e3));
    Files.writeString(
        out.resolve("end_to_end.csv"),
        String.format(
            Locale.ROOT,
            "case,n,gram_size,median_s,runs,kernel_device_s%nmlp_784_128_64_10_ce_top10,128,1280,%.4f,%d,%.6f%n",
            median,
            times.size(),
            kernelSeconds));
  }

  private void savePtx(OpenClBackend ocl, StringBuilder md) throws IOException {
    for (Map.Entry<String, byte[]> e : ocl.programBinaries().entrySet()) {
      String text = new String(e.getValue(), StandardCharsets.ISO_8859_1);
      if (text.contains(".version") && text.contains(".target")) {
        Files.createDirectories(ptx);
        Path file = ptx.resolve(e.getKey() + ".ptx");
        Files.write(file, e.getValue());
        md.append("- PTX saved: ").append(file).append('\n');
      } else {
        md.append("- program ")
            .append(e.getKey())
            .append(": binary is not PTX on this device (")
            .append(e.getValue().length)
            .append(" bytes), not saved\n");
      }
    }
  }
}
