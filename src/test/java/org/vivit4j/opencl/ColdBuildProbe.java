package org.vivit4j.opencl;

import org.vivit4j.backend.DeviceMatrix;

/**
 * Child-process entry point for {@link SignalChainingTest}: builds every OpenCL program from
 * scratch several times (the parent disables PoCL's kernel cache) while Java threads keep running
 * into safepoints, the situation in which LLVM's signal handlers used to crash the JVM.
 */
final class ColdBuildProbe {
  private static volatile double sink;

  private ColdBuildProbe() {}

  public static void main(String[] args) {
    int builds = Integer.parseInt(args[0]);
    for (int t = 0; t < 2; t++) {
      Thread busy = new Thread(ColdBuildProbe::allocateForever, "busy-" + t);
      busy.setDaemon(true);
      busy.start();
    }
    System.out.println("jsig=" + SignalChaining.preloaded());
    for (int i = 0; i < builds; i++) {
      try (OpenClBackend backend = new OpenClBackend()) {
        DeviceMatrix x = backend.upload(new double[] {1, 2, 3, 4}, 2, 2);
        double[] square = backend.download(backend.mul(x, x));
        if (square[0] != 7 || square[3] != 22) {
          System.out.println("wrong product " + java.util.Arrays.toString(square));
          System.exit(1);
        }
      }
      System.out.println("built " + (i + 1));
    }
  }

  private static void allocateForever() {
    java.util.Random random = new java.util.Random(1);
    double s = 0;
    while (true) {
      double[] x = new double[1024];
      for (int i = 0; i < x.length; i++) {
        x[i] = random.nextDouble();
        s += x[i];
      }
      sink = s;
    }
  }
}
