package org.vivit4j.backend;

import org.vivit4j.model.InvalidInputException;

/** Creates a backend from the command-line / API choice. Never falls back to another backend. */
public final class Backends {
  private Backends() {}

  /** The precision a backend computes in when none is asked for. */
  public static Precision defaultPrecision(String backend) {
    return "opencl".equals(backend) ? Precision.FLOAT32 : Precision.FLOAT64;
  }

  /** As {@link #create(String, String, Precision, Gemm)} with the fastest available CPU GEMM. */
  public static Backend create(String name, String device, Precision precision) {
    return create(name, device, precision, null);
  }

  /**
   * @param name {@code cpu} or {@code opencl}
   * @param device OpenCL device selector (substring of "platform / device" or {@code p:d}), or null
   *     for the first GPU, else the first device
   * @param precision float64 or float32 ({@code opencl} computes in float32 only)
   * @param gemm how {@code cpu} multiplies matrices, or null for {@link Gemm#fastestAvailable()}
   * @throws InvalidInputException for an unknown backend or an impossible combination
   * @throws org.vivit4j.opencl.OpenClUnavailableException when OpenCL was asked for and is not
   *     usable
   * @throws BlasUnavailableException when {@link Gemm#BLAS} was asked for and cannot be loaded
   */
  public static Backend create(String name, String device, Precision precision, Gemm gemm) {
    switch (name) {
      case "cpu":
        if (device != null) {
          throw new InvalidInputException("--device", "applies to --backend opencl only");
        }
        return new CpuBackend(precision, gemm == null ? Gemm.fastestAvailable() : gemm);
      case "opencl":
        if (gemm != null) {
          throw new InvalidInputException("--gemm", "applies to --backend cpu only");
        }
        if (precision != Precision.FLOAT32) {
          throw new InvalidInputException(
              "--dtype", "the opencl backend computes in float32; use --dtype float32");
        }
        return new org.vivit4j.opencl.OpenClBackend(device);
      default:
        throw new InvalidInputException(
            "--backend", "unknown backend '" + name + "' (cpu, opencl)");
    }
  }
}
