package org.vivit4j.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.backend.Precision;
import org.vivit4j.model.Activation;

/**
 * The backend's plumbing: transfers, release, device selection, statistics, binaries. Without an
 * OpenCL platform every test here fails (in CI and elsewhere); none is skipped.
 */
class OpenClBackendTest {
  private static OpenClBackend backend;

  @BeforeAll
  static void open() {
    backend = new OpenClBackend();
  }

  @AfterAll
  static void close() {
    backend.close();
  }

  @Test
  void anOpenClDeviceIsListed() {
    List<String> devices = OpenClBackend.listDevices();
    assertFalse(devices.isEmpty(), "the OpenCL tests need an OpenCL device; run tornado-env/setup");
    for (String line : devices) {
      assertTrue(line.matches("\\d+:\\d+  .+ / .+  type=.*"), line);
      assertTrue(line.contains("compute units=") && line.contains("fp64="), line);
    }
  }

  @Test
  void describesItself() {
    assertEquals("opencl", backend.name());
    assertEquals(Precision.FLOAT32, backend.precision());
    String name = backend.deviceName();
    assertTrue(name.matches(".+ \\(.+, OpenCL \\d+\\.\\d+.*\\)"), name);
    String device = name.substring(0, name.indexOf(" ("));
    assertTrue(
        OpenClBackend.listDevices().stream().anyMatch(l -> l.contains(" / " + device + "  ")),
        name);
  }

