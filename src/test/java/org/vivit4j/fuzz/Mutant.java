package org.vivit4j.fuzz;

import java.util.List;

/**
 * One mutated problem file.
 *
 * @param seed the mutant's own seed: {@code -Dfuzz.seed=SEED -Dfuzz.count=1} rebuilds exactly it
 * @param base the valid problem it was made from
 * @param mutations what was done, in order, each naming the path it touched
 * @param bytes the file's content (not necessarily UTF-8, not necessarily JSON)
 * @param flags extra {@code solve} options after {@code --problem P --out R}
 */
record Mutant(long seed, String base, List<String> mutations, byte[] bytes, List<String> flags) {
  /** The reproduction line printed with every failure. */
  String describe() {
    return "seed "
        + seed
        + " (rerun: -Dfuzz.seed="
        + seed
        + " -Dfuzz.count=1), base "
        + base
        + ", mutations "
        + mutations
        + (flags.isEmpty() ? "" : ", flags " + flags);
  }
}
