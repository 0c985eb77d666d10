package org.vivit4j.opencl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vivit4j.backend.ConvGeometry;
import org.vivit4j.backend.ConvLowering;

/**
 * The Conv2d operations of {@link OpenClBackend} that run as tiled matrix products ({@code mul},
 * {@code batched_mul}, {@code mul_trans_b}) with layout passes around them ({@code
 * conv_lowering.cl}, {@code conv_gram_layout.cl}, {@code accumulate_block_mirrored}), so that the
 * conv path is bound by the products: the transposed convolution of the factor (im2col's adjoint
 * after {@code Wᵀ·Y}) and the structured weight Gram by pairs of sample blocks. Called with the
 * backend's lock held. Formulas in {@link org.vivit4j.backend.Backend}.
 */
final class ConvGemmKernels {
  /** Programs (file names under {@code kernels/}) and their kernels. */
  static final Map<String, List<String>> PROGRAMS = programs();

  private static Map<String, List<String>> programs() {
    Map<String, List<String>> t = new LinkedHashMap<>();
    t.put("conv_lowering", List.of("channels_last", "gather_channels", "conv_fold"));
    t.put("conv_gram_layout", List.of("copy_columns", "flag_asymmetric"));
    return t;
  }

  private final OpenClBackend.Launcher launcher;

  ConvGemmKernels(OpenClBackend.Launcher launcher) {
    this.launcher = launcher;
  }

  /**
   * The transposed convolution of every row of {@code y [R × O·T]} with {@code w [O × K]}, lowered
   * in the column layout of {@link ConvLowering}: {@code wt = channels_last(w)} ({@code [K × O]},
   * once), then per chunk of {@code b} rows {@code ys = gather_channels(y)} ({@code [O × b·T]}),
   * {@code u = wt·ys} ({@code [K × b·T]}, one tiled product) and {@code x = conv_fold(u)}; {@code
   * O·T·K} multiply-adds per row, as the direct sum, but in a product.
   */
  OpenClMatrix convTranspose(OpenClMatrix y, OpenClMatrix w, ConvGeometry g) {
    return convTranspose(y, w, g, ConvLowering.DEVICE_CHUNK_ENTRIES);
  }

  /** {@link #convTranspose(OpenClMatrix, OpenClMatrix, ConvGeometry)} in chunks of this budget. */
  OpenClMatrix convTranspose(OpenClMatrix y, OpenClMatrix w, ConvGeometry g, int chunkEntries) {
    int t = g.positions();
    int o = w.rows();
    int k = g.patchSize();
    if (w.cols() != k || (long) o * t != y.cols()) {
      throw new IllegalArgumentException(
          "convTranspose: y is "
              + y.rows()
              + "×"
              + y.cols()
              + ", w is "
              + w.rows()
              + "×"
              + w.cols()
              + "; expected y [R × O·T] with T = "
              + t
              + " and w [O × "
              + k
              + "]");
    }
    OpenClMatrix x = launcher.allocate(y.rows(), g.inputSize());
    if (y.rows() == 0) {
      return x;
    }
    int chunk = Math.min(y.rows(), ConvLowering.chunkSamples(g, o, chunkEntries));
    try (OpenClMatrix wt = launcher.allocate(k, o);
        OpenClMatrix ys = launcher.allocate(o, chunk * t);
        OpenClMatrix u = launcher.allocate(k, chunk * t)) {
      channelsLast(w, 0, 1, o, k, wt);
      for (int r0 = 0; r0 < y.rows(); r0 += chunk) {
        int rows = Math.min(chunk, y.rows() - r0);
        gatherChannels(y, r0, rows, o, t, ys);
        launcher.launchProduct(
            "mul", k, rows * t, 1, 2.0 * rows * t * o * k, k, rows * t, o, wt, ys, u);
        convFold(u, rows, g, x, r0);
      }
    }
    return x;
  }

