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
import org.vivit4j.model.Activation;
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

  /** A backend whose Gram contractions are off by 1e-6 relative: the check must notice. */
  private static final class SlightlyWrongBackend implements Backend {
    private final CpuBackend cpu = new CpuBackend(Precision.FLOAT64);

    @Override
    public String name() {
      return "cpu";
    }

    @Override
    public String deviceName() {
      return "deliberately wrong";
    }

    @Override
    public Precision precision() {
      return Precision.FLOAT64;
    }

    @Override
    public DeviceMatrix upload(double[] data, int rows, int cols) {
      return cpu.upload(data, rows, cols);
    }

    @Override
    public DeviceMatrix zeros(int rows, int cols) {
      return cpu.zeros(rows, cols);
    }

    @Override
    public double[] download(DeviceMatrix m) {
      return cpu.download(m);
    }

    @Override
    public DeviceMatrix mul(DeviceMatrix a, DeviceMatrix b) {
      return cpu.mul(a, b);
    }

    @Override
    public DeviceMatrix mulTransB(DeviceMatrix a, DeviceMatrix b) {
      DeviceMatrix c = cpu.mulTransB(a, b);
      double[] d = cpu.download(c);
      for (int i = 0; i < d.length; i++) {
        d[i] *= 1 + 1e-6 * (i % 3);
      }
      return cpu.upload(d, c.rows(), c.cols());
    }

    @Override
    public void accumulateHadamardExpanded(
        DeviceMatrix acc, DeviceMatrix p, DeviceMatrix q, int rowBlock, int colBlock) {
      cpu.accumulateHadamardExpanded(acc, p, q, rowBlock, colBlock);
    }

    @Override
    public void scaleByActivationDerivative(
        DeviceMatrix b, DeviceMatrix z, Activation act, int block) {
      cpu.scaleByActivationDerivative(b, z, act, block);
    }

    @Override
    public void close() {}
  }

  @Test
  void theSeedCheckReportsMismatches() {
    StringWriter text = new StringWriter();
    SeedCheck check = new SeedCheck(new PrintWriter(text, true));
    RandomProblems.Instance p = RandomProblems.seedArchitecture(3);
    check.run(p.network(), p.loss(), p.batch(), 4, new SlightlyWrongBackend(), null);
    assertTrue(check.mismatches() > 0, text.toString());
    assertTrue(text.toString().contains("false"), text.toString());
    assertTrue(text.toString().contains("do NOT match"), text.toString());
  }
}
