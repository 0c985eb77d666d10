package org.vivit4j.opencl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vivit4j.backend.ConvGeometry;

/**
 * The convolution and pooling operations of {@link OpenClBackend}: shape checks and launches of the
 * kernels in {@code conv_unfold.cl}, {@code batched_mul.cl}, {@code sum_groups.cl}, {@code
 * accumulate_block.cl} and {@code pool_jac_t.cl} (formulas in {@link org.vivit4j.backend.Backend});
 * the products-bound Conv2d operations are in {@link ConvGemmKernels}. Called with the backend's
 * lock held.
 */
final class ConvKernels {
  /** Programs (file names under {@code kernels/}) and their kernels. */
  static final Map<String, List<String>> PROGRAMS = programs();

  private static Map<String, List<String>> programs() {
    Map<String, List<String>> t = new LinkedHashMap<>();
    t.put("conv_unfold", List.of("conv_unfold"));
    t.put("batched_mul", List.of("batched_mul"));
    t.put("sum_groups", List.of("sum_groups"));
    t.put("accumulate_block", List.of("accumulate_block", "accumulate_block_mirrored"));
    t.put("pool_jac_t", List.of("max_pool_jac_t", "avg_pool_jac_t"));
    return t;
  }

  private final OpenClBackend.Launcher launcher;

  ConvKernels(OpenClBackend.Launcher launcher) {
    this.launcher = launcher;
  }

  /** C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Hout, Wout, in the kernels' argument order. */
  private static Object[] geometry(ConvGeometry g, boolean dilation) {
    return dilation
        ? new Object[] {
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
          g.outW()
        }
        : new Object[] {
          g.channels(),
          g.height(),
          g.width(),
          g.kernelH(),
          g.kernelW(),
          g.strideH(),
          g.strideW(),
          g.padH(),
          g.padW(),
          g.outH(),
          g.outW()
        };
  }

  private static Object[] args(int count, Object[] geometry, Object... rest) {
    Object[] out = new Object[1 + geometry.length + rest.length];
    out[0] = count;
    System.arraycopy(geometry, 0, out, 1, geometry.length);
    System.arraycopy(rest, 0, out, 1 + geometry.length, rest.length);
    return out;
  }

  OpenClMatrix convUnfold(OpenClMatrix x, ConvGeometry g) {
    if (x.cols() != g.inputSize()) {
      throw new IllegalArgumentException(
          "convUnfold: x has " + x.cols() + " columns, the geometry needs " + g.inputSize());
    }
    int rows = Math.multiplyExact(x.rows(), g.positions());
    OpenClMatrix u = launcher.allocate(rows, g.patchSize());
    int count = u.size();
    launcher.launch1d("conv_unfold", count, 0, args(count, geometry(g, true), x, u));
    return u;
  }

  OpenClMatrix batchedMul(OpenClMatrix a, OpenClMatrix b, int block, int p) {
    if (block < 1 || p < 1 || a.cols() % p != 0 || a.rows() % block != 0) {
      throw new IllegalArgumentException(
          "batchedMul: a is " + a.rows() + "×" + a.cols() + ", block " + block + ", p " + p);
    }
    int t = a.cols() / p;
    int groups = a.rows() / block;
    if ((long) groups * t != b.rows()) {
      throw new IllegalArgumentException(
          "batchedMul: b has " + b.rows() + " rows, expected (R / block)·t = " + groups * t);
    }
    int q = b.cols();
    OpenClMatrix c = launcher.allocate(a.rows(), Math.multiplyExact(p, q));
    launcher.launchProduct(
        "batched_mul", p, q, a.rows(), 2.0 * a.rows() * p * q * t, p, t, q, block, a, b, c);
    return c;
  }

  OpenClMatrix sumGroups(OpenClMatrix a, int p) {
    if (p < 1 || a.cols() % p != 0) {
      throw new IllegalArgumentException("sumGroups: " + a.cols() + " columns, p " + p);
    }
    OpenClMatrix c = launcher.allocate(a.rows(), p);
    int count = c.size();
    launcher.launch1d("sum_groups", count, a.size(), count, a.cols() / p, a, c);
    return c;
  }

  void accumulateBlock(OpenClMatrix acc, OpenClMatrix p, int row0, int col0, boolean transposed) {
    int rows = transposed ? p.cols() : p.rows();
    int cols = transposed ? p.rows() : p.cols();
    if (row0 < 0 || col0 < 0 || row0 + rows > acc.rows() || col0 + cols > acc.cols()) {
      throw new IllegalArgumentException(
          "accumulateBlock: a "
              + rows
              + "×"
              + cols
              + " block at ("
              + row0
              + ", "
              + col0
              + ") does not fit "
              + acc.rows()
              + "×"
              + acc.cols());
    }
    launcher.launch1d(
        "accumulate_block",
        p.size(),
        p.size(),
        p.rows(),
        p.cols(),
        acc.cols(),
        row0,
        col0,
        transposed ? 1 : 0,
        acc,
        p);
  }

  OpenClMatrix maxPoolJacT(OpenClMatrix y, OpenClMatrix argmax, int block, ConvGeometry g) {
    int ct = g.channels() * g.positions();
    if (block < 1
        || y.cols() != ct
        || argmax.cols() != ct
        || (long) argmax.rows() * block != y.rows()) {
      throw new IllegalArgumentException(
          "maxPoolJacT: y is "
              + y.rows()
              + "×"
              + y.cols()
              + ", argmax "
              + argmax.rows()
              + "×"
              + argmax.cols()
              + ", block "
              + block
              + "; the geometry needs C·T = "
              + ct);
    }
    OpenClMatrix x = launcher.allocate(y.rows(), g.inputSize());
    int count = x.size();
    launcher.launch1d(
        "max_pool_jac_t", count, y.size(), args(count, geometry(g, true), block, y, argmax, x));
    return x;
  }

  OpenClMatrix avgPoolJacT(OpenClMatrix y, ConvGeometry g) {
    int ct = g.channels() * g.positions();
    if (y.cols() != ct || g.dilH() != 1 || g.dilW() != 1) {
      throw new IllegalArgumentException(
          "avgPoolJacT: y has "
              + y.cols()
              + " columns, the geometry needs C·T = "
              + ct
              + " and dilation 1");
    }
    OpenClMatrix x = launcher.allocate(y.rows(), g.inputSize());
    int count = x.size();
    launcher.launch1d(
        "avg_pool_jac_t",
        count,
        (double) y.size() * g.kernelH() * g.kernelW(),
        args(count, geometry(g, false), y, x));
    return x;
  }
}
