package org.vivit4j.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.vivit4j.model.InvalidInputException;

/**
 * Creates a backend from the command-line / API choice. Never falls back to another backend. The
 * CPU backend is built in; the others are found through their {@link BackendProvider} on the class
 * path ({@code opencl} in {@code org.vivit4j.opencl}).
 */
public final class Backends {
  private Backends() {}

  /** The built-in CPU backend first, then the registered providers in class-path order. */
  private static final List<BackendProvider> PROVIDERS = providers();

  private static List<BackendProvider> providers() {
    List<BackendProvider> all = new ArrayList<>();
    all.add(new CpuBackendProvider());
    for (BackendProvider p :
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())) {
      if (all.stream().anyMatch(q -> q.name().equals(p.name()))) {
        // two jars claiming one name: which one runs must not depend on the class-path order
        throw new IllegalStateException(
            "two backend providers are named '" + p.name() + "': " + p.getClass().getName());
      }
      all.add(p);
    }
    return List.copyOf(all);
  }

  /** The names {@link #create} accepts, e.g. {@code [cpu, opencl]}. */
  public static List<String> names() {
    return PROVIDERS.stream().map(BackendProvider::name).toList();
  }

  /** The precision a backend computes in when none is asked for (float64 for an unknown name). */
  public static Precision defaultPrecision(String backend) {
    return PROVIDERS.stream()
        .filter(p -> p.name().equals(backend))
        .findFirst()
        .map(BackendProvider::defaultPrecision)
        .orElse(Precision.FLOAT64);
  }

  /** As {@link #create(String, String, Precision, Gemm)} with the fastest available CPU GEMM. */
  public static Backend create(String name, String device, Precision precision) {
    return create(name, device, precision, null);
  }

  /**
   * @param name {@code cpu} or {@code opencl} (one of {@link #names()})
   * @param device OpenCL device selector (substring of "platform / device" or {@code p:d}), or null
   *     for the first GPU, else the first device
   * @param precision float64 or float32 ({@code opencl} computes in float32 only)
   * @param gemm how {@code cpu} multiplies matrices, or null for {@link Gemm#fastestAvailable()}
   * @throws InvalidInputException for an unknown backend or an impossible combination
   * @throws RuntimeException the backend's own exception when it is not usable: {@code
   *     OpenClUnavailableException} when OpenCL was asked for and is not usable, {@link
   *     BlasUnavailableException} when {@link Gemm#BLAS} was asked for and cannot be loaded
   */
  public static Backend create(String name, String device, Precision precision, Gemm gemm) {
    for (BackendProvider p : PROVIDERS) {
      if (p.name().equals(name)) {
        return p.create(device, precision, gemm);
      }
    }
    throw new InvalidInputException(
        "--backend", "unknown backend '" + name + "' (" + String.join(", ", names()) + ")");
  }
}