  /**
   * {@code yt[r·T + t, o] = y[r0 + r, o·T + t]} for {@code r < rows}, {@code y}'s buffer read as
   * rows of {@code O·T} (kernel channels_last; with one row, {@code Wᵀ} of {@code W [O × T]}).
   */
  void channelsLast(OpenClMatrix y, int r0, int rows, int o, int t, OpenClMatrix yt) {
    if (r0 < 0
        || rows < 0
        || o < 0
        || t < 0
        || (long) (r0 + rows) * o * t > y.size()
        || (long) rows * t * o > yt.size()) {
      throw new IllegalArgumentException(
          "channelsLast: rows ["
              + r0
              + ", "
              + (r0 + rows)
              + ") of O = "
              + o
              + " by T = "
              + t
              + " from "
              + y.size()
              + " into "
              + yt.size()
              + " entries");
    }
    int count = rows * t * o;
    launcher.launch1d("channels_last", count, 0, rows, o, t, r0, y, yt);
  }

  /**
   * {@code ys[o, r·T + t] = y[r0 + r, o·T + t]} for {@code r < rows} into the first {@code
   * O·rows·T} entries of {@code ys} (kernel gather_channels).
   */
  void gatherChannels(OpenClMatrix y, int r0, int rows, int o, int t, OpenClMatrix ys) {
    if (r0 < 0
        || rows < 0
        || r0 + rows > y.rows()
        || (long) o * t != y.cols()
        || (long) o * rows * t > ys.size()) {
      throw new IllegalArgumentException(
          "gatherChannels: rows ["
              + r0
              + ", "
              + (r0 + rows)
              + ") of "
              + y.rows()
              + "×"
              + y.cols()
              + " as O = "
              + o
              + " by T = "
              + t
              + " into "
              + ys.size()
              + " entries");
    }
    int count = o * rows * t;
    launcher.launch1d("gather_channels", count, 0, rows, o, t, r0, y, ys);
  }

  /**
   * Rows {@code r0 … r0 + rows − 1} of {@code x} are set to the fold (col2im) of {@code u [K ×
   * rows·T]} (kernel conv_fold).
   */
  void convFold(OpenClMatrix u, int rows, ConvGeometry g, OpenClMatrix x, int r0) {
    if (rows < 0
        || r0 < 0
        || r0 + rows > x.rows()
        || x.cols() != g.inputSize()
        || (long) rows * g.positions() * g.patchSize() > u.size()) {
      throw new IllegalArgumentException(
          "convFold: "
              + rows
              + " rows of patches into rows from "
              + r0
              + " of "
              + x.rows()
              + "×"
              + x.cols()
              + " do not match the geometry");
    }
    int count = rows * g.inputSize();
    launcher.launch1d(
        "conv_fold",
        count,
        (double) count * g.kernelH() * g.kernelW(),
        count,
        g.channels(),
        g.height(),
        g.width(),
        g.kernelH(),
        g.kernelW(),
        g.strideH(),
        g.strideW(),
        g.padH(),
        g.padW(),
        g.dilH(),
        g.dilW(),
        g.outH(),
        g.outW(),
        r0,
        u,
        x);
  }

