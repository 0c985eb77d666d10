package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The one line a signal-ended run prints, and that a finished command removes it. */
class InterruptedNoticeTest {
  @Test
  void theHookSaysWhatWasNotWrittenAndIsGoneAfterClose() {
    StringWriter text = new StringWriter();
    InterruptedNotice notice = new InterruptedNotice(new PrintWriter(text), "solve: stopped");
    assertTrue(notice.registered(), "registered while the command runs");
    notice.announce();
    assertEquals("solve: stopped" + System.lineSeparator(), text.toString());
    notice.close();
    assertFalse(notice.registered(), "removed once the command has finished");
  }
}
