package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes mutant {@code seed}: a base problem drawn by the seed with 1–3 composed mutations (1 with
 * probability 1/2, 2 with 3/10, 3 with 1/5), each drawn from {@link TreeMutations} (on the JSON
 * tree) or {@link TextMutations} (on the written text, applied last because they break the tree);
 * one in {@value #FLAG_ODDS} also gets a {@code solve} option, and one in {@value ChunkFlags#ODDS},
 * from a stream of its own, a chunking option ({@link ChunkFlags}). Everything depends on the seed
 * alone.
 */
final class Mutator {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One in this many mutations works on the text rather than the tree. */
  private static final int TEXT_ODDS = 8;

  /**
   * One in this many mutants (without text mutations) is also run as a twin with one array
   * re-encoded as base64 float64: the outcome must not depend on the encoding.
   */
  private static final int TWIN_ODDS = 4;

  /** One in this many mutants also gets a command-line option. */
  private static final int FLAG_ODDS = 5;

  /**
   * {@code solve} options with valid and invalid values. Float32 is left out (the result identities
   * use float64 tolerances), and so is {@code --gemm blas}, which is an unavailable device (exit 3)
   * on a machine without OpenBLAS.
   */
  private static final List<String[]> FLAGS =
      List.of(
          new String[] {"--eigensolver", "dense", "lanczos", "auto", "LANCZOS", ""},
          new String[] {"--conv-gram", "auto", "structured", "explicit", "fastest"},
          new String[] {"--conv-gram-memory", "1", "64", "0", "-5", "99999999999999999999"},
          new String[] {"--gemm", "plain", "auto", "fast"},
          new String[] {"--dtype", "float64", "float16"});

  private final List<BaseProblems.Base> bases;
  private final boolean chunkFlags;

  Mutator(List<BaseProblems.Base> bases) {
    this(bases, true);
  }

  /**
   * With {@code chunkFlags} false, no mutant gets a {@link ChunkFlags} option: the mutants as they
   * were before those options (the self-test compares the two).
   */
  Mutator(List<BaseProblems.Base> bases, boolean chunkFlags) {
    this.bases = bases;
    this.chunkFlags = chunkFlags;
  }

  Mutant mutant(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    BaseProblems.Base base = bases.get(rnd.nextInt(bases.size()));
    ObjectNode tree = BaseProblems.copy(base);
    RawTokens raw = new RawTokens();
    List<String> done = new ArrayList<>();
    int draw = rnd.nextInt(10);
    int count =
        draw < 5 ? 1 : draw < 8 ? 2 : 3; // one mutation half the time: more reach the solver
    List<TextMutations.Kind> textual = new ArrayList<>();
    for (int m = 0; m < count; m++) {
      if (rnd.nextInt(TEXT_ODDS) == 0) {
        textual.add(TextMutations.Kind.values()[rnd.nextInt(TextMutations.Kind.values().length)]);
        continue;
      }
      String d = null;
      for (int attempt = 0; d == null && attempt < 20; attempt++) {
        TreeMutations.Kind kind =
            TreeMutations.Kind.values()[rnd.nextInt(TreeMutations.Kind.values().length)];
        d = TreeMutations.apply(kind, tree, rnd, raw);
        if (d != null) {
          d = kind + " " + d;
        }
      }
      if (d != null) {
        done.add(d);
      }
    }
    byte[] bytes = raw.substitute(write(tree)).getBytes(StandardCharsets.UTF_8);
    for (TextMutations.Kind kind : textual) {
      TextMutations.Applied a = TextMutations.apply(kind, bytes, rnd);
      bytes = a.bytes();
      done.add(kind + " " + a.description());
    }
    // Drawn last, so that adding flags left every earlier mutant's file unchanged.
    List<String> flags = new ArrayList<>();
    if (rnd.nextInt(FLAG_ODDS) == 0) {
      String[] f = FLAGS.get(rnd.nextInt(FLAGS.size()));
      flags.add(f[0]);
      flags.add(f[1 + rnd.nextInt(f.length - 1)]);
    }
    // Drawn after the flags, for the same reason.
    Mutant.Twin twin = null;
    if (textual.isEmpty() && rnd.nextInt(TWIN_ODDS) == 0) {
      ObjectNode copy = tree.deepCopy();
      String which = Reencode.oneArray(copy, done, rnd);
      if (which != null) {
        twin = new Mutant.Twin(which, raw.substitute(write(copy)).getBytes(StandardCharsets.UTF_8));
      }
    }
    if (chunkFlags) {
      // from a stream of their own: nothing above drew differently when they were added
      flags.addAll(ChunkFlags.draw(seed));
    }
    return new Mutant(seed, base.name(), List.copyOf(done), bytes, List.copyOf(flags), twin);
  }

  private static String write(JsonNode tree) {
    try {
      return JSON.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Text a JSON tree cannot hold (a duplicate key, a bare {@code NaN}, a number beyond double
   * range, deep nesting): the tree holds a unique marker string that is replaced after writing.
   */
  static final class RawTokens {
    private final Map<String, String> replacements = new LinkedHashMap<>();

    /** A string to put in the tree; written, its quoted form becomes {@code raw}. */
    String marker(String raw) {
      String m = "@@fuzz" + replacements.size() + "@@";
      replacements.put("\"" + m + "\"", raw);
      return m;
    }

    String substitute(String text) {
      for (Map.Entry<String, String> e : replacements.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
      return text;
    }
  }
}