  /**
   * The structured Conv2d weight Gram {@code acc[i, j] += Σ_{t,t'} (Σ_o l[i,o,t] r[j,o,t']) q[(i /
   * lBlock)·T + t, (j / rBlock)·T + t']} by pairs of sample blocks, each pair {@code (n, m)} as
   * {@code X = L_n Q_nm} and {@code X R_mᵀ}: {@code n_L·n_R·(c_L·O·T² + c_L·c_R·O·T)} multiply-adds
   * (the cost model of {@code convGramStructuredByBlocks}, whose callers put the side of fewer rows
   * per sample on the left: the cross terms' one gradient row), or only the pairs {@code m ≤ n}
   * when both sides are the same factor with the same blocks and {@code q} is exactly symmetric.
   */
  void accumulateConvGramStructured(
      OpenClMatrix acc,
      OpenClMatrix l,
      OpenClMatrix r,
      OpenClMatrix q,
      int lBlock,
      int rBlock,
      int t) {
    if (t < 1
        || l.cols() != r.cols()
        || l.cols() % t != 0
        || lBlock < 1
        || rBlock < 1
        || l.rows() % lBlock != 0
        || r.rows() % rBlock != 0
        || acc.rows() != l.rows()
        || acc.cols() != r.rows()
        || (long) q.rows() != (long) (l.rows() / lBlock) * t
        || (long) q.cols() != (long) (r.rows() / rBlock) * t) {
      throw new IllegalArgumentException(
          "accumulateConvGramStructured: acc "
              + acc.rows()
              + "×"
              + acc.cols()
              + ", l "
              + l.rows()
              + "×"
              + l.cols()
              + ", r "
              + r.rows()
              + "×"
              + r.cols()
              + ", q "
              + q.rows()
              + "×"
              + q.cols()
              + ", blocks "
              + lBlock
              + "/"
              + rBlock
              + ", T "
              + t
              + " do not match");
    }
    if (acc.size() == 0) {
      return;
    }
    if (l == r && lBlock == rBlock && exactlySymmetric(q)) {
      gramByBlockRows(acc, l, q, lBlock, t);
    } else {
      byBlockColumns(acc, l, r, q, lBlock, rBlock, t);
    }
  }

  /**
   * Symmetric case, {@code l = r}, {@code q = qᵀ}: for each sample block {@code n}, {@code Y[(m,
   * j), (o, t')] = Σ_s l[(m, j), (o, s)] q[m·T + s, n·T + t']} for {@code m ≤ n} (batched_mul, with
   * {@code q[m·T + s, n·T + t'] = Q_nm[t', s]}), {@code P = L_n Yᵀ} ({@code [c × (n+1)·c]},
   * mul_trans_b), added to block row {@code n} and mirrored into block column {@code n}.
   */
  private void gramByBlockRows(OpenClMatrix acc, OpenClMatrix l, OpenClMatrix q, int c, int t) {
    int n = l.rows() / c;
    int o = l.cols() / t;
    int row = l.cols();
    try (OpenClMatrix qc = launcher.allocate(n * t, t);
        OpenClMatrix y = launcher.allocate(l.rows(), row);
        OpenClMatrix ln = launcher.allocate(c, row);
        OpenClMatrix p = launcher.allocate(c, l.rows())) {
      for (int b = 0; b < n; b++) {
        int cnt = b + 1;
        copyColumns(q, cnt * t, b * t, t, qc);
        launcher.launchProduct(
            "batched_mul", c * o, t, cnt, 2.0 * cnt * c * o * t * t, c * o, t, t, 1, l, qc, y);
        launcher.copy(l, (long) b * c * row, ln, 0, (long) c * row);
        launcher.launchProduct(
            "mul_trans_b", c, cnt * c, 1, 2.0 * c * cnt * c * row, c, cnt * c, row, ln, y, p);
        accumulateBlockMirrored(acc, p, c, cnt * c, b * c, b * c);
      }
    }
  }

