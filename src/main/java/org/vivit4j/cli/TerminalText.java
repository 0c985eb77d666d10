package org.vivit4j.cli;

/**
 * Text from a file made safe for one terminal line. A problem's {@code name}, group names and the
 * strings quoted in messages come from the file and may hold anything: a newline would break the
 * one-line message contract, a NUL or an escape sequence ({@code ESC [ ...}) would reach the
 * terminal itself. The result file keeps such strings raw (JSON escapes them).
 */
final class TerminalText {
  private TerminalText() {}

  /**
   * {@code text} with JSON-style escapes for the characters a terminal would act on: {@code \n},
   * {@code \r}, {@code \t}, {@code \b}, {@code \f}, {@code \\} and {@code \}{@code uXXXX} for every
   * other control character (C0, DEL, C1), format character (e.g. the bidirectional overrides),
   * line or paragraph separator and unpaired surrogate. Other text, non-ASCII included, is kept.
   */
  static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      switch (cp) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (unsafe(cp)) {
            // a supplementary code point is written as its two UTF-16 escapes, as JSON does
            for (char c : Character.toChars(cp)) {
              sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            }
          } else {
            sb.appendCodePoint(cp);
          }
        }
      }
      i += Character.charCount(cp);
    }
    return sb.toString();
  }

  /** Control (C0, DEL, C1), format, separator or unpaired surrogate code points. */
  private static boolean unsafe(int cp) {
    int type = Character.getType(cp);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.SURROGATE;
  }
}
