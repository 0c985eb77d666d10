package org.vivit4j.backend;

/**
 * One backend implementation that {@link Backends} can create by name. The CPU backend is built in;
 * other implementations (OpenCL, a future TornadoVM backend) live in packages of their own and
 * register a provider through {@link java.util.ServiceLoader} (a line in {@code
 * META-INF/services/org.vivit4j.backend.BackendProvider}), so that this package knows none of them.
 * A provider class needs a public no-argument constructor.
 */
public interface BackendProvider {

  /** The name on the command line ({@code --backend}), e.g. {@code opencl}. */
  String name();

  /** The precision this backend computes in when none is asked for. */
  Precision defaultPrecision();

  /**
   * Creates the backend. Never falls back to another backend.
   *
   * @param device device selector, or null for the provider's default device
   * @param precision the precision asked for
   * @param gemm how the CPU backend multiplies matrices, or null when not asked for
   * @throws org.vivit4j.model.InvalidInputException naming the option ({@code --device}, {@code
   *     --dtype}, {@code --gemm}) that this backend does not accept
   * @throws RuntimeException the implementation's own exception when its device is not usable
   */
  Backend create(String device, Precision precision, Gemm gemm);
}
