package org.vivit4j.backend;

import org.vivit4j.model.InvalidInputException;

/** {@code --backend cpu}: {@link CpuBackend}, float64 unless asked otherwise. */
final class CpuBackendProvider implements BackendProvider {

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public Precision defaultPrecision() {
    return Precision.FLOAT64;
  }

  /** With {@code gemm} null, the fastest available ({@link Gemm#fastestAvailable()}). */
  @Override
  public Backend create(String device, Precision precision, Gemm gemm) {
    if (device != null) {
      throw new InvalidInputException("--device", "applies to --backend opencl only");
    }
    return new CpuBackend(precision, gemm == null ? Gemm.fastestAvailable() : gemm);
  }
}
