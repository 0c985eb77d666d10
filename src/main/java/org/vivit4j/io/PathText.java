package org.vivit4j.io;

import java.nio.file.Path;

/** A path as it may appear in a one-line message. */
public final class PathText {
  private PathText() {}

  /**
   * The path as given, with control characters (a newline, a terminal escape) written as Java
   * escapes (backslash-n, backslash-u001b) and a backslash doubled, so a file name cannot break the
   * line or drive the terminal.
   */
  public static String of(Path p) {
    String s = p.toString();
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n') {
        out.append("\\n");
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\\') {
        out.append("\\\\");
      } else if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
