package org.vivit4j.layers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.vivit4j.backend.Backend;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.model.ArraySizes;

/**
 * The Gram contribution and gradient cross terms of a Conv2d weight {@code W [O, C, k_h, k_w]}
 * (MATH.md §6), by one of two contractions chosen per call ({@link ConvGramPolicy}).
 *
 * <p>Both contract a left and a right {@link Side}: factor rows {@code F [n·c × O·T]} ({@code c}
 * rows per sample, row {@code (m, c̃)} read as {@code O × T}) with the unfolded input patches
 * {@code u_{m,t}} ({@code K = C·k_h·k_w} values each) of the side's samples:
 *
 * <pre>
 *   out[(m,c̃),(m',c̃')] = Σ_{t,t'} (F_L[m,c̃,:,t] · F_R[m',c̃',:,t']) (u_{m,t} · u_{m',t'})
 *                      = V_L[(m,c̃)] · V_R[(m',c̃')],   V[(m,c̃)] = Σ_t F[m,c̃,:,t] ⊗ u_{m,t}
 * </pre>
 *
 * The Gram {@code Ĝ_W} has {@code F_L = F_R = B_out} on the GGN samples; the cross terms have
 * {@code F_L = δ} (one row per gradient sample) and {@code F_R = B_out}.
 *
 * <ul>
 *   <li>Structured: {@code Q = U_L U_Rᵀ} ({@code [n_L·T × n_R·T]}), then one kernel; {@code
 *       n_L·T·n_R·T·K + n_L c_L n_R c_R T² (O + 1)} multiply-adds. Where {@code Q} of all samples
 *       does not fit the budget it is formed per pair of sample blocks, {@code Q_ij = U_i U_jᵀ},
 *       and each pair's Gram block contracted on its own: the same multiply-adds, memory bounded by
 *       the blocks.
 *   <li>Explicit: {@code V} for blocks of {@code b} samples ({@code batchedMul}), {@code V_i V_jᵀ}
 *       accumulated block by block; {@code n c O T K} multiply-adds per formation of a side (the
 *       right side is formed again for every left block) plus {@code n_L c_L n_R c_R O K}.
 * </ul>
 */
final class ConvWeightGram {
  private ConvWeightGram() {}

  /**
   * One side of a contraction.
   *
   * @param factor {@code [samples.length·rowsPerSample × O·T]}, not owned
   * @param rowsPerSample factor rows per sample ({@code C̃}, or 1 for {@code δ})
   * @param samples row of each sample in the host input {@code [N × C·H·W]}
   * @param key cache key of this side's unfolded inputs and formed {@code V}
   */
  record Side(DeviceMatrix factor, int rowsPerSample, int[] samples, String key) {
    int n() {
      return samples.length;
    }

    int rows() {
      return samples.length * rowsPerSample;
    }
  }

  /**
   * The decision for one contraction and the numbers behind it.
   *
   * @param blockL samples per block of the left side's {@code V}
   * @param blockR samples per block of the right side's {@code V} (equal to blockL for a Gram)
   * @param structuredBlock samples per block of the structured contraction's {@code Q_ij}
   * @param structuredWhole whether the structured contraction forms {@code Q} of all samples at
   *     once (the blocks span both sides)
   */
  record Plan(
      boolean explicit,
      int blockL,
      int blockR,
      int structuredBlock,
      boolean structuredWhole,
      double structuredMacs,
      double explicitMacs,
      long structuredElements,
      long explicitElements,
      boolean forced) {

    private String blocks() {
      String unit = blockL == 1 && blockR == 1 ? " sample" : " samples";
      return blockL == blockR
          ? "blocks of " + blockL + unit
          : "blocks of " + blockL + " / " + blockR + unit;
    }

    private String structuredBlocks() {
      return structuredWhole
          ? ""
          : " in blocks of " + structuredBlock + (structuredBlock == 1 ? " sample" : " samples");
    }

    String describe(String what, int rows, int cols) {
      String chosen =
          explicit
              ? String.format(
                  Locale.ROOT,
                  "explicit V_W in %s (%.3g multiply-adds, %d entries held)",
                  blocks(),
                  explicitMacs,
                  explicitElements)
              : String.format(
                  Locale.ROOT,
                  "structured contraction%s (%.3g multiply-adds, %d entries held)",
                  structuredBlocks(),
                  structuredMacs,
                  structuredElements);
      String other =
          explicit
              ? String.format(
                  Locale.ROOT,
                  "structured%s: %.3g multiply-adds, %d entries",
                  structuredBlocks(),
                  structuredMacs,
                  structuredElements)
              : String.format(
                  Locale.ROOT, "explicit: %.3g multiply-adds in %s", explicitMacs, blocks());
      return String.format(
          Locale.ROOT,
          "%s [%d×%d]: %s; %s (%s)",
          what,
          rows,
          cols,
          chosen,
          forced ? "forced by the policy" : "the cheaper that fits",
          other);
    }
  }

