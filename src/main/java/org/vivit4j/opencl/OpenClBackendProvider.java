package org.vivit4j.opencl;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.BackendProvider;
import org.vivit4j.backend.Gemm;
import org.vivit4j.backend.Precision;
import org.vivit4j.model.InvalidInputException;

/**
 * {@code --backend opencl}: {@link OpenClBackend}, float32 only. Registered in {@code
 * META-INF/services/org.vivit4j.backend.BackendProvider}.
 */
public final class OpenClBackendProvider implements BackendProvider {

  /** For {@link java.util.ServiceLoader}. */
  public OpenClBackendProvider() {}

  @Override
  public String name() {
    return "opencl";
  }

  @Override
  public Precision defaultPrecision() {
    return Precision.FLOAT32;
  }

  /**
   * @throws OpenClUnavailableException no OpenCL runtime, platform or matching device
   */
  @Override
  public Backend create(String device, Precision precision, Gemm gemm) {
    if (gemm != null) {
      throw new InvalidInputException("--gemm", "applies to --backend cpu only");
    }
    if (precision != Precision.FLOAT32) {
      throw new InvalidInputException(
          "--dtype", "the opencl backend computes in float32; use --dtype float32");
    }
    return new OpenClBackend(device);
  }
}
