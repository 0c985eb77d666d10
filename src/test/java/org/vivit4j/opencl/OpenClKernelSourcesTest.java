package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where kernel sources come from, and what a kernel that does not compile produces. */
class OpenClKernelSourcesTest {

  private static Path kernelDirectory() {
    return Path.of(System.getProperty(KernelSources.DIRECTORY_PROPERTY));
  }

  @Test
  void everyProgramIsPackagedOnTheClasspathUnchanged() {
    for (String program : OpenClBackend.PROGRAMS.keySet()) {
      assertEquals(
          KernelSources.fromDirectory(kernelDirectory(), program),
          KernelSources.fromClasspath(program),
          program);
    }
  }

  @Test
  void everyKernelIsDocumentedInTheCatalogue() throws IOException {
    String catalogue = Files.readString(kernelDirectory().resolve("README.md"));
    for (List<String> kernels : OpenClBackend.PROGRAMS.values()) {
      for (String kernel : kernels) {
        assertTrue(catalogue.contains("`" + kernel + "`"), kernel + " missing from README.md");
      }
    }
  }

  @Test
  void aKernelThatDoesNotCompileFailsWithItsBuildLog(@TempDir Path dir) throws IOException {
    for (String program : OpenClBackend.PROGRAMS.keySet()) {
      Files.copy(kernelDirectory().resolve(program + ".cl"), dir.resolve(program + ".cl"));
    }
    Files.writeString(
        dir.resolve("mul_trans_b.cl"),
        "__kernel void mul_trans_b(__global float *c) { c[0] = undeclared_name; }\n");
    String saved = System.getProperty(KernelSources.DIRECTORY_PROPERTY);
    System.setProperty(KernelSources.DIRECTORY_PROPERTY, dir.toString());
    try {
      // mul_trans_b.cl is a program of the tiled form (a CPU device's default form skips it)
      OpenClBuildException e =
          assertThrows(
              OpenClBuildException.class, () -> new OpenClBackend(null, ProductKernels.TILED));
      assertEquals("mul_trans_b", e.program());
      assertTrue(e.buildLog().contains("undeclared_name"), e.buildLog());
      assertTrue(e.getMessage().contains(e.buildLog()), e.getMessage());
    } finally {
      System.setProperty(KernelSources.DIRECTORY_PROPERTY, saved);
    }
  }

  @Test
  void aMissingSourceDirectoryIsAnError(@TempDir Path dir) {
    assertThrows(
        java.io.UncheckedIOException.class,
        () -> KernelSources.fromDirectory(dir.resolve("absent"), "mul"));
  }
}
