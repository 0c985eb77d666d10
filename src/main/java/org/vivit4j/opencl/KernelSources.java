package org.vivit4j.opencl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the OpenCL C sources {@code kernels/<program>.cl}. With the system property {@value
 * #DIRECTORY_PROPERTY} set (the test build sets it to the repository's {@code kernels/}), the files
 * are read from that directory only; otherwise from the classpath resources {@code kernels/*.cl}
 * packaged into the jar.
 */
final class KernelSources {
  static final String DIRECTORY_PROPERTY = "vivit4j.kernels";

  private KernelSources() {}

  /**
   * The source of {@code kernels/<program>.cl}, ready to build (a template completed by {@link
   * ActivationKernelSource}).
   */
  static String load(String program) {
    String dir = System.getProperty(DIRECTORY_PROPERTY);
    String raw =
        dir == null || dir.isBlank()
            ? fromClasspath(program)
            : fromDirectory(Path.of(dir), program);
    return ActivationKernelSource.complete(program, raw);
  }

  static String fromDirectory(Path dir, String program) {
    Path file = dir.resolve(program + ".cl");
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read kernel source " + file + " (from -D" + DIRECTORY_PROPERTY + ")", e);
    }
  }

  static String fromClasspath(String program) {
    String resource = "/kernels/" + program + ".cl";
    try (InputStream in = KernelSources.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "kernel source " + resource + " is not on the classpath (the jar packs kernels/*.cl)");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kernel source " + resource, e);
    }
  }
}
