package org.vivit4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link TerminalText#escape}: what a terminal would act on is escaped, other text is kept. */
class TerminalTextTest {
  @Test
  void controlFormatAndSeparatorCharactersAreEscaped() {
    assertEquals("a\\nb\\r\\t\\b\\f\\\\", TerminalText.escape("a\nb\r\t\b\f\\"));
    assertEquals(
        "\\u0000\\u001b[2J\\u007f\\u009b", TerminalText.escape("\u0000\u001b[2J\u007f\u009b"));
    assertEquals("\\u202eevil\\u2028\\u2029", TerminalText.escape("\u202eevil\u2028\u2029"));
    // a supplementary format character (a tag) as its two UTF-16 escapes, as JSON writes it
    assertEquals("\\udb40\\udc01", TerminalText.escape(new String(Character.toChars(0xE0001))));
  }

  @Test
  void unpairedSurrogatesAreEscapedPairedOnesKept() {
    String emoji = new String(Character.toChars(0x1F600));
    assertEquals(emoji, TerminalText.escape(emoji));
    assertEquals("\\ud83dx", TerminalText.escape("\ud83dx"));
    assertEquals("x\\ude00", TerminalText.escape("x\ude00"));
  }

  @Test
  void ordinaryTextIsKept() {
    String text = "group0: C̃·N_ggn = 4·6 ≥ λ, 'quoted' \"double\" é 中文";
    assertEquals(text, TerminalText.escape(text));
  }
}
