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
    // as OpenBLAS's atoi reads them: trailing text is dropped, overflow wraps as glibc's does
    assertEquals(v + "=12abc (idle threads spin 2^12 cycles)", NativeBlas.threadTimeout(" 12abc"));
    assertEquals(
        v + "=99999999999 (idle threads spin 2^30 cycles)",
        NativeBlas.threadTimeout("99999999999"));
    assertEquals(
        v + "=99999999999999999999999 ignored (idle threads spin 2^28 cycles)",
        NativeBlas.threadTimeout("99999999999999999999999"));
  }

  @Test
  void atoiReadsLikeGlibc() {
    assertEquals(16, NativeBlas.atoi("16"));
    assertEquals(-5, NativeBlas.atoi("  -5x"));
    assertEquals(7, NativeBlas.atoi("+7"));
    assertEquals(0, NativeBlas.atoi("abc"));
    assertEquals(0, NativeBlas.atoi("-"));
    assertEquals((int) 99999999999L, NativeBlas.atoi("99999999999"));
    assertEquals(-1, NativeBlas.atoi("99999999999999999999999"));
    assertEquals(0, NativeBlas.atoi("-99999999999999999999999"));
  }
}
