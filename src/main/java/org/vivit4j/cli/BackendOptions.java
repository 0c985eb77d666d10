package org.vivit4j.cli;

import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Backends;
import org.vivit4j.backend.Precision;
import org.vivit4j.model.InvalidInputException;
import picocli.CommandLine.Option;

/** {@code --backend}, {@code --device} and {@code --dtype}, shared by the commands. */
final class BackendOptions {
  @Option(
      names = "--backend",
      defaultValue = "cpu",
      description =
          "cpu (plain Java) or opencl (OpenCL C kernels through JOCL). Default: ${DEFAULT-VALUE}")
  String backend;

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

  Backend create() {
    return Backends.create(backend, device, precision());
  }
}
