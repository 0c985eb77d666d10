package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libjsig keeps the JVM's signal handlers in place while PoCL's in-process LLVM builds kernels (see
 * {@link SignalChaining}); without it CI's test JVM died with a bare "Segmentation fault".
 */
class SignalChainingTest {

  @Test
  void mapsParsingFindsOnlyTheLibrary() {
    String jsig =
        "7f5e9a000000-7f5e9a001000 r-xp 00000000 fd:01 123 /usr/lib/jvm/jdk/lib/libjsig.so";
    String other = "7f5e9b000000-7f5e9b001000 r-xp 00000000 fd:01 124 /usr/lib/libjsig.so.bak";
    assertTrue(SignalChaining.mapsShowJsig(List.of(other, jsig)));
    assertFalse(SignalChaining.mapsShowJsig(List.of(other, "00400000-00401000 r-xp [heap]")));
    assertFalse(SignalChaining.mapsShowJsig(List.of()));
  }

  @Test
  void nonJavaChildrenDoNotInheritJsig() {
    ProcessBuilder pb = new ProcessBuilder("true");
    pb.environment().put("LD_PRELOAD", "/jdk/lib/libjsig.so:/opt/other.so");
    assertEquals("/opt/other.so", SignalChaining.withoutJsig(pb).environment().get("LD_PRELOAD"));
    pb.environment().put("LD_PRELOAD", "/jdk/lib/libjsig.so");
    assertFalse(SignalChaining.withoutJsig(pb).environment().containsKey("LD_PRELOAD"));
  }

  @Test
  void theTestJvmPreloadsJsig() {
    assertTrue(
        SignalChaining.preloaded(),
        "the surefire fork must run with LD_PRELOAD=${java.home}/lib/libjsig.so (pom.xml); "
            + SignalChaining.advice());
  }

  /**
   * Cold kernel builds with busy Java threads, in a JVM started the way {@code tornado-run} starts
   * it (its {@code jsig-preload} helper sets {@code LD_PRELOAD}). Without libjsig this crashed or
   * failed a build in every run of 6 builds on the development machine (4 of 4).
   */
  @Test
  void coldBuildsBesideBusyJavaThreadsSurvive(@TempDir Path cache) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path helper = Path.of("tornado-env", "jsig-preload").toAbsolutePath();
    String script =
        "java_bin=\"$1\"; shift; source \"$HELPER\"; echo \"LD_PRELOAD=$LD_PRELOAD\"; exec"
            + " \"$java_bin\" \"$@\"";
    ProcessBuilder pb =
        new ProcessBuilder(
            "bash",
            "-c",
            script,
            "probe",
            java.toString(),
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:GuaranteedSafepointInterval=1",
            "-Dvivit4j.kernels=" + System.getProperty("vivit4j.kernels", "kernels"),
            "-cp",
            System.getProperty("java.class.path"),
            ColdBuildProbe.class.getName(),
            "4");
    pb.environment().put("HELPER", helper.toString());
    pb.environment().remove("LD_PRELOAD");
    pb.environment().remove("VIVIT4J_NO_JSIG");
    pb.environment().put("POCL_KERNEL_CACHE", "0");
    pb.environment().put("POCL_CACHE_DIR", cache.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), "probe JVM did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("/libjsig.so"), out);
    assertTrue(out.contains("jsig=true"), out);
    assertTrue(out.contains("built 4"), out);
  }
}
