package org.vivit4j.opencl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Whether the JVM's signal-chaining library ({@code libjsig.so}) is preloaded, and a one-time
 * warning when it is not.
 *
 * <p>Why it matters: OpenCL drivers that compile kernels in-process with LLVM (PoCL, the CPU OpenCL
 * of CI) register LLVM's own handlers for SIGSEGV, SIGBUS, SIGILL, … while they build, with {@code
 * SA_RESETHAND}. HotSpot uses SIGSEGV itself (safepoint polls, implicit null checks), so the next
 * such fault in any Java thread lands in LLVM's handler, which deletes LLVM's temporary files (a
 * concurrent build then fails with "unable to rename temporary …") and resets SIGSEGV to the
 * default action: a second Java thread faulting at that moment kills the JVM with a bare
 * "Segmentation fault" and no hs_err file. Preloading libjsig ({@code
 * LD_PRELOAD=$JAVA_HOME/lib/libjsig.so}) makes such {@code sigaction} calls register chained
 * handlers behind the JVM's instead of replacing them. {@code tornado-run}, {@code jmh} and the
 * Maven test forks preload it.
 */
public final class SignalChaining {
  private static final Logger LOG = Logger.getLogger(SignalChaining.class.getName());
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private SignalChaining() {}

  /**
   * Whether libjsig is mapped into this process (read once from {@code /proc/self/maps}: a preload
   * cannot change after the JVM started).
   */
  public static boolean preloaded() {
    return Preloaded.VALUE;
  }

  private static final class Preloaded {
    static final boolean VALUE = readMaps();

    private static boolean readMaps() {
      try {
        return mapsShowJsig(Files.readAllLines(Path.of("/proc/self/maps")));
      } catch (IOException | RuntimeException e) {
        return false; // no /proc (not Linux): cannot tell, so treat as absent
      }
    }
  }

  /** Whether lines in the format of {@code /proc/<pid>/maps} include a mapping of libjsig. */
  static boolean mapsShowJsig(List<String> mapsLines) {
    for (String line : mapsLines) {
      int slash = line.indexOf('/');
      if (slash >= 0 && line.substring(slash).endsWith("/libjsig.so")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Takes libjsig out of a non-Java child's {@code LD_PRELOAD} (inherited from {@code
   * tornado-run}): in a process without a JVM it only prints deprecation warnings when the program
   * calls {@code signal()}, as git does.
   */
  public static ProcessBuilder withoutJsig(ProcessBuilder pb) {
    java.util.Map<String, String> env = pb.environment();
    String preload = env.get("LD_PRELOAD");
    if (preload != null) {
      String kept =
          java.util.Arrays.stream(preload.split("[: ]"))
              .filter(lib -> !lib.isEmpty() && !lib.endsWith("/libjsig.so"))
              .collect(java.util.stream.Collectors.joining(":"));
      if (kept.isEmpty()) {
        env.remove("LD_PRELOAD");
      } else {
        env.put("LD_PRELOAD", kept);
      }
    }
    return pb;
  }

  /** How to preload it for this JVM. */
  public static String advice() {
    return "start the JVM with LD_PRELOAD="
        + Path.of(System.getProperty("java.home"), "lib", "libjsig.so")
        + " (tornado-env/tornado-run does)";
  }

  /**
   * Logs, once per JVM, that kernel builds may crash it because libjsig is not preloaded.
   *
   * @return whether the warning was logged by this call
   */
  static boolean warnIfMissing() {
    if (preloaded() || !WARNED.compareAndSet(false, true)) {
      return false;
    }
    LOG.warning(
        "libjsig is not preloaded: an OpenCL driver that compiles kernels with LLVM in-process"
            + " (e.g. PoCL) can replace the JVM's SIGSEGV handler during a build and crash the"
            + " JVM; "
            + advice());
    return true;
  }
}
