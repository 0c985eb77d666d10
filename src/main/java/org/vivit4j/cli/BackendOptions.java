package org.vivit4j.cli;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Backends;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;
import org.vivit4j.model.InvalidInputException;
import picocli.CommandLine.Option;

/** {@code --backend}, {@code --device} and {@code --dtype}, shared by the commands. */
final class BackendOptions {
  @Option(
      names = "--backend",
      defaultValue = "cpu",
      description =
          "cpu (host: native BLAS or plain Java, see --gemm) or opencl (OpenCL C kernels through"
              + " JOCL). Default: ${DEFAULT-VALUE}")
  String backend;

  @Option(
      names = "--gemm",
      description =
          "cpu matrix products: blas (native OpenBLAS; an error where it cannot be loaded), plain"
              + " (Java loops) or auto (blas when it loads, else plain; the default). The device"
              + " line of every run names the one that ran.")
  String gemm;

  @Option(
      names = "--device",
      description = "OpenCL device: a substring of 'platform / device' or 'p:d' indices")
  String device;

  @Option(
      names = "--dtype",
      description = "float64 or float32 (default: float64 on cpu, float32 on opencl)")
  String dtype;

  Precision precision() {
    if (dtype == null) {
      return Backends.defaultPrecision(backend);
    }
    Precision p = Precision.fromTypeName(dtype);
    if (p == null) {
      throw new InvalidInputException(
          "--dtype", "unknown dtype '" + dtype + "' (float64, float32)");
    }
    return p;
  }

  /** The {@code --gemm} choice, or null when not given (auto). */
  Gemm gemm() {
    if (gemm == null) {
      return null;
    }
    Gemm g = Gemm.fromOptionName(gemm);
    if (g == null) {
      throw new InvalidInputException("--gemm", "unknown value '" + gemm + "' (auto, blas, plain)");
    }
    return g;
  }

  Backend create() {
    return Backends.create(backend, device, precision(), gemm());
  }
}
