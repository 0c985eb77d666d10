package org.vivit4j.experiment;

import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Turns SIGINT (Ctrl-C) and SIGTERM into a request to stop that the training loop polls at safe
 * points, so an interrupted experiment ends in order: the current step finishes, the CSV files are
 * closed, the plots are drawn, and the command exits with {@code 128 + signal} (130, 143) itself.
 *
 * <p>Why signal handlers and not a shutdown hook: a hook only runs once the JVM has begun to exit.
 * Then every other thread races with it (the main thread went on writing CSV rows the hook had
 * closed: "Stream closed"), and libraries refuse to register their own hooks or temporary files
 * (drawing failed with "Shutdown in progress" and left a 0-byte PNG). A hook that waits for the
 * main thread would still have the main thread draw inside the shutdown. A handler instead only
 * records the signal; the JVM is not shutting down while the plots are drawn.
 *
 * <p>The handlers are installed through {@code sun.misc.Signal} (module {@code jdk.unsupported},
 * present in every HotSpot JDK) by reflection, because javac's warning on that API cannot be
 * suppressed under {@code -Werror}. Where it is missing, or a signal is ignored at startup (as
 * {@code nohup} and background jobs of a non-interactive shell set up) or reserved ({@code -Xrs}),
 * that signal keeps its default action: the run ends at once with its CSV rows intact (each row is
 * flushed) and no plots, never half-written ones. After the first signal the previous handler is
 * put back, so a second Ctrl-C quits at once.
 */
public final class StopSignals implements AutoCloseable {
  private static final String[] NAMES = {"INT", "TERM"};

  private final AtomicReference<String> received = new AtomicReference<>();
  private final AtomicReference<Integer> number = new AtomicReference<>();
  private final PrintWriter err;
  private final List<Runnable> restore = new ArrayList<>();

  private StopSignals(PrintWriter err) {
    this.err = err;
  }

  /** Never requests a stop (for runs driven by code, not a terminal). */
  public static final StopRequest NEVER = () -> false;

  /** Whether the run should stop at the next safe point. */
  public interface StopRequest {
    boolean requested();
  }

  /**
   * Installs the handlers; {@link #close()} puts the previous ones back.
   *
   * @param err where the one-line notice goes when a signal arrives
   */
  public static StopSignals install(PrintWriter err) {
    StopSignals s = new StopSignals(err);
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> create = signalClass.getConstructor(String.class);
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Method getNumber = signalClass.getMethod("getNumber");
      for (String name : NAMES) {
        Object signal = create.newInstance(name);
        int num = (Integer) getNumber.invoke(signal);
        Object[] previous = new Object[1];
        Object handler =
            Proxy.newProxyInstance(
                handlerClass.getClassLoader(),
                new Class<?>[] {handlerClass},
                (proxy, method, args) ->
                    switch (method.getName()) {
                      case "handle" -> {
                        s.onSignal(name, num, () -> s.invoke(handle, signal, previous[0]));
                        yield null;
                      }
                      case "hashCode" -> System.identityHashCode(proxy);
                      case "equals" -> proxy == args[0];
                      default -> "StopSignals(SIG" + name + ")";
                    });
        previous[0] = handle.invoke(null, signal, handler);
        s.restore.add(() -> s.invoke(handle, signal, previous[0]));
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // No sun.misc.Signal, or the signal is reserved (-Xrs): the default action stays (see above).
    }
    return s;
  }

  private void invoke(Method handle, Object signal, Object handler) {
    try {
      handle.invoke(null, signal, handler);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Putting a handler back failed: ours stays, and a further signal is recorded again.
    }
  }

  private void onSignal(String name, int num, Runnable putPreviousBack) {
    if (received.compareAndSet(null, "SIG" + name)) {
      number.set(num);
      putPreviousBack.run();
      err.printf(
          "%nSIG%s: stopping after the current step, then closing the CSV files and drawing the"
              + " plots (send it again to quit at once)%n",
          name);
      err.flush();
    }
  }

  /** The stop request the training loop polls. */
  public StopRequest request() {
    return () -> received.get() != null;
  }

  /** The signal received ({@code SIGINT}, {@code SIGTERM}), or null. */
  public String received() {
    return received.get();
  }

  /** The exit status of a run stopped by the signal: {@code 128 + number}, as the shell reports. */
  public int exitCode() {
    Integer n = number.get();
    return n == null ? 0 : 128 + n;
  }

  @Override
  public void close() {
    restore.forEach(Runnable::run);
    restore.clear();
  }
}
