package org.vivit4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The top-level keys of a problem file: those the reader uses, the metadata keys of the golden
 * files that are skipped without a word, and a warning for every other key (a misspelt {@code
 * "computaton"} would otherwise silently run with the defaults).
 */
final class TopLevelKeys {
  private TopLevelKeys() {}

  /** The keys {@link ProblemReader} reads, in the order of docs/SCHEMA.md. */
  static final List<String> KNOWN =
      List.of(
          "schema_version",
          "name",
          "N",
          "input_shape",
          "num_outputs",
          "num_params",
          "loss",
          "model",
          "graph",
          "params",
          "X",
          "y",
          "computation",
          "param_groups");

  /**
   * Metadata of the golden files ({@code shared/golden/README.md}): not read, and not worth a
   * warning, so that every golden case is a problem file that reads without a word.
   */
  static final Set<String> METADATA =
      Set.of(
          "description",
          "dtype",
          "outputs",
          "outputs_float32_example",
          "vivit_warnings",
          "check",
          "provenance");

  /**
   * One warning per top-level key of {@code root} that is neither {@link #KNOWN} nor {@link
   * #METADATA}, in file order; a key one edit away from a known key suggests it.
   */
  static List<String> unknownKeyWarnings(JsonNode root) {
    List<String> warnings = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (KNOWN.contains(key) || METADATA.contains(key)) {
        continue;
      }
      String near = nearestKnown(key);
      warnings.add(
          "unknown top-level key '"
              + key
              + "' is ignored"
              + (near == null ? "" : " (did you mean '" + near + "'?)"));
    }
    return warnings;
  }

  /**
   * The known key that differs from {@code key} only in case, else the first known key one edit
   * away from it ({@code "x"} is one edit from {@code N}, {@code X} and {@code y}), or {@code
   * null}.
   */
  static String nearestKnown(String key) {
    for (String known : KNOWN) {
      if (known.equalsIgnoreCase(key)) {
        return known;
      }
    }
    for (String known : KNOWN) {
      if (oneEditApart(key, known)) {
        return known;
      }
    }
    return null;
  }

  /**
   * Whether {@code a} becomes {@code b} by exactly one insertion, deletion, substitution or
   * transposition of two adjacent characters.
   */
  static boolean oneEditApart(String a, String b) {
    int la = a.length();
    int lb = b.length();
    if (Math.abs(la - lb) > 1 || a.equals(b)) {
      return false;
    }
    int i = 0;
    while (i < Math.min(la, lb) && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    if (la == lb) {
      // substitution at i, or transposition of i and i + 1
      if (a.regionMatches(i + 1, b, i + 1, la - i - 1)) {
        return true;
      }
      return i + 1 < la
          && a.charAt(i) == b.charAt(i + 1)
          && a.charAt(i + 1) == b.charAt(i)
          && a.regionMatches(i + 2, b, i + 2, la - i - 2);
    }
    // insertion or deletion at i: the rest of the longer string must match the shorter's rest
    String longer = la > lb ? a : b;
    String shorter = la > lb ? b : a;
    return longer.regionMatches(i + 1, shorter, i, shorter.length() - i);
  }
}
