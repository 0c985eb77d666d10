package org.vivit4j.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vivit4j.api.ComputationOptions;
import org.vivit4j.api.ComputationResult;
import org.vivit4j.api.DirectionalDerivativesComputation;
import org.vivit4j.api.SpectrumInfo;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Backends;
import org.vivit4j.backend.Precision;
import org.vivit4j.core.MemoryEstimate;

/**
 * One point of a memory curve: one cold run of a bench network at batch size N on the default CPU
 * backend, in this JVM, reported as one JSON line after {@link MemoryCurve#MARKER}. {@link
 * MemoryCurve} starts it as its own {@code main} in a child JVM per point (so each point's peak
 * heap is its own); {@code tornado-run bench-point} runs the same for a user.
 */
public final class BenchPoint {
  private BenchPoint() {}

  /**
   * The child JVM's entry: {@code NETWORK N DTYPE} (the order {@link MemoryCurve#runChild} passes).
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("expected NETWORK N DTYPE, got " + args.length + " args");
    }
    System.out.println(line(args[0], Integer.parseInt(args[1]), args[2]));
  }

  /** Runs the point and returns its marked JSON line (status {@code oom} when the heap ran out). */
  public static String line(String network, int n, String dtype) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("network", network);
    out.put("n", n);
    BenchCase c = BenchCase.of(network, n);
    try (Backend backend = Backends.create("cpu", null, Precision.fromTypeName(dtype))) {
      // what the check before the run estimates, in this JVM's heap (the chunks it will use)
      MemoryEstimate estimate =
          new DirectionalDerivativesComputation(ComputationOptions.defaults())
              .memoryEstimate(
                  c.network(),
                  c.loss(),
                  n,
                  c.groups(),
                  true,
                  backend.precision() == Precision.FLOAT32);
      // the Gram the run solves: C̃·N rows, C̃ the factor's columns (rank-reduced or whole)
      out.put("gram_size", estimate.gramRows());
      out.put("chunk_samples", estimate.chunkSamples());
      out.put("estimated_peak_bytes", estimate.peakBytes());
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
    return MemoryCurve.MARKER + new ObjectMapper().writeValueAsString(out);
  }
}
