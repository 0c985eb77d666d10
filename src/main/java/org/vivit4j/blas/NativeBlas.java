package org.vivit4j.blas;

import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Loads the native BLAS once per JVM: OpenBLAS ({@code libopenblas.so.0}, Debian's {@code
 * libopenblas0}, installed by {@code tornado-env/setup}) through the JNI binding of {@code
 * dev.ludovic.netlib:blas}, which passes Java arrays to the library without copying them. OpenBLAS
 * uses every core unless {@code OPENBLAS_NUM_THREADS} says otherwise.
 *
 * <p>The system properties {@code dev.ludovic.netlib.blas.nativeLib} (a library name) or {@code
 * dev.ludovic.netlib.blas.nativeLibPath} (a path) choose another library; without either, this
 * class asks for {@code libopenblas.so.0} rather than netlib's default {@code libblas.so.3}, which
 * may be the slow reference BLAS.
 *
 * <p>Used by the CPU backend's matrix products and by the host linear algebra ({@code linalg}); it
 * depends on neither. Whether a missing library is an error is the caller's decision: this class
 * only says whether it loaded and, if not, why.
 */
public final class NativeBlas {
  /** System property naming the library to load (a file name the dynamic linker resolves). */
  public static final String LIB_PROPERTY = "dev.ludovic.netlib.blas.nativeLib";

  /** System property giving the path of the library to load. */
  public static final String PATH_PROPERTY = "dev.ludovic.netlib.blas.nativeLibPath";

  static final String DEFAULT_LIB = "libopenblas.so.0";

  // netlib logs every implementation it fails to load; this class reports failures itself. The
  // strong reference keeps the level from being garbage collected with the logger.
  private static final Logger NETLIB_LOG = Logger.getLogger("dev.ludovic.netlib.blas");

  private static volatile Loaded loaded;

  private record Loaded(NativeBLAS blas, String description, RuntimeException failure) {}

  private NativeBlas() {}

  /** Whether the native BLAS loads on this machine. */
  public static boolean isAvailable() {
    return load().blas != null;
  }

  /** The native BLAS, or null when it cannot be loaded ({@link #failure()} says why). */
  public static NativeBLAS orNull() {
    return load().blas;
  }

  /**
   * Why the native BLAS cannot be loaded: the loader's exception (its message names what is
   * missing), or null when it loads.
   */
  public static RuntimeException failure() {
    return load().failure;
  }

  /** Which library runs, e.g. {@code "OpenBLAS /usr/lib/…/libopenblasp-r0.3.21.so"}. */
  public static String description() {
    Loaded l = load();
    return l.blas == null ? "unavailable" : l.description;
  }

  /** The library asked for: the path or name from the system properties, else OpenBLAS. */
  public static String requestedLibrary() {
    String path = System.getProperty(PATH_PROPERTY);
    return path != null ? path : System.getProperty(LIB_PROPERTY, DEFAULT_LIB);
  }

  private static Loaded load() {
    Loaded l = loaded;
    if (l == null) {
      synchronized (NativeBlas.class) {
        l = loaded;
        if (l == null) {
          l = tryLoad();
          loaded = l;
        }
      }
    }
    return l;
  }

  private static Loaded tryLoad() {
    if (System.getProperty(LIB_PROPERTY) == null && System.getProperty(PATH_PROPERTY) == null) {
      System.setProperty(LIB_PROPERTY, DEFAULT_LIB);
    }
    Level level = NETLIB_LOG.getLevel();
    NETLIB_LOG.setLevel(Level.OFF);
    try {
      NativeBLAS blas = NativeBLAS.getInstance();
      // A 1×1 product proves the library's symbols resolve before anyone relies on it.
      double[] c = new double[1];
      blas.dgemm("N", "N", 1, 1, 1, 1.0, new double[] {2}, 1, new double[] {3}, 1, 0.0, c, 1);
      if (c[0] != 6) {
        throw new IllegalStateException("a 1×1 dgemm returned " + c[0] + " instead of 6");
      }
      String file = mappedLibrary();
      boolean openBlas = file.contains("openblas");
      String kind = openBlas ? "OpenBLAS " : "native BLAS ";
      String timeout = openBlas ? ", " + threadTimeout(System.getenv(THREAD_TIMEOUT_VARIABLE)) : "";
      return new Loaded(blas, kind + file + " via netlib JNI" + timeout, null);
    } catch (RuntimeException | LinkageError e) {
      RuntimeException failure =
          e instanceof RuntimeException re ? re : new IllegalStateException(e.toString(), e);
      return new Loaded(null, null, failure);
    } finally {
      NETLIB_LOG.setLevel(level);
    }
  }

  /** OpenBLAS's variable for how long its idle threads spin before they sleep. */
  public static final String THREAD_TIMEOUT_VARIABLE = "OPENBLAS_THREAD_TIMEOUT";

  /**
   * How OpenBLAS's idle threads wait, from {@code OPENBLAS_THREAD_TIMEOUT} (read once, when the
   * library loads): they spin for {@code 2^v} cycles, {@code v} clamped to 4…30, before they sleep;
   * unset, OpenBLAS spins 2^28 cycles (about 0.1 s), which on two cores takes a core from the Java
   * loops between products. {@code tornado-env/tornado-run} sets 16 unless the user set a value.
   */
  static String threadTimeout(String value) {
    if (value == null || value.isBlank()) {
      return THREAD_TIMEOUT_VARIABLE + " unset (idle threads spin 2^28 cycles)";
    }
    int v = atoi(value);
    String set = THREAD_TIMEOUT_VARIABLE + "=" + value.strip();
    if (v <= 0) {
      // OpenBLAS reads it with atoi and ignores what is not positive
      return set + " ignored (idle threads spin 2^28 cycles)";
    }
    return set + " (idle threads spin 2^" + Math.max(4, Math.min(30, v)) + " cycles)";
  }

  /**
   * C's {@code atoi} as glibc computes it, which is how OpenBLAS reads the variable: leading
   * blanks, a sign and the digits that follow ({@code "16abc"} is 16), the {@code long} that {@code
   * strtol} gives (saturated when it overflows) cast to {@code int}.
   */
  static int atoi(String s) {
    int i = 0;
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    boolean negative = false;
    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    long v = 0;
    for (; i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
      int d = s.charAt(i) - '0';
      if (v > (Long.MAX_VALUE - d) / 10) {
        return (int) (negative ? Long.MIN_VALUE : Long.MAX_VALUE);
      }
      v = 10 * v + d;
    }
    return (int) (negative ? -v : v);
  }

  /** The file the requested library resolved to, read from the process's memory map. */
  private static String mappedLibrary() {
    String wanted = requestedLibrary();
    String stem = Path.of(wanted).getFileName().toString().replaceFirst("\\.so.*$", "");
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        int slash = line.indexOf('/');
        if (slash >= 0) {
          String file = line.substring(slash);
          String name = Path.of(file).getFileName().toString();
          if (name.startsWith(stem) || (stem.contains("openblas") && name.contains("openblas"))) {
            return file;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // no /proc (not Linux): the requested name is all we know
    }
    return wanted;
  }
}