  @Test
  void uploadDownloadRoundTripRoundsToFloat32() {
    double[] data = KernelTwins.randomFloats(new SplittableRandom(3), 37 * 13, 100.0);
    data[0] = 0.1; // not a float32: comes back as the nearest float32
    data[1] = -0.0;
    data[2] = Double.POSITIVE_INFINITY;
    try (DeviceMatrix m = backend.upload(data, 37, 13)) {
      assertEquals(37, m.rows());
      assertEquals(13, m.cols());
      double[] back = backend.download(m);
      double[] expected = data.clone();
      expected[0] = (float) 0.1;
      assertArrayEquals(expected, back);
      assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(back[1]));
      assertNotSame(data, back);
    }
  }

  @Test
  void zerosAreZero() {
    try (DeviceMatrix m = backend.zeros(65, 129)) {
      assertArrayEquals(new double[65 * 129], backend.download(m));
    }
  }

  @Test
  void emptyMatricesAndEmptyInnerDimension() {
    try (DeviceMatrix empty = backend.upload(new double[0], 0, 5);
        DeviceMatrix a = backend.upload(new double[0], 3, 0);
        DeviceMatrix b = backend.upload(new double[0], 0, 4);
        DeviceMatrix c = backend.mul(a, b);
        DeviceMatrix g = backend.mulTransB(empty, empty)) {
      assertEquals(0, backend.download(empty).length);
      assertArrayEquals(new double[12], backend.download(c), "a 3×0 times 0×4 is zero");
      assertEquals(0, g.rows());
      assertEquals(0, g.cols());
    }
  }

  @Test
  void wrongShapesAreRejected() {
    try (DeviceMatrix a = backend.zeros(3, 4);
        DeviceMatrix b = backend.zeros(5, 6)) {
      assertThrows(IllegalArgumentException.class, () -> backend.mul(a, b));
      assertThrows(IllegalArgumentException.class, () -> backend.mulTransB(a, b));
      assertThrows(IllegalArgumentException.class, () -> backend.upload(new double[5], 2, 3));
    }
  }

  @Test
  void foreignMatricesAreRejected() {
    try (CpuBackend cpu = new CpuBackend(Precision.FLOAT32);
        OpenClBackend other = new OpenClBackend();
        DeviceMatrix host = cpu.zeros(2, 2);
        DeviceMatrix elsewhere = other.zeros(2, 2);
        DeviceMatrix mine = backend.zeros(2, 2)) {
      assertThrows(IllegalArgumentException.class, () -> backend.mul(mine, host));
      assertThrows(IllegalArgumentException.class, () -> backend.download(elsewhere));
    }
  }

  @Test
  void matrixCloseIsIdempotentAndReleasesTheBuffer() {
    int before = backend.openMatrices();
    DeviceMatrix m = backend.upload(new double[] {1, 2, 3}, 1, 3);
    assertEquals(before + 1, backend.openMatrices());
    m.close();
    m.close();
    assertEquals(before, backend.openMatrices());
    assertTrue(((OpenClMatrix) m).isReleased());
    assertThrows(IllegalStateException.class, () -> backend.download(m));
  }

  @Test
  void backendCloseReleasesEverythingAndIsIdempotent() {
    OpenClBackend b = new OpenClBackend();
    DeviceMatrix kept = b.upload(new double[] {1, 2}, 1, 2);
    DeviceMatrix product = b.mulTransB(kept, kept);
    assertEquals(2, b.openMatrices());
    b.close();
    b.close();
    assertEquals(0, b.openMatrices());
    assertTrue(((OpenClMatrix) kept).isReleased());
    assertTrue(((OpenClMatrix) product).isReleased());
    kept.close(); // closing a matrix after its backend is harmless
    assertThrows(IllegalStateException.class, () -> b.zeros(1, 1));
    assertThrows(IllegalStateException.class, () -> b.download(product));
    assertThrows(IllegalStateException.class, b::kernelStats);
  }

  @Test
  void unknownDeviceSelectorFailsWithAClearMessage() {
    OpenClUnavailableException e =
        assertThrows(
            OpenClUnavailableException.class, () -> new OpenClBackend("no-such-device-xyz"));
    String msg = e.getMessage();
    assertTrue(msg.contains("'no-such-device-xyz'"), msg);
    assertTrue(msg.contains("Available devices; 0:0 "), msg);
    assertTrue(msg.contains("will not fall back to the CPU"), msg);
    OpenClUnavailableException byIndex =
        assertThrows(OpenClUnavailableException.class, () -> new OpenClBackend("9:9"));
    assertTrue(byIndex.getMessage().contains("'9:9'"), byIndex.getMessage());
  }

  @Test
  void selectorsByIndexAndByNameFindTheDevice() {
    String name = backend.deviceName();
    String device = name.substring(0, name.indexOf(" (")).toUpperCase(Locale.ROOT);
    try (OpenClBackend byName = new OpenClBackend(device);
        OpenClBackend byIndex = new OpenClBackend("0:0")) {
      assertEquals(name, byName.deviceName());
      assertTrue(
          OpenClBackend.listDevices().get(0).contains(byIndex.deviceName().split(" \\(")[0]));
    }
  }

  @Test
  void kernelStatsCountLaunchesTimeAndFlops() {
    // the tiled form, whose mul_trans_b also computes a Gram of one buffer whole
    try (OpenClBackend b = new OpenClBackend(null, ProductKernels.TILED);
        DeviceMatrix x =
            b.upload(KernelTwins.randomFloats(new SplittableRandom(1), 65 * 17, 1), 65, 17);
        DeviceMatrix z = b.upload(new double[13 * 17], 13, 17)) {
      assertTrue(b.kernelStats().isEmpty());
      for (int i = 0; i < 3; i++) {
        b.mulTransB(x, x).close();
      }
      b.scaleByActivationDerivative(x, z, Activation.TANH, 5);
      Map<String, KernelStats> stats = b.kernelStats();
      assertEquals(
          List.of("mul_trans_b", "scale_by_activation_derivative"), List.copyOf(stats.keySet()));
      KernelStats gram = stats.get("mul_trans_b");
      assertEquals(3, gram.launches());
      assertTrue(gram.deviceNanos() > 0, gram.toString());
      assertEquals(3 * 2.0 * 65 * 65 * 17, gram.flops());
      assertEquals(1, stats.get("scale_by_activation_derivative").launches());
      b.resetKernelStats();
      assertTrue(b.kernelStats().isEmpty());
    }
  }

  @Test
  void buffersPastTheDeviceMemoryAreRefusedAfterThePoolIsReleased() {
    // a device of 4096 bytes: two 16×32 float32 buffers fill it
    try (OpenClBackend b = new OpenClBackend(null, null, 4096)) {
      DeviceMatrix first = b.zeros(16, 32);
      DeviceMatrix second = b.zeros(16, 32);
      assertEquals(4096, b.bytesInBuffers());
      DeviceMemoryException e = assertThrows(DeviceMemoryException.class, () -> b.zeros(1, 1));
      assertTrue(e.getMessage().contains("no room for a 1×1 float32 buffer"), e.getMessage());
      assertTrue(e.getMessage().contains("--factor-chunk"), e.getMessage());
      assertEquals(4096, b.bytesInBuffers(), "the refused buffer was not created");
      // a closed matrix's buffer waits in the pool; a buffer of another size needs its room
      first.close();
      try (DeviceMatrix small = b.upload(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 4)) {
        assertEquals(2048 + 32, b.bytesInBuffers(), "the pooled 2048 bytes were released");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, b.download(small));
      }
      second.close();
    }
  }

  @Test
  void outOfMemoryStatusesAreTheDriversWaysOfSayingSo() {
    assertTrue(OpenClBufferPool.isOutOfMemory(org.jocl.CL.CL_MEM_OBJECT_ALLOCATION_FAILURE));
    assertTrue(OpenClBufferPool.isOutOfMemory(org.jocl.CL.CL_OUT_OF_RESOURCES));
    assertTrue(OpenClBufferPool.isOutOfMemory(org.jocl.CL.CL_OUT_OF_HOST_MEMORY));
    assertFalse(OpenClBufferPool.isOutOfMemory(org.jocl.CL.CL_INVALID_VALUE));
  }

  @Test
  void concurrentCallersGetCorrectResults() throws Exception {
    // the kernels' arguments are shared state: the backend must serialise launches
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        results.add(
            pool.submit(
                () -> {
                  int m = 37 + seed;
                  int k = 13 + 2 * seed;
                  SplittableRandom rng = new SplittableRandom(seed);
                  double[] a = KernelTwins.randomFloats(rng, m * k, 1.0);
                  boolean ok = true;
                  for (int rep = 0; rep < 20; rep++) {
                    try (DeviceMatrix da = backend.upload(a, m, k);
                        DeviceMatrix g = backend.mulTransB(da, da)) {
                      KernelTwins.Twin twin = KernelTwins.mulTransB(a, a, m, k, m);
                      double[] got = backend.download(g);
                      for (int i = 0; i < got.length; i++) {
                        double tol = KernelTolerances.dot(k) * twin.magnitude()[i];
                        ok &= Math.abs(got[i] - twin.value()[i]) <= tol;
                      }
                    }
                  }
                  return ok;
                }));
      }
      for (Future<Boolean> r : results) {
        assertTrue(r.get(120, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void buildTimeAndProgramBinariesAreReported() {
    assertTrue(
        backend.buildSeconds() > 0 && backend.buildSeconds() < 600, "" + backend.buildSeconds());
    Map<String, byte[]> binaries = backend.programBinaries();
    // every program but the other product form's
    ProductKernels form = backend.productKernels();
    assertEquals(
        OpenClBackend.PROGRAMS.keySet().stream().filter(form::builds).toList(),
        List.copyOf(binaries.keySet()));
    assertTrue(binaries.containsKey(form == ProductKernels.VECTOR ? "products_vector" : "mul"));
    assertFalse(binaries.containsKey(form == ProductKernels.VECTOR ? "mul" : "products_vector"));
    binaries.forEach((program, bytes) -> assertTrue(bytes.length > 0, program));
  }
}
