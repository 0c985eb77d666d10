package org.vivit4j.core;

import java.util.Locale;
import org.vivit4j.linalg.PackedSymmetricMatrix;

/**
 * How a run stores each group's Gram {@code Ĝ [G × G]} on the host ({@link GramStore}): dense (one
 * {@code double[G²]}, what the factor pass returns) or packed (the lower triangle in blocks of at
 * most {@code arrayLimit} entries, {@link PackedSymmetricMatrix}), float32 when the run is float32.
 * A packed Gram is assembled from chunk-pair passes ({@link FactorChunks}) whose own Grams must fit
 * one array: {@code (2b·C̃)² ≤ arrayLimit} for chunks of b samples.
 *
 * @param packed whether the Gram is packed
 * @param single float32 entries (a packed Gram of a float32 run)
 * @param arrayLimit the most entries one array may hold (a Java array's limit; tests force less)
 */
public record GramLayout(boolean packed, boolean single, long arrayLimit) {

  /** A Java array's limit, as {@link PackedSymmetricMatrix#DEFAULT_BLOCK_LIMIT}. */
  public static final long ARRAY_LIMIT = PackedSymmetricMatrix.DEFAULT_BLOCK_LIMIT;

  /** The dense layout of every run before packed storage. */
  public static final GramLayout DENSE = new GramLayout(false, false, ARRAY_LIMIT);

  /** The {@code --gram-storage} choice. */
  public enum Storage {
    /** Packed when {@code G²} does not fit one array, else dense. */
    AUTO,
    /** One dense array (refused when {@code G²} does not fit it). */
    DENSE,
    /** Packed whatever the size. */
    PACKED;

    private final String optionName = name().toLowerCase(Locale.ROOT);

    public String optionName() {
      return optionName;
    }

    /** The storage named {@code name} on the command line, or {@code null}. */
    public static Storage fromOptionName(String name) {
      for (Storage s : values()) {
        if (s.optionName.equals(name)) {
          return s;
        }
      }
      return null;
    }
  }

  /**
   * The layout of a Gram of {@code g} rows: packed when asked or when {@code g²} exceeds {@code
   * arrayLimit} ({@link Storage#AUTO}); float32 entries when packed in a float32 run.
   */
  public static GramLayout choose(Storage storage, long g, boolean float32Run, long arrayLimit) {
    boolean packed =
        switch (storage) {
          case DENSE -> false;
          case PACKED -> true;
          case AUTO -> g > 0 && g > arrayLimit / g;
        };
    return new GramLayout(packed, packed && float32Run, arrayLimit);
  }

  /** Whether a dense {@code g × g} Gram fits one array. */
  public boolean denseFits(long g) {
    return g == 0 || g <= arrayLimit / g;
  }

  /** Bytes of one group's Gram of {@code g} rows in this layout. */
  public long bytes(long g) {
    return packed
        ? PackedSymmetricMatrix.bytes(g, single)
        : org.vivit4j.model.ArraySizes.times(org.vivit4j.model.ArraySizes.times(g, g), 8);
  }

  /**
   * The most GGN samples per chunk whose chunk-pair Gram ({@code 2b·C̃} rows) fits one array, when
   * the whole Gram does not ({@link Integer#MAX_VALUE} when it does or the Gram is dense).
   */
  public int chunkCap(int nGgn, int factorColumns) {
    long g = (long) nGgn * factorColumns;
    if (!packed || denseFits(g)) {
      return Integer.MAX_VALUE;
    }
    long rows = (long) Math.floor(Math.sqrt((double) arrayLimit));
    while (rows * rows > arrayLimit) {
      rows--;
    }
    return (int) Math.min(Integer.MAX_VALUE, rows / (2L * factorColumns));
  }

  /** A new, zero packed Gram of {@code g} rows in blocks of at most {@code arrayLimit} entries. */
  PackedSymmetricMatrix newPacked(int g) {
    return new PackedSymmetricMatrix(g, single, Math.max(g, arrayLimit));
  }
}
