package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The last resort: an {@link OutOfMemoryError} that escapes a command (the up-front estimate missed
 * it) ends as one line naming the heap limit and the {@code -Xmx} to use, exit 2, no stack trace.
 */
class OutOfMemoryLineTest {
  @CommandLine.Command(name = "exhaust")
  static final class Exhaust implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Test
  void outOfMemoryIsOneLineWithTheHeapToUse() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.addSubcommand("exhaust", new Exhaust());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("exhaust");
    assertEquals(Main.EXIT_BAD_INPUT, code, err.toString());
    String[] lines = err.toString().strip().split("\n");
    assertEquals(1, lines.length, err.toString());
    assertTrue(lines[0].startsWith("error: memory: the Java heap ran out"), lines[0]);
    assertTrue(lines[0].contains("JDK_JAVA_OPTIONS=-Xmx"), lines[0]);
    assertFalse(lines[0].contains("OutOfMemoryError"), lines[0]);
  }
}
