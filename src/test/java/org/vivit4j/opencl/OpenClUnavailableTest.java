package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No usable OpenCL: one clear {@link OpenClUnavailableException}, never a CPU fallback. */
class OpenClUnavailableTest {

  @Test
  void noPlatformGivesOneClearMessage(@TempDir Path emptyVendors) throws Exception {
    // A child JVM whose ICD loader looks for vendor files in an empty folder sees no platform.
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(
            java.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            NoPlatformProbe.class.getName());
    pb.environment().put("OCL_ICD_VENDORS", emptyVendors.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(NoPlatformProbe.UNAVAILABLE_EXIT, p.exitValue(), out);
    assertTrue(out.startsWith("no OpenCL platform found: install an OpenCL runtime"), out);
    assertTrue(out.contains("apt-get install pocl-opencl-icd"), out);
    assertTrue(out.contains("will not fall back to the CPU"), out);
  }

  @Test
  void missingUnversionedLoaderLinkIsNamed(@TempDir Path lib) throws IOException {
    Files.createFile(lib.resolve("libOpenCL.so.1"));
    UnsatisfiedLinkError cause =
        new UnsatisfiedLinkError("Implementation library could not be loaded");
    String msg = OpenClDevices.libraryMissingMessage(cause, List.of(lib.toString()));
    assertTrue(
        msg.contains("JOCL opens libOpenCL.so, but only " + lib.resolve("libOpenCL.so.1")), msg);
    assertTrue(msg.contains("apt-get install ocl-icd-opencl-dev"), msg);
    assertTrue(msg.contains("will not fall back to the CPU"), msg);
  }

  @Test
  void missingLoaderSaysWhatToInstall(@TempDir Path lib) {
    String msg =
        OpenClDevices.libraryMissingMessage(
            new NoClassDefFoundError("Could not initialize class org.jocl.CL"),
            List.of(lib.toString()));
    assertTrue(msg.startsWith("OpenCL is not available: the OpenCL ICD loader"), msg);
    assertTrue(msg.contains("apt-get install pocl-opencl-icd ocl-icd-libopencl1"), msg);
    assertTrue(msg.contains("will not fall back to the CPU"), msg);
  }
}
