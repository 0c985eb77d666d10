package org.vivit4j.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Mutations of a problem file's bytes: what an interrupted copy or a wrong file does. */
final class TextMutations {
  private TextMutations() {}

  enum Kind {
    /** Cut the file at a random byte (an interrupted download). */
    TRUNCATE,
    /** Something after the top-level object. */
    TRAILING_CONTENT,
    /** A UTF-8 byte-order mark in front. */
    BYTE_ORDER_MARK,
    /** Not a problem at all: empty, {@code null}, a list, a bare number, binary junk. */
    REPLACE_WHOLE,
    /** A byte that is not UTF-8 inside the text. */
    INVALID_UTF8,
    /** A random byte overwritten (bit rot). */
    FLIP_BYTE
  }

  record Applied(byte[] bytes, String description) {}

  static Applied apply(Kind kind, byte[] b, SplittableRandom rnd) {
    switch (kind) {
      case TRUNCATE -> {
        int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
        return new Applied(Arrays.copyOf(b, at), "at byte " + at + " of " + b.length);
      }
      case TRAILING_CONTENT -> {
        String[] tails = {"x", "{}", " ,", "\n{\"N\": 3}", "]", "\u0000"};
        String t = tails[rnd.nextInt(tails.length)];
        return new Applied(concat(b, t.getBytes(StandardCharsets.UTF_8)), "appended " + show(t));
      }
      case BYTE_ORDER_MARK -> {
        return new Applied(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, b), "");
      }
      case REPLACE_WHOLE -> {
        String[] whole = {"", " ", "null", "[]", "{}", "3", "\"problem\"", "[{}]", "{\"\": 1}"};
        String w = whole[rnd.nextInt(whole.length)];
        return new Applied(w.getBytes(StandardCharsets.UTF_8), "with " + show(w));
      }
      case INVALID_UTF8 -> {
        int at = rnd.nextInt(b.length + 1);
        byte[] bad = {(byte) 0xC3, (byte) 0x28};
        byte[] out = concat(concat(Arrays.copyOf(b, at), bad), Arrays.copyOfRange(b, at, b.length));
        return new Applied(out, "0xC3 0x28 at byte " + at);
      }
      case FLIP_BYTE -> {
        if (b.length == 0) {
          return new Applied(b, "nothing to flip");
        }
        int at = rnd.nextInt(b.length);
        byte[] out = b.clone();
        out[at] = (byte) (32 + rnd.nextInt(95));
        return new Applied(
            out, "byte " + at + " '" + (char) b[at] + "' -> '" + (char) out[at] + "'");
      }
      default -> throw new IllegalStateException(kind.toString());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A short printable form for mutation lists. */
  static String show(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c < 32 || c > 126) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    String out = sb.append('"').toString();
    return out.length() > 60 ? out.substring(0, 57) + "...\"" : out;
  }
}
