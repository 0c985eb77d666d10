package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code --backend} through the real command line: the choices the backends refuse end as one line
 * naming the option and exit 2, with nothing computed (the backends are found by name, the OpenCL
 * one through its registered provider).
 */
class BackendChoiceTest {

  @Test
  void openClInFloat64IsBadInput() {
    CliRun run = CliRun.of("seed", "--backend", "opencl", "--dtype", "float64");
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.out() + run.err());
    assertEquals(
        "error: --dtype: the opencl backend computes in float32; use --dtype float32\n", run.err());
    assertEquals("", run.out());
  }

  @Test
  void anUnknownBackendListsTheKnownOnes() {
    CliRun run = CliRun.of("seed", "--backend", "cuda");
    assertEquals(Main.EXIT_BAD_INPUT, run.exitCode(), run.out() + run.err());
    assertEquals("error: --backend: unknown backend 'cuda' (cpu, opencl)\n", run.err());
    assertEquals("", run.out());
  }
}
