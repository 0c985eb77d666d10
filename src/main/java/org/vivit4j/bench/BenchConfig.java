package org.vivit4j.bench;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Backends;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;

/**
 * One backend configuration a benchmark runs on.
 *
 * @param id e.g. {@code cpu-blas-float64}
 * @param backend {@code cpu} or {@code opencl}
 * @param gemm the CPU products ({@code null} for opencl)
 * @param precision float64 or float32
 */
public record BenchConfig(String id, String backend, Gemm gemm, Precision precision) {

  public static BenchConfig cpu(Gemm gemm, Precision p) {
    return new BenchConfig("cpu-" + gemm.optionName() + "-" + p.typeName(), "cpu", gemm, p);
  }

  public static BenchConfig opencl() {
    return new BenchConfig("opencl-float32", "opencl", null, Precision.FLOAT32);
  }

  /** Opens the backend; fails (never falls back) when it is not available. */
  public Backend open() {
    return Backends.create(backend, null, precision, gemm);
  }

  public String dtype() {
    return precision.typeName();
  }
}
