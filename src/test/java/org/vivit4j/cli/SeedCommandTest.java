package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.backend.Precision;
import org.vivit4j.problems.RandomProblems;

class SeedCommandTest {
  @Test
  void seedJobMatchesOnTheCpu() {
    CliRun run = CliRun.of("seed");
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("RESULT: all 45 checks match"), run.out());
    assertFalse(run.out().contains("false"), run.out());
    assertTrue(run.out().contains("backend: cpu"), run.out());
    assertTrue(run.out().contains("Comparison with the real ViViT"), run.out());
  }

  @Test
  void seedJobMatchesOnOpenCl() {
    CliRun run = CliRun.of("seed", "--backend", "opencl");
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("backend: opencl, device: "), run.out());
    assertTrue(run.out().contains("dtype: float32"), run.out());
    assertTrue(run.out().contains("RESULT: all 45 checks match"), run.out());
  }

  @Test
  void randomSeedJobComparesWithTheReferenceOnly() {
    CliRun run = CliRun.of("seed", "--random", "--seed", "11");
    assertEquals(0, run.exitCode(), run.out() + run.err());
    assertTrue(run.out().contains("RESULT: all 40 checks match"), run.out());
    assertFalse(run.out().contains("real ViViT"), run.out());
  }

  @Test
  void openClWithAnUnknownDeviceFailsLoudly() {
    CliRun run = CliRun.of("seed", "--backend", "opencl", "--device", "no-such-device");
    assertEquals(Main.EXIT_UNAVAILABLE, run.exitCode());
    assertTrue(run.err().contains("will not fall back to the CPU"), run.err());
    assertFalse(run.out().contains("RESULT"), run.out());
  }

  /**
   * A backend whose {@code mulTransB} (the Gram contractions) is off by up to 2e-6 relative: the
   * check must notice. A proxy forwards every other operation to the CPU backend, so the test does
   * not change when the interface grows.
   */
  private static Backend slightlyWrongBackend() {
    CpuBackend cpu = new CpuBackend(Precision.FLOAT64);
    return (Backend)
        java.lang.reflect.Proxy.newProxyInstance(
            Backend.class.getClassLoader(),
            new Class<?>[] {Backend.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(cpu, args);
              } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
              }
              if (method.getName().equals("mulTransB")) {
                DeviceMatrix c = (DeviceMatrix) result;
                double[] d = cpu.download(c);
                for (int i = 0; i < d.length; i++) {
                  d[i] *= 1 + 1e-6 * (i % 3);
                }
                return cpu.upload(d, c.rows(), c.cols());
              }
              return result;
            });
  }

  @Test
  void theSeedCheckReportsMismatches() {
    StringWriter text = new StringWriter();
    SeedCheck check = new SeedCheck(new PrintWriter(text, true));
    RandomProblems.Instance p = RandomProblems.seedArchitecture(3);
    check.run(p.network(), p.loss(), p.batch(), 4, slightlyWrongBackend(), null);
    assertTrue(check.mismatches() > 0, text.toString());
    assertTrue(text.toString().contains("false"), text.toString());
    assertTrue(text.toString().contains("do NOT match"), text.toString());
  }
}
