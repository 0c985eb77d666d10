package org.vivit4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.SpectrumInfo;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Backends;
import org.vivit4j.backend.Precision;
import org.vivit4j.bench.Agreement;
import org.vivit4j.bench.BenchCase;
import org.vivit4j.bench.EndToEndBench;
import org.vivit4j.bench.MemoryCurve;
import org.vivit4j.bench.PeakMemory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tornado-run bench-point --network NET --n N}: one cold run of the 784-128-64-10 MLP
 * ({@code mlp784}) or DeepOBS's fmnist_2c2d at batch size N on the default CPU backend, in this
 * JVM, printing time and peak heap as one JSON line (the memory curves of {@code bench} run one per
 * child JVM).
 */
@Command(
    name = "bench-point",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "One memory-curve point of `bench` (run in a child JVM)")
final class BenchPointCommand implements Callable<Integer> {
  @Option(names = "--n", required = true, description = "batch size N")
  int n;

  @Option(
      names = "--network",
      defaultValue = "mlp784",
      description = "mlp784 or fmnist_2c2d. Default: ${DEFAULT-VALUE}")
  String network;

  @Option(names = "--dtype", defaultValue = "float64", description = "float64 or float32")
  String dtype;

  @Override
  public Integer call() throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("network", network);
    out.put("n", n);
    BenchCase c = BenchCase.of(network, n);
    try (Backend backend = Backends.create("cpu", null, Precision.fromTypeName(dtype))) {
      PeakMemory.reset();
      long gc0 = PeakMemory.gcCount();
      long t0 = System.nanoTime();
      ComputationResult r = EndToEndBench.runOnce(c, backend, ComputationOptions.defaults());
      double seconds = (System.nanoTime() - t0) * 1e-9;
      SpectrumInfo s = r.groups().get(0).spectrum();
      out.put("status", "ok");
      out.put("seconds", seconds);
      out.put("eig_seconds", s.seconds());
      out.put("peak_heap_bytes", PeakMemory.peakBytes());
      Thread.sleep(200); // collectors' notifications arrive on a service thread
      out.put("peak_live_bytes", PeakMemory.peakLiveBytes());
      out.put("gc_count", PeakMemory.gcCount() - gc0);
      out.put("eigensolver", s.eigensolver());
      out.put("products", s.products());
      out.put("residual", s.residual());
      out.put("identity", Agreement.identity(r.groups().get(0)));
      out.put("device", backend.deviceName());
    } catch (OutOfMemoryError e) {
      out.put("status", "oom");
      out.put("peak_heap_bytes", PeakMemory.peakBytes());
    }
    System.out.println(MemoryCurve.MARKER + new ObjectMapper().writeValueAsString(out));
    return 0;
  }
}