  /**
   * Chooses the contraction for sides of {@code nL, nR} samples with {@code cL, cR} rows each. The
   * explicit blocks are halved, the larger side first, until two blocks of {@code V}, their
   * unfolded inputs and one Gram block fit the policy's memory.
   *
   * @param symmetric left and right are the same side (a Gram matrix)
   * @param rightFormed the right side's {@code V} is already held whole (formed for the Gram)
   * @param byBlocks the backend's structured contraction runs products per pair of sample blocks
   *     ({@link org.vivit4j.backend.Backend#convGramStructuredByBlocks}), which sets its cost
   */
  static Plan plan(
      int nL,
      int cL,
      int nR,
      int cR,
      boolean symmetric,
      boolean rightFormed,
      ConvGeometry g,
      int o,
      ConvGramPolicy policy,
      boolean byBlocks) {
    return plan(nL, cL, nR, cR, symmetric, rightFormed, g, o, policy, byBlocks, 0);
  }

  /**
   * As above, for a Gram ({@code symmetric}) whose pass is a chunk pair with {@code split} samples
   * in its first chunk ({@link GramBlocks}; 0: the whole pass is one chunk): the structured
   * contraction then runs in blocks that do not straddle the chunks' border, of at most the larger
   * chunk, and is counted so.
   */
  static Plan plan(
      int nL,
      int cL,
      int nR,
      int cR,
      boolean symmetric,
      boolean rightFormed,
      ConvGeometry g,
      int o,
      ConvGramPolicy policy,
      boolean byBlocks,
      int split) {
    double t = g.positions();
    double k = g.patchSize();
    // Q = U Uᵀ, then per pair of rows Σ_o over T² (direct sum), or per pair of sample blocks
    // two products, the side of fewer rows through Q first (only pairs m ≤ n when symmetric)
    double pairs = symmetric ? nL * (nL + 1.0) / 2 : (double) nL * nR;
    double contraction =
        byBlocks
            ? pairs * (Math.min(cL, cR) * o * t * t + (double) cL * cR * o * t)
            : (double) nL * cL * nR * cR * t * t * (o + 1);
    double structuredMacs = nL * t * nR * t * k + contraction;
    // no single held matrix may exceed a Java array, whatever budget the policy allows
    long budget = Math.min(policy.memoryElements(), ArraySizes.MAX_ARRAY_LENGTH);
    boolean chunkPair = symmetric && split > 0 && split < nL;
    int bS = chunkPair ? Math.max(split, nL - split) : Math.max(nL, nR);
    boolean whole = !chunkPair;
    while (bS > 1 && structuredElements(nL, cL, nR, cR, bS, whole, o, g) > budget) {
      bS = (bS + 1) / 2;
      whole = false;
    }
    long structuredElements = structuredElements(nL, cL, nR, cR, bS, whole, o, g);
    int bL = nL;
    int bR = nR;
    if (symmetric) {
      // V of all samples is one matrix (formed once, its Gram one symmetric product), not two
      // blocks
      while (bL > 1
          && (bL >= nL ? singleBlockElements(nL, cL, o, g) : elements(bL, cL, bL, cL, o, g))
              > budget) {
        bL = (bL + 1) / 2;
      }
      bR = bL;
    } else {
      while (elements(bL, cL, bR, cR, o, g) > budget && (bL > 1 || (bR > 1 && !rightFormed))) {
        boolean shrinkRight =
            !rightFormed && bR > 1 && ((long) bR * cR >= (long) bL * cL || bL == 1);
        if (shrinkRight) {
          bR = (bR + 1) / 2;
        } else {
          bL = (bL + 1) / 2;
        }
      }
    }
    double explicitMacs = explicitMacs(nL, cL, nR, cR, symmetric, rightFormed, bL, bR, o, t, k);
    boolean explicit =
        switch (policy.mode()) {
          case EXPLICIT -> true;
          case STRUCTURED -> false;
          case AUTO -> structuredElements > budget || explicitMacs <= structuredMacs;
        };
    return new Plan(
        explicit,
        bL,
        bR,
        bS,
        whole,
        structuredMacs,
        explicitMacs,
        structuredElements,
        symmetric && bL >= nL ? singleBlockElements(nL, cL, o, g) : elements(bL, cL, bR, cR, o, g),
        policy.mode() != ConvGramPolicy.Mode.AUTO);
  }

