package org.vivit4j.testing;

import java.util.List;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Backends;
import org.vivit4j.backend.Precision;
import org.vivit4j.opencl.OpenClBackend;
import org.vivit4j.opencl.ProductKernels;

/**
 * The backends every end-to-end test runs on: the CPU in float64 and float32, and OpenCL (float32)
 * on the machine's first OpenCL device (PoCL in CI). OpenCL is never skipped: without a usable
 * device the tests fail with the backend's message.
 */
public final class TestBackends {
  private TestBackends() {}

  public static List<String> names() {
    return List.of("cpu-float64", "cpu-float32", "opencl-float32");
  }

  /**
   * The CPU in float64 and float32, and OpenCL in each of its product forms forced ({@code
   * opencl-tiled-float32}, the GPUs' form; {@code opencl-vector-float32}, the CPU devices'), so
   * that both forms are tested end to end whatever device the machine has (CI: PoCL only).
   */
  public static List<String> namesWithBothProductForms() {
    return List.of("cpu-float64", "cpu-float32", "opencl-tiled-float32", "opencl-vector-float32");
  }

  private static final java.util.Map<String, Backend> SHARED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A backend shared by all tests of this JVM (an OpenCL context and its compiled programs are made
   * once); callers must not close it.
   */
  public static Backend get(String name) {
    return SHARED.computeIfAbsent(name, TestBackends::create);
  }

  private static Backend create(String name) {
    return switch (name) {
      case "cpu-float64" -> Backends.create("cpu", null, Precision.FLOAT64);
      case "cpu-float32" -> Backends.create("cpu", null, Precision.FLOAT32);
      case "opencl-float32" -> Backends.create("opencl", null, Precision.FLOAT32);
      case "opencl-tiled-float32" -> new OpenClBackend(null, ProductKernels.TILED);
      case "opencl-vector-float32" -> new OpenClBackend(null, ProductKernels.VECTOR);
      default -> throw new IllegalArgumentException(name);
    };
  }
}
