package org.vivit4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.vivit4j.blas.NativeBlas;

/**
 * Where and when a benchmark ran: commit, date, JDK, CPU, cores, BLAS, heap and the exact command.
 *
 * @param commit short commit hash (with {@code -dirty} when the work tree has changes), or {@code
 *     unknown}
 */
public record BenchEnvironment(
    String commit,
    String dateUtc,
    String jdk,
    String cpu,
    int cores,
    String blas,
    long maxHeapBytes,
    List<String> jvmArguments,
    String command) {

  /** Reads the environment of this JVM; {@code command} is the command line as typed. */
  public static BenchEnvironment current(String command) {
    return new BenchEnvironment(
        gitCommit(),
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC)
            .format(Instant.now()),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        NativeBlas.description(),
        Runtime.getRuntime().maxMemory(),
        ManagementFactory.getRuntimeMXBean().getInputArguments(),
        command);
  }

  /** The date part, {@code yyyy-MM-dd}. */
  public String date() {
    return dateUtc.substring(0, 10);
  }

  static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  /** {@code git rev-parse --short HEAD} (+ {@code -dirty}), or a bundle's COMMIT file. */
  static String gitCommit() {
    String head = git("rev-parse", "--short", "HEAD");
    if (head == null) {
      try {
        return Files.readString(Path.of("COMMIT")).trim();
      } catch (IOException e) {
        return "unknown";
      }
    }
    String status = git("status", "--porcelain", "--untracked-files=no");
    return status == null || status.isBlank() ? head : head + "-dirty";
  }

  private static String git(String... args) {
    try {
      List<String> cmd = new java.util.ArrayList<>(List.of("git"));
      cmd.addAll(List.of(args));
      Process p =
          org.vivit4j.opencl.SignalChaining.withoutJsig(new ProcessBuilder(cmd))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
