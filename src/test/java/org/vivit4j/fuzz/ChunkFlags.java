package org.vivit4j.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The factor-pass chunking and Gram-storage options of {@code solve} ({@code --factor-memory},
 * {@code --factor-chunk}, {@code --gram-storage}) with valid and bad values, given to one mutant in
 * {@link #ODDS}. They are drawn from a stream of their own, so that adding them changed no earlier
 * draw: every mutant seed still makes the file, mutations, other option and twin it made before,
 * and a seed from an old report still names the same case.
 *
 * <p>A bad value must end the run with exit 2 and one error line naming an option the mutant was
 * given (the options are checked before the problem file is read), and nothing written ({@link
 * SolveContract}); a valid one changes how the factor pass runs and the Gram is held, not the
 * numbers, so the result identities hold.
 */
final class ChunkFlags {
  private ChunkFlags() {}

  /** One in this many mutants also gets a chunking option. */
  static final int ODDS = 4;

  /** The options drawn here. */
  static final List<String> OPTIONS =
      List.of("--factor-memory", "--factor-chunk", "--gram-storage");

  /** An option's value, and whether {@code solve} must refuse it. */
  record Value(String option, String text, boolean bad) {}

  /**
   * Valid values (a budget of 1 byte chunks the pass to one sample, 64m leaves it plain; a chunk of
   * 1000 samples is the plain pass) and bad ones: below 1, a sign, spaces, a decimal or exponent,
   * an unknown unit, no digits, beyond a {@code long}, beyond 8 EiB after the unit, not an {@code
   * int}, a choice in the wrong case or unknown, empty.
   */
  static final List<Value> VALUES =
      List.of(
          ok("--factor-memory", "1"),
          ok("--factor-memory", "4k"),
          ok("--factor-memory", "64m"),
          ok("--factor-memory", "2G"),
          ok("--factor-memory", "68719476736"),
          bad("--factor-memory", "0"),
          bad("--factor-memory", "-5"),
          bad("--factor-memory", "+5"),
          bad("--factor-memory", "+64m"),
          bad("--factor-memory", " 64m"),
          bad("--factor-memory", "64 m"),
          bad("--factor-memory", "1.5m"),
          bad("--factor-memory", "1e9"),
          bad("--factor-memory", "0x40"),
          bad("--factor-memory", "1t"),
          bad("--factor-memory", "m"),
          bad("--factor-memory", ""),
          bad("--factor-memory", "99999999999999999999"),
          bad("--factor-memory", "8589934592g"),
          ok("--factor-chunk", "1"),
          ok("--factor-chunk", "2"),
          ok("--factor-chunk", "3"),
          ok("--factor-chunk", "1000"),
          bad("--factor-chunk", "0"),
          bad("--factor-chunk", "-1"),
          bad("--factor-chunk", "x"),
          bad("--factor-chunk", "1.5"),
          bad("--factor-chunk", "2147483648"),
          bad("--factor-chunk", ""),
          ok("--gram-storage", "auto"),
          ok("--gram-storage", "dense"),
          ok("--gram-storage", "packed"),
          bad("--gram-storage", "PACKED"),
          bad("--gram-storage", "sparse"),
          bad("--gram-storage", ""));

  private static Value ok(String option, String text) {
    return new Value(option, text, false);
  }

  private static Value bad(String option, String text) {
    return new Value(option, text, true);
  }

  /**
   * The chunking option of mutant {@code seed} ({@code [option, value]}, or none), from a split of
   * a second generator of the seed: the mutant's own generator is never drawn from here.
   */
  static List<String> draw(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed).split();
    if (rnd.nextInt(ODDS) != 0) {
      return List.of();
    }
    Value v = VALUES.get(rnd.nextInt(VALUES.size()));
    return List.of(v.option(), v.text());
  }

  /** The bad chunking values among {@code flags} (option, value pairs), as {@code option value}. */
  static List<String> badValues(List<String> flags) {
    List<String> bad = new ArrayList<>();
    for (int i = 0; i + 1 < flags.size(); i += 2) {
      for (Value v : VALUES) {
        if (v.bad() && v.option().equals(flags.get(i)) && v.text().equals(flags.get(i + 1))) {
          bad.add(v.option() + " '" + v.text() + "'");
        }
      }
    }
    return bad;
  }
}
