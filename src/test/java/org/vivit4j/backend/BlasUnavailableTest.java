package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vivit4j.blas.NativeBlas;

/**
 * A missing native BLAS: {@code --gemm blas} fails with one clear line and exit code 3, never a
 * silent run on the plain loops; {@code --gemm auto} says in the device line that the loops ran.
 * Each case runs the CLI in a child JVM whose BLAS library name points nowhere (the loader state is
 * per JVM).
 */
class BlasUnavailableTest {

  private static Result runCli(String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                java.toString(),
                "-D" + NativeBlas.LIB_PROPERTY + "=libvivit4j-no-such-blas.so.0",
                "-cp",
                System.getProperty("java.class.path"),
                "org.vivit4j.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
    return new Result(
        p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private record Result(int exit, String output) {}

  @Test
  void requestedBlasThatCannotLoadIsAnError() throws Exception {
    Result r = runCli("seed", "--gemm", "blas");
    assertEquals(3, r.exit(), r.output());
    assertTrue(r.output().contains("libvivit4j-no-such-blas.so.0"), r.output());
    assertTrue(r.output().contains("--gemm plain"), r.output());
    assertTrue(!r.output().contains("close: true"), "must not run: " + r.output());
  }

  @Test
  void autoWithoutBlasRunsThePlainLoopsAndSaysSo() throws Exception {
    Result r = runCli("seed", "--gemm", "auto");
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("plain Java"), r.output());
  }
}
