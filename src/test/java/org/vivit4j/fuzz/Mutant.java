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
 * @param twin the same problem with one array re-encoded as base64 float64, or null
 */
record Mutant(
    long seed, String base, List<String> mutations, byte[] bytes, List<String> flags, Twin twin) {

  /** A mutant without a twin. */
  Mutant(long seed, String base, List<String> mutations, byte[] bytes, List<String> flags) {
    this(seed, base, mutations, bytes, flags, null);
  }

  /**
   * An equivalent file: {@code bytes} hold exactly the same numbers with {@code reencoded} given as
   * base64 float64 (docs/SCHEMA.md, "Encoded arrays"); it must end exactly as the mutant does.
   */
  record Twin(String reencoded, byte[] bytes) {}

  /** The twin as a mutant of its own, for the contract. */
  Mutant twinMutant() {
    List<String> m = new java.util.ArrayList<>(mutations);
    m.add("REENCODE " + twin.reencoded() + " as base64 float64");
    return new Mutant(seed, base, List.copyOf(m), twin.bytes(), flags, null);
  }

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