  /**
   * General case: for each right sample block {@code m}, {@code X[(n, i), (o, s)] = Σ_t l[(n, i),
   * (o, t)] q[n·T + t, m·T + s]} (batched_mul over all left blocks) and {@code P = X R_mᵀ} ({@code
   * [R_l × c_R]}, mul_trans_b), added to block column {@code m}.
   */
  private void byBlockColumns(
      OpenClMatrix acc,
      OpenClMatrix l,
      OpenClMatrix r,
      OpenClMatrix q,
      int lBlock,
      int rBlock,
      int t) {
    int nL = l.rows() / lBlock;
    int nR = r.rows() / rBlock;
    int o = l.cols() / t;
    int row = l.cols();
    try (OpenClMatrix qc = launcher.allocate(nL * t, t);
        OpenClMatrix x = launcher.allocate(l.rows(), row);
        OpenClMatrix rm = launcher.allocate(rBlock, row);
        OpenClMatrix p = launcher.allocate(l.rows(), rBlock)) {
      for (int m = 0; m < nR; m++) {
        copyColumns(q, nL * t, m * t, t, qc);
        launcher.launchProduct(
            "batched_mul",
            lBlock * o,
            t,
            nL,
            2.0 * l.rows() * o * t * t,
            lBlock * o,
            t,
            t,
            1,
            l,
            qc,
            x);
        launcher.copy(r, (long) m * rBlock * row, rm, 0, (long) rBlock * row);
        launcher.launchProduct(
            "mul_trans_b",
            l.rows(),
            rBlock,
            1,
            2.0 * l.rows() * rBlock * row,
            l.rows(),
            rBlock,
            row,
            x,
            rm,
            p);
        launcher.launch1d(
            "accumulate_block",
            p.size(),
            p.size(),
            l.rows(),
            rBlock,
            acc.cols(),
            0,
            m * rBlock,
            0,
            acc,
            p);
      }
    }
  }

  /**
   * {@code out[i, j] = src[i, col0 + j]} for {@code i < rows}, {@code j < width} into the first
   * {@code rows·width} entries of {@code out} (kernel copy_columns).
   */
  void copyColumns(OpenClMatrix src, int rows, int col0, int width, OpenClMatrix out) {
    if (rows < 0
        || width < 0
        || col0 < 0
        || rows > src.rows()
        || col0 + width > src.cols()
        || (long) rows * width > out.size()) {
      throw new IllegalArgumentException(
          "copyColumns: "
              + rows
              + " rows of columns ["
              + col0
              + ", "
              + (col0 + width)
              + ") of "
              + src.rows()
              + "×"
              + src.cols()
              + " into "
              + out.size()
              + " entries");
    }
    int count = rows * width;
    launcher.launch1d("copy_columns", count, 0, rows, width, src.cols(), col0, src, out);
  }

  /**
   * Whether {@code q} is square and {@code q[i, j] == q[j, i]} exactly (kernel flag_asymmetric).
   */
  boolean exactlySymmetric(OpenClMatrix q) {
    if (q.rows() != q.cols()) {
      return false;
    }
    try (OpenClMatrix flag = launcher.zeros(1, 1)) {
      launcher.launch1d("flag_asymmetric", q.size(), 0, q.rows(), q, flag);
      return launcher.download(flag)[0] == 0.0;
    }
  }

  /**
   * {@code acc[row0 + i, j] += p[i, j]} and, for {@code j < mirrorCols ≤ row0}, {@code acc[j, row0
   * + i] += p[i, j]}, with {@code p} the first {@code pRows·pCols} entries of {@code p} read as
   * {@code [pRows × pCols]} (kernel accumulate_block_mirrored).
   */
  void accumulateBlockMirrored(
      OpenClMatrix acc, OpenClMatrix p, int pRows, int pCols, int row0, int mirrorCols) {
    if (pRows < 0
        || pCols < 0
        || (long) pRows * pCols > p.size()
        || row0 < 0
        || row0 + pRows > acc.rows()
        || pCols > acc.cols()
        || mirrorCols < 0
        || mirrorCols > row0
        || mirrorCols > pCols
        || (mirrorCols > 0 && row0 + pRows > acc.cols())) {
      throw new IllegalArgumentException(
          "accumulateBlockMirrored: a "
              + pRows
              + "×"
              + pCols
              + " block at row "
              + row0
              + " mirrored over "
              + mirrorCols
              + " columns does not fit "
              + acc.rows()
              + "×"
              + acc.cols());
    }
    int count = pRows * pCols;
    launcher.launch1d(
        "accumulate_block_mirrored",
        count,
        count + (double) pRows * mirrorCols,
        pRows,
        pCols,
        acc.cols(),
        row0,
        mirrorCols,
        acc,
        p);
  }
}
