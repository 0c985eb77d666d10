package org.vivit4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.model.InvalidInputException;

/**
 * The backend factory: the CPU backend is built in, {@code opencl} is found through its registered
 * provider (this package does not know it), and each backend refuses the options it does not take
 * before any device is touched. None of these cases needs an OpenCL device.
 */
class BackendsTest {

  @Test
  void theOpenClProviderIsFoundOnTheClassPath() {
    assertEquals(List.of("cpu", "opencl"), Backends.names());
  }

  @Test
  void eachBackendHasItsDefaultPrecision() {
    assertEquals(Precision.FLOAT64, Backends.defaultPrecision("cpu"));
    assertEquals(Precision.FLOAT32, Backends.defaultPrecision("opencl"));
    assertEquals(Precision.FLOAT64, Backends.defaultPrecision("no-such-backend"));
  }

  @Test
  void cpuIsCreatedWithTheGemmAskedFor() {
    try (Backend b = Backends.create("cpu", null, Precision.FLOAT32, Gemm.PLAIN)) {
      CpuBackend cpu = assertInstanceOf(CpuBackend.class, b);
      assertEquals(Gemm.PLAIN, cpu.gemm());
      assertEquals(Precision.FLOAT32, cpu.precision());
      assertEquals("cpu", cpu.name());
    }
  }

  @Test
  void anUnknownBackendNamesTheKnownOnes() {
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> Backends.create("cuda", null, null));
    assertEquals("--backend", e.field());
    assertEquals("--backend: unknown backend 'cuda' (cpu, opencl)", e.getMessage());
  }

  @Test
  void cpuRefusesADevice() {
    InvalidInputException e =
        assertThrows(
            InvalidInputException.class,
            () -> Backends.create("cpu", "0:0", Precision.FLOAT64, Gemm.PLAIN));
    assertEquals("--device: applies to --backend opencl only", e.getMessage());
  }

  @Test
  void openClRefusesGemmAndFloat64BeforeLookingForADevice() {
    InvalidInputException gemm =
        assertThrows(
            InvalidInputException.class,
            () -> Backends.create("opencl", null, Precision.FLOAT32, Gemm.PLAIN));
    assertEquals("--gemm: applies to --backend cpu only", gemm.getMessage());
    InvalidInputException dtype =
        assertThrows(
            InvalidInputException.class,
            () -> Backends.create("opencl", null, Precision.FLOAT64, null));
    assertEquals(
        "--dtype: the opencl backend computes in float32; use --dtype float32", dtype.getMessage());
  }
}
