package org.vivit4j.cli;

import java.util.concurrent.Callable;
import org.vivit4j.opencl.OpenClBackend;
import picocli.CommandLine.Command;

/** {@code tornado-run devices}: the backends and OpenCL devices this machine offers. */
@Command(
    name = "devices",
    mixinStandardHelpOptions = true,
    description = "Lists the OpenCL platforms and devices (exit 3 when there is none).")
final class DevicesCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    java.io.PrintWriter out = spec.commandLine().getOut();
    out.println(
        "cpu: host CPU (plain Java), " + Runtime.getRuntime().availableProcessors() + " cores");
    for (String d : OpenClBackend.listDevices()) {
      out.println("opencl: " + d);
    }
    return 0;
  }
}
