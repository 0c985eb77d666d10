package org.vivit4j.cli;

import java.util.concurrent.Callable;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.Backends;
import org.vivit4j.backend.Gemm;
import org.vivit4j.blas.NativeBlas;
import org.vivit4j.opencl.OpenClBackend;
import picocli.CommandLine.Command;

/**
 * {@code tornado-run devices}: the backends and OpenCL devices this machine offers. The cpu line is
 * the device name of the backend {@code solve --backend cpu} creates, so it names what would run:
 * the native BLAS when it loads, else the plain Java loops.
 */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = {
      "Lists what --backend cpu runs (native BLAS or plain Java loops) and the OpenCL platforms",
      "and devices."
    })
final class DevicesCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    java.io.PrintWriter out = spec.commandLine().getOut();
    // Created the way solve creates it, so the line cannot disagree with a solve run.
    try (Backend cpu = Backends.create("cpu", null, Backends.defaultPrecision("cpu"), null)) {
      out.println("cpu: " + cpu.deviceName() + ", --gemm " + Gemm.fastestAvailable().optionName());
    }
    if (Gemm.fastestAvailable() == Gemm.PLAIN) {
      out.println("  native BLAS: " + NativeBlas.description() + " (--gemm blas is an error here)");
    } else {
      out.println("  --gemm plain: the plain Java loops instead");
    }
    for (String d : OpenClBackend.listDevices()) {
      out.println("opencl: " + d);
    }
    return 0;
  }
}
