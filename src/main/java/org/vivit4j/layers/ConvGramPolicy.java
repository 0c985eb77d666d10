package org.vivit4j.layers;

import java.util.Locale;

/**
 * How a Conv2d layer contracts its weight's Gram matrix (and gradient cross terms), MATH.md §6.
 *
 * <ul>
 *   <li>{@link Mode#STRUCTURED}: {@code Ĝ_W[(n,c),(m,c')] = Σ_{t,t'} (B[n,c,:,t]·B[m,c',:,t'])
 *       (u_{n,t}·u_{m,t'})} from the factor {@code B} and the patch inner products {@code Q = U Uᵀ}
 *       ({@code [N·T × N·T]}), never forming {@code V_W}.
 *   <li>{@link Mode#EXPLICIT}: form {@code V_W} (row {@code (n,c)} = {@code Σ_t B[n,c,:,t] ⊗
 *       u_{n,t}}, {@code [N·C̃ × O·C·k_h·k_w]}) for blocks of samples and accumulate {@code V_i
 *       V_jᵀ} block by block, so at most two blocks of {@code V_W} are held.
 *   <li>{@link Mode#AUTO}: per layer, the one with fewer multiply-adds among those whose
 *       intermediates fit {@code memoryElements}.
 * </ul>
 *
 * @param mode the strategy, or AUTO
 * @param memoryElements largest number of matrix entries the strategy's intermediates may hold at
 *     once (the structured {@code Q}, or two blocks of {@code V_W} with their unfolded inputs and
 *     one Gram block); sample blocks are sized to it
 */
public record ConvGramPolicy(Mode mode, long memoryElements) {

  /** Which contraction to use. */
  public enum Mode {
    AUTO,
    STRUCTURED,
    EXPLICIT;

    /** The name used on the command line: {@code auto}, {@code structured}, {@code explicit}. */
    public String typeName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a command-line name, or returns {@code null}. */
    public static Mode fromTypeName(String name) {
      for (Mode m : values()) {
        if (m.typeName().equals(name)) {
          return m;
        }
      }
      return null;
    }
  }

  /** {@code 2²⁶} entries: 256 MiB in float32, 512 MiB in the CPU backend's float64 storage. */
  public static final long DEFAULT_MEMORY_ELEMENTS = 1L << 26;

  public ConvGramPolicy {
    if (mode == null || memoryElements < 1) {
      throw new IllegalArgumentException("need a mode and a positive memory budget");
    }
  }

  /** AUTO with the default budget. */
  public static ConvGramPolicy defaults() {
    return new ConvGramPolicy(Mode.AUTO, DEFAULT_MEMORY_ELEMENTS);
  }
}