  /**
   * The smallest budget (entries) under which the contraction of sides of {@code nL, nR} samples
   * with {@code cL, cR} rows each stays within its budget: the structured contraction in one-sample
   * blocks, or one-sample blocks of {@code V} with their unfolded inputs and Gram block, the
   * smaller of the two that {@code mode} allows.
   */
  static long smallestBudget(
      int nL, int cL, int nR, int cR, ConvGeometry g, int o, ConvGramPolicy.Mode mode) {
    long structured = structuredElements(nL, cL, nR, cR, 1, nL == 1 && nR == 1, o, g);
    long explicit = elements(1, cL, 1, cR, o, g);
    return switch (mode) {
      case STRUCTURED -> structured;
      case EXPLICIT -> explicit;
      case AUTO -> Math.min(structured, explicit);
    };
  }

  /**
   * Entries the structured contraction holds at once, saturating. {@code whole}: {@code Q [n_L·T ×
   * n_R·T]} with the unfolded inputs of both sides; else, in blocks of {@code b_L = min(b, n_L)}
   * and {@code b_R = min(b, n_R)} samples, a block pair's {@code Q_ij [b_L·T × b_R·T]}, unfolded
   * inputs, copies of the factor rows ({@code b_L·c_L} and {@code b_R·c_R} rows of {@code O·T}) and
   * the pair's Gram block {@code [b_L·c_L × b_R·c_R]}. Either way the backend's work buffers for a
   * left side of {@code m} samples (OpenCL's {@code ConvGemmKernels}; the CPU backend holds less):
   * the left rows through {@code Q} ({@code m·c_L × O·T}), the columns of {@code Q} for one right
   * block ({@code m·T × T}), one right block's rows ({@code c_R × O·T}) and its product ({@code
   * m·c_L × c_R}).
   */
  private static long structuredElements(
      int nL, int cL, int nR, int cR, int b, boolean whole, int o, ConvGeometry g) {
    double t = g.positions();
    double k = g.patchSize();
    double row = (double) o * t;
    double bl = whole ? nL : Math.min(b, nL);
    double br = whole ? nR : Math.min(b, nR);
    double work = bl * cL * row + bl * t * t + cR * row + bl * cL * cR;
    double e = bl * t * br * t + (bl + br) * t * k + work;
    if (!whole) {
      e += (bl * cL + br * cR) * row + bl * cL * br * cR;
    }
    return e >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) e;
  }

  /** One V of all samples, its unfolded inputs and its Gram. */
  private static long singleBlockElements(int n, int c, int o, ConvGeometry g) {
    long rows = (long) n * c;
    return rows * o * g.patchSize() + (long) n * g.positions() * g.patchSize() + rows * rows;
  }

  /** A left and a right block of V with their unfolded inputs, and their Gram block. */
  private static long elements(int bL, int cL, int bR, int cR, int o, ConvGeometry g) {
    long kc = g.patchSize();
    long left = (long) bL * cL * o * kc + (long) bL * g.positions() * kc;
    long right = (long) bR * cR * o * kc + (long) bR * g.positions() * kc;
    return left + right + (long) bL * cL * Math.max(1L, (long) bR * cR);
  }

  private static double explicitMacs(
      int nL,
      int cL,
      int nR,
      int cR,
      boolean symmetric,
      boolean rightFormed,
      int bL,
      int bR,
      int o,
      double t,
      double k) {
    double form = o * t * k;
    double blocksL = Math.ceil((double) nL / bL);
    if (symmetric) {
      double offDiagonal = blocksL * (blocksL - 1) / 2;
      double rightForms = offDiagonal * bL;
      // a diagonal block V_i V_iᵀ is a symmetric product (half of it computed), the others full
      double rows = (double) bL * cL;
      return nL * cL * form
          + rightForms * cL * form
          + (offDiagonal * rows * rows + blocksL * rows * (rows + 1) / 2) * o * k;
    }
    double rightForms = rightFormed ? 0 : (bR >= nR ? 1 : blocksL) * nR;
    return nL * cL * form + rightForms * cR * form + (double) nL * cL * nR * cR * o * k;
  }

  /** {@code acc += Ĝ_W} for the GGN side {@code s}; returns the plan for the notes. */
  static Plan accumulateGram(
      LayerContext ctx, Side s, ConvGeometry g, int o, ConvGramPolicy policy, DeviceMatrix acc) {
    GramBlocks need = ctx.gramBlocks();
    Plan plan =
        plan(
            s.n(),
            s.rowsPerSample(),
            s.n(),
            s.rowsPerSample(),
            true,
            false,
            g,
            o,
            policy,
            ctx.backend().convGramStructuredByBlocks(),
            need == null ? 0 : need.split());
    Backend be = ctx.backend();
    if (!plan.explicit() && plan.structuredWhole()) {
      DeviceMatrix u = unfoldAll(ctx, s, g);
      try (DeviceMatrix q = be.mulTransB(u, u)) {
        be.accumulateConvGramStructured(
            acc, s.factor(), s.factor(), q, s.rowsPerSample(), s.rowsPerSample(), g.positions());
      }
      return plan;
    }
    if (!plan.explicit()) {
      accumulateStructuredBlocks(ctx, s, g, plan.structuredBlock(), need, acc);
      return plan;
    }
    if (plan.blockL() >= s.n() && (need == null || ctx.hasDeltas())) {
      // with cross terms to follow, the unfolded inputs stay cached for their left V (the plan
      // counts V, its unfolded inputs and the Gram together); accumulateCross releases them
      DeviceMatrix v =
          ctx.cached(
              formedVKey(s.key()),
              () ->
                  ctx.hasDeltas()
                      ? be.batchedMul(s.factor(), unfoldAll(ctx, s, g), s.rowsPerSample(), o)
                      : formV(ctx, s, 0, s.n(), g, o));
      try (DeviceMatrix p = be.mulTransB(v, v)) {
        be.accumulateBlock(acc, p, 0, 0, false);
      }
      return plan;
    }
    accumulateBlocks(ctx, s, g, o, Math.min(plan.blockL(), s.n()), need, acc);
    return plan;
  }

  /**
   * {@code acc += Ĝ_W} from {@code V} in blocks of at most {@code b} samples, {@code V_i V_jᵀ} for
   * every pair of blocks {@code i ≤ j} (added at both places), the right block formed again for
   * every left one. With {@code need} (a pass over two chunks) the blocks do not straddle the
   * chunks' border, and a pair is formed and multiplied only when its Gram block is needed: the off
   * diagonal {@code V_1 V_2ᵀ} alone in most passes, half the products of the whole union's Gram.
   */
  private static void accumulateBlocks(
      LayerContext ctx, Side s, ConvGeometry g, int o, int b, GramBlocks need, DeviceMatrix acc) {
    Backend be = ctx.backend();
    List<int[]> blocks = sampleBlocks(s.n(), b, need);
    int c = s.rowsPerSample();
    for (int i = 0; i < blocks.size(); i++) {
      int[] bi = blocks.get(i);
      List<int[]> right = neededRight(blocks, i, need);
      if (right.isEmpty()) {
        continue;
      }
      try (DeviceMatrix vi = formV(ctx, s, bi[0], bi[1], g, o)) {
        for (int[] bj : right) {
          DeviceMatrix vj = bj == bi ? vi : formV(ctx, s, bj[0], bj[1], g, o);
          try (DeviceMatrix p = be.mulTransB(vi, vj)) {
            be.accumulateBlock(acc, p, bi[0] * c, bj[0] * c, false);
            if (bj != bi) {
              be.accumulateBlock(acc, p, bj[0] * c, bi[0] * c, true);
            }
          } finally {
            if (vj != vi) {
              vj.close();
            }
          }
        }
      }
    }
  }

  /**
   * Blocks {@code [i0, i1)} of at most {@code b} of {@code n} samples; with {@code need} (a pass
   * over two chunks) none straddles the chunks' border.
   */
  private static List<int[]> sampleBlocks(int n, int b, GramBlocks need) {
    List<int[]> blocks = new ArrayList<>();
    int[] borders = need == null ? new int[] {0, n} : new int[] {0, need.split(), n};
    for (int r = 0; r + 1 < borders.length; r++) {
      for (int i0 = borders[r]; i0 < borders[r + 1]; i0 += b) {
        blocks.add(new int[] {i0, Math.min(borders[r + 1], i0 + b)});
      }
    }
    return blocks;
  }

  /** The blocks {@code j ≥ i} whose Gram block with block {@code i} is needed. */
  private static List<int[]> neededRight(List<int[]> blocks, int i, GramBlocks need) {
    int[] bi = blocks.get(i);
    List<int[]> right = new ArrayList<>();
    for (int[] bj : blocks.subList(i, blocks.size())) {
      if (need == null || need.needs(bi[0], bj[0])) {
        right.add(bj);
      }
    }
    return right;
  }

  /**
   * {@code acc += Ĝ_W} by the structured contraction per pair of sample blocks {@code i ≤ j} of at
   * most {@code b} samples: {@code Q_ij = U_i U_jᵀ} and the pair's Gram block {@code P_ij} from the
   * factor rows of both blocks, added at both places (a diagonal pair once: its {@code Q_ii} is
   * symmetric, so the backend computes half of it and mirrors). With {@code need} (a pass over two
   * chunks) only the needed pairs are contracted.
   */
  private static void accumulateStructuredBlocks(
      LayerContext ctx, Side s, ConvGeometry g, int b, GramBlocks need, DeviceMatrix acc) {
    Backend be = ctx.backend();
    List<int[]> blocks = sampleBlocks(s.n(), b, need);
    int c = s.rowsPerSample();
    for (int i = 0; i < blocks.size(); i++) {
      int[] bi = blocks.get(i);
      List<int[]> right = neededRight(blocks, i, need);
      if (right.isEmpty()) {
        continue;
      }
      try (DeviceMatrix fi = be.copyRows(s.factor(), bi[0] * c, bi[1] * c);
          DeviceMatrix ui = unfold(ctx, s.samples(), bi[0], bi[1], g)) {
        for (int[] bj : right) {
          if (bj == bi) {
            // the same factor rows on both sides: the backend computes half and mirrors
            contractStructured(be, acc, fi, fi, ui, ui, c, c, bi[0] * c, bi[0] * c, g, false);
            continue;
          }
          try (DeviceMatrix fj = be.copyRows(s.factor(), bj[0] * c, bj[1] * c);
              DeviceMatrix uj = unfold(ctx, s.samples(), bj[0], bj[1], g)) {
            contractStructured(be, acc, fi, fj, ui, uj, c, c, bi[0] * c, bj[0] * c, g, true);
          }
        }
      }
    }
  }

  /**
   * {@code acc += X_W}, the cross terms of the gradient side {@code l} with the GGN side {@code r}.
   */
  static Plan accumulateCross(
      LayerContext ctx,
      Side l,
      Side r,
      ConvGeometry g,
      int o,
      ConvGramPolicy policy,
      DeviceMatrix acc) {
    boolean rightFormed = ctx.isCached(formedVKey(r.key()));
    Plan plan =
        plan(
            l.n(),
            l.rowsPerSample(),
            r.n(),
            r.rowsPerSample(),
            false,
            rightFormed,
            g,
            o,
            policy,
            ctx.backend().convGramStructuredByBlocks());
    Backend be = ctx.backend();
    if (!plan.explicit() && !plan.structuredWhole()) {
      // the blocks unfold their own inputs: those the Gram cached are not held through them
      releaseUnfolded(ctx, l);
      releaseUnfolded(ctx, r);
      accumulateCrossStructuredBlocks(ctx, l, r, g, plan.structuredBlock(), acc);
      return plan;
    }
    if (!plan.explicit()) {
      DeviceMatrix ul = unfoldAll(ctx, l, g);
      DeviceMatrix ur = unfoldAll(ctx, r, g);
      try (DeviceMatrix q = be.mulTransB(ul, ur)) {
        be.accumulateConvGramStructured(
            acc, l.factor(), r.factor(), q, l.rowsPerSample(), r.rowsPerSample(), g.positions());
      }
      return plan;
    }
    int bL = plan.blockL();
    int bR = plan.blockR();
    boolean rightWhole = rightFormed || bR >= r.n();
    // the Gram's unfolded inputs serve a whole left side of the same samples
    DeviceMatrix shared =
        bL >= l.n() && java.util.Arrays.equals(l.samples(), r.samples())
            ? ctx.cachedOrNull(unfoldKey(r))
            : null;
    for (int i0 = 0; i0 < l.n(); i0 += bL) {
      int i1 = Math.min(l.n(), i0 + bL);
      try (DeviceMatrix vi =
          shared != null
              ? be.batchedMul(l.factor(), shared, l.rowsPerSample(), o)
              : formV(ctx, l, i0, i1, g, o)) {
        if (rightWhole) {
          // formed once (or kept from the Gram) and reused for every left block
          DeviceMatrix vr = ctx.cached(formedVKey(r.key()), () -> formV(ctx, r, 0, r.n(), g, o));
          try (DeviceMatrix p = be.mulTransB(vi, vr)) {
            be.accumulateBlock(acc, p, i0 * l.rowsPerSample(), 0, false);
          }
          continue;
        }
        for (int j0 = 0; j0 < r.n(); j0 += bR) {
          int j1 = Math.min(r.n(), j0 + bR);
          try (DeviceMatrix vj = formV(ctx, r, j0, j1, g, o);
              DeviceMatrix p = be.mulTransB(vi, vj)) {
            be.accumulateBlock(acc, p, i0 * l.rowsPerSample(), j0 * r.rowsPerSample(), false);
          }
        }
      }
    }
    return plan;
  }

  /**
   * {@code acc[row0.., col0..] += P} for one pair of sample blocks, {@code P} the structured
   * contraction of factor rows {@code fl, fr} ({@code cl, cr} per sample) with {@code Q = U_l
   * U_rᵀ}; also {@code acc[col0.., row0..] += Pᵀ} when {@code mirrored}.
   */
  private static void contractStructured(
      Backend be,
      DeviceMatrix acc,
      DeviceMatrix fl,
      DeviceMatrix fr,
      DeviceMatrix ul,
      DeviceMatrix ur,
      int cl,
      int cr,
      int row0,
      int col0,
      ConvGeometry g,
      boolean mirrored) {
    try (DeviceMatrix q = be.mulTransB(ul, ur);
        DeviceMatrix p = be.zeros(fl.rows(), fr.rows())) {
      be.accumulateConvGramStructured(p, fl, fr, q, cl, cr, g.positions());
      be.accumulateBlock(acc, p, row0, col0, false);
      if (mirrored) {
        be.accumulateBlock(acc, p, col0, row0, true);
      }
    }
  }

  /**
   * {@code acc += X_W} by the structured contraction per pair of a left and a right sample block of
   * at most {@code b} samples each: {@code Q_ij = U_{L,i} U_{R,j}ᵀ} and the pair's block of the
   * cross terms from both blocks' factor rows.
   */
  private static void accumulateCrossStructuredBlocks(
      LayerContext ctx, Side l, Side r, ConvGeometry g, int b, DeviceMatrix acc) {
    Backend be = ctx.backend();
    int cl = l.rowsPerSample();
    int cr = r.rowsPerSample();
    for (int i0 = 0; i0 < l.n(); i0 += b) {
      int i1 = Math.min(l.n(), i0 + b);
      try (DeviceMatrix fi = be.copyRows(l.factor(), i0 * cl, i1 * cl);
          DeviceMatrix ui = unfold(ctx, l.samples(), i0, i1, g)) {
        for (int j0 = 0; j0 < r.n(); j0 += b) {
          int j1 = Math.min(r.n(), j0 + b);
          try (DeviceMatrix fj = be.copyRows(r.factor(), j0 * cr, j1 * cr);
              DeviceMatrix uj = unfold(ctx, r.samples(), j0, j1, g)) {
            contractStructured(be, acc, fi, fj, ui, uj, cl, cr, i0 * cl, j0 * cr, g, false);
          }
        }
      }
    }
  }

  /** The context's cache key of a side's {@code V} of all samples, once formed whole. */
  static String formedVKey(String sideKey) {
    return "V:" + sideKey;
  }

  /** The unfolded inputs of all of a side's samples, {@code [n·T × K]}, cached in the context. */
  static DeviceMatrix unfoldAll(LayerContext ctx, Side s, ConvGeometry g) {
    return ctx.cached(unfoldKey(s), () -> unfold(ctx, s.samples(), 0, s.n(), g));
  }

  /** The context's cache key of a side's unfolded inputs. */
  private static String unfoldKey(Side s) {
    return "U:" + s.key();
  }

  /**
   * Frees the unfolded inputs of {@code s} cached in the context ({@link #unfoldAll}), once the
   * cross terms, their last reader, are done: the rest of the layer's step does not hold them.
   */
  static void releaseUnfolded(LayerContext ctx, Side s) {
    DeviceMatrix u = ctx.takeCached(unfoldKey(s));
    if (u != null) {
      u.close();
    }
  }

  /** The unfolded inputs of samples {@code [from, to)} of {@code samples}; owned by the caller. */
  static DeviceMatrix unfold(LayerContext ctx, int[] samples, int from, int to, ConvGeometry g) {
    int in = g.inputSize();
    double[] x = new double[(to - from) * in];
    for (int m = from; m < to; m++) {
      System.arraycopy(ctx.input(), samples[m] * in, x, (m - from) * in, in);
    }
    try (DeviceMatrix dx = ctx.backend().upload(x, to - from, in)) {
      return ctx.backend().convUnfold(dx, g);
    }
  }

  /**
   * {@code V} of samples {@code [from, to)} of a side, {@code [(to − from)·c × O·K]}, row {@code
   * (m, c̃)} = {@code Σ_t F[m,c̃,:,t] ⊗ u_{m,t}} in PyTorch's weight layout; owned by the caller.
   */
  static DeviceMatrix formV(LayerContext ctx, Side s, int from, int to, ConvGeometry g, int o) {
    Backend be = ctx.backend();
    boolean whole = from == 0 && to == s.n();
    DeviceMatrix f =
        whole
            ? s.factor()
            : be.copyRows(s.factor(), from * s.rowsPerSample(), to * s.rowsPerSample());
    try (DeviceMatrix u = unfold(ctx, s.samples(), from, to, g)) {
      return be.batchedMul(f, u, s.rowsPerSample(), o);
    } finally {
      if (!whole) {
        f.close();
      }
    }
  }
}
