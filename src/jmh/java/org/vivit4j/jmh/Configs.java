package org.vivit4j.jmh;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;
import org.vivit4j.bench.BenchConfig;

/** Backend configurations by the names of {@code tornado-run bench --configs}. */
final class Configs {
  private Configs() {}

  static BenchConfig of(String id) {
    return switch (id) {
      case "cpu-blas-float64" -> BenchConfig.cpu(Gemm.BLAS, Precision.FLOAT64);
      case "cpu-blas-float32" -> BenchConfig.cpu(Gemm.BLAS, Precision.FLOAT32);
      case "cpu-plain-float64" -> BenchConfig.cpu(Gemm.PLAIN, Precision.FLOAT64);
      case "cpu-plain-float32" -> BenchConfig.cpu(Gemm.PLAIN, Precision.FLOAT32);
      case "opencl-float32" -> BenchConfig.opencl();
      default -> throw new IllegalArgumentException("unknown configuration " + id);
    };
  }

  static Backend open(String id) {
    return of(id).open();
  }
}
