package org.vivit4j.blas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The BLAS description states how OpenBLAS's idle threads wait, as OpenBLAS reads the variable. */
class NativeBlasThreadTimeoutTest {
  @Test
  void statesTheSpinOpenBlasUses() {
    String v = NativeBlas.THREAD_TIMEOUT_VARIABLE;
    assertEquals(v + " unset (idle threads spin 2^28 cycles)", NativeBlas.threadTimeout(null));
    assertEquals(v + " unset (idle threads spin 2^28 cycles)", NativeBlas.threadTimeout(" "));
    assertEquals(v + "=16 (idle threads spin 2^16 cycles)", NativeBlas.threadTimeout("16"));
    assertEquals(v + "=1 (idle threads spin 2^4 cycles)", NativeBlas.threadTimeout("1"));
    assertEquals(v + "=99 (idle threads spin 2^30 cycles)", NativeBlas.threadTimeout("99"));
    assertEquals(
        v + "=abc ignored (idle threads spin 2^28 cycles)", NativeBlas.threadTimeout("abc"));
    assertEquals(v + "=0 ignored (idle threads spin 2^28 cycles)", NativeBlas.threadTimeout("0"));
  }
}
