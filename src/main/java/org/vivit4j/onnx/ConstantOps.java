package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Evaluates one node on constant inputs: the operators exporters use to compute shapes and pads
 * (PyTorch 1.13 writes {@code ZeroPad2d}'s pads as a chain of Shape, Gather, Mul, Sub, Cast,
 * ConstantOfShape, Concat, Reshape, Slice with negative steps, Transpose and Unsqueeze) and plain
 * arithmetic on constant tensors. Integers stay exact in {@code long}; reals are doubles.
 */
final class ConstantOps {
  /** The operators {@link #evaluate} knows. */
  static final Set<String> OPERATORS =
      Set.of(
          "Constant",
          "Identity",
          "Shape",
          "Size",
          "Gather",
          "Add",
          "Sub",
          "Mul",
          "Div",
          "Neg",
          "Cast",
          "ConstantOfShape",
          "Concat",
          "Reshape",
          "Slice",
          "Transpose",
          "Unsqueeze",
          "Squeeze",
          "Range",
          "Equal",
          "Where",
          "Expand",
          "Sqrt",
          "Max",
          "Min");

  private ConstantOps() {}

  /** The outputs of {@code node} (one tensor per output) on the constant {@code in}. */
  static OnnxTensor evaluate(NodeProto node, List<OnnxTensor> in, long opset) {
    OnnxAttributes a = new OnnxAttributes(node);
    String op = node.getOpType();
    try {
      return switch (op) {
        case "Constant" -> constant(node, a);
        case "Identity" -> in.get(0);
        case "Shape" -> shape(in.get(0).shape(), a);
        case "Size" -> OnnxTensor.ofInts(new int[0], in.get(0).length());
        case "Gather" -> gather(in.get(0), in.get(1), (int) a.integer("axis", 0));
        case "Add", "Sub", "Mul", "Div", "Max", "Min", "Equal" -> binary(op, in.get(0), in.get(1));
        case "Neg" -> map(in.get(0), x -> -x, x -> -x);
        case "Sqrt" -> map(in.get(0), Math::sqrt, null);
        case "Cast" -> cast(in.get(0), (int) a.integer("to", -1));
        case "ConstantOfShape" -> constantOfShape(in.get(0), a.tensor("value"));
        case "Concat" -> concat(in, (int) a.integer("axis", 0));
        case "Reshape" -> reshape(in.get(0), in.get(1).integers(), a.integer("allowzero", 0) != 0);
        case "Slice" -> slice(in);
        case "Transpose" -> transpose(in.get(0), a.integers("perm"));
        case "Unsqueeze" -> unsqueeze(in.get(0), axes(a, in, opset, 13));
        case "Squeeze" -> squeeze(in.get(0), axes(a, in, opset, 13));
        case "Range" -> range(in.get(0), in.get(1), in.get(2));
        case "Where" -> where(in.get(0), in.get(1), in.get(2));
        case "Expand" -> expand(in.get(0), in.get(1).integers());
        default ->
            throw new OnnxImportException(
                OnnxModel.describe(node) + " cannot be evaluated on constants");
      };
    } catch (IllegalArgumentException | IndexOutOfBoundsException | ArithmeticException e) {
      throw new OnnxImportException(
          OnnxModel.describe(node) + " on constant inputs: " + e.getMessage());
    }
  }

  private static OnnxTensor constant(NodeProto node, OnnxAttributes a) {
    OnnxTensor t = a.tensor("value");
    if (t != null) {
      return t;
    }
    if (a.has("value_int")) {
      return OnnxTensor.ofInts(new int[0], a.integer("value_int", 0));
    }
    long[] ints = a.integers("value_ints");
    if (ints != null) {
      return OnnxTensor.vector(ints);
    }
    if (a.has("value_float")) {
      return OnnxTensor.ofReals(new int[0], "FLOAT", a.real("value_float", 0));
    }
    throw new OnnxImportException(
        OnnxModel.describe(node) + " has no value attribute vivit4j reads");
  }

  static OnnxTensor shape(int[] shape, OnnxAttributes a) {
    int r = shape.length;
    int start = (int) normalize(a.integer("start", 0), r, true);
    int end = (int) normalize(a.integer("end", r), r, true);
    long[] v = new long[Math.max(0, end - start)];
    for (int i = 0; i < v.length; i++) {
      v[i] = shape[start + i];
    }
    return OnnxTensor.vector(v);
  }

  /** A negative index counts from the end; clamped to {@code [0, r]} when {@code clamp}. */
  private static long normalize(long i, long r, boolean clamp) {
    long j = i < 0 ? i + r : i;
    if (clamp) {
      return Math.max(0, Math.min(r, j));
    }
    if (j < 0 || j >= r) {
      throw new IllegalArgumentException("index " + i + " out of range for size " + r);
    }
    return j;
  }

  private static OnnxTensor gather(OnnxTensor data, OnnxTensor indices, int axis) {
    int r = data.rank();
    axis = (int) normalize(axis, r, false);
    int[] ds = data.shape();
    int[] is = indices.shape();
    int[] out = new int[r - 1 + is.length];
    System.arraycopy(ds, 0, out, 0, axis);
    System.arraycopy(is, 0, out, axis, is.length);
    System.arraycopy(ds, axis + 1, out, axis + is.length, r - axis - 1);
    int outer = (int) OnnxTensor.size(Arrays.copyOf(ds, axis));
    int inner = (int) OnnxTensor.size(Arrays.copyOfRange(ds, axis + 1, r));
    int n = indices.length();
    double[] reals = data.isInteger() ? null : new double[outer * n * inner];
    long[] ints = data.isInteger() ? new long[outer * n * inner] : null;
    for (int o = 0; o < outer; o++) {
      for (int k = 0; k < n; k++) {
        int src = (int) normalize(indices.integer(k), ds[axis], false);
        for (int i = 0; i < inner; i++) {
          int from = (o * ds[axis] + src) * inner + i;
          int to = (o * n + k) * inner + i;
          if (ints != null) {
            ints[to] = data.ints()[from];
          } else {
            reals[to] = data.reals()[from];
          }
        }
      }
    }
    return new OnnxTensor(out, data.elementType(), reals, ints);
  }

  /** Numpy broadcasting of two shapes. */
  static int[] broadcast(int[] x, int[] y) {
    int r = Math.max(x.length, y.length);
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      int dx = i < r - x.length ? 1 : x[i - (r - x.length)];
      int dy = i < r - y.length ? 1 : y[i - (r - y.length)];
      if (dx != dy && dx != 1 && dy != 1) {
        throw new IllegalArgumentException(
            "shapes " + Arrays.toString(x) + " and " + Arrays.toString(y) + " do not broadcast");
      }
      out[i] = dx == 1 ? dy : dx;
    }
    return out;
  }

  /** Row-major index into {@code shape} of the element at output index {@code flat}. */
  private static int sourceIndex(int flat, int[] out, int[] shape) {
    int idx = 0;
    int stride = 1;
    int off = out.length - shape.length;
    for (int d = out.length - 1; d >= 0; d--) {
      int coord = flat % out[d];
      flat /= out[d];
      if (d >= off) {
        int size = shape[d - off];
        idx += (size == 1 ? 0 : coord) * stride;
        stride *= size;
      }
    }
    return idx;
  }

  private static OnnxTensor binary(String op, OnnxTensor x, OnnxTensor y) {
    int[] out = broadcast(x.shape(), y.shape());
    int n = (int) OnnxTensor.size(out);
    boolean integer = x.isInteger() && y.isInteger();
    long[] ints = integer || op.equals("Equal") ? new long[n] : null;
    double[] reals = ints == null ? new double[n] : null;
    for (int i = 0; i < n; i++) {
      int ix = sourceIndex(i, out, x.shape());
      int iy = sourceIndex(i, out, y.shape());
      if (op.equals("Equal")) {
        ints[i] = x.real(ix) == y.real(iy) ? 1 : 0;
      } else if (integer) {
        long a = x.ints()[ix];
        long b = y.ints()[iy];
        ints[i] =
            switch (op) {
              case "Add" -> Math.addExact(a, b);
              case "Sub" -> Math.subtractExact(a, b);
              case "Mul" -> Math.multiplyExact(a, b);
              case "Div" -> a / b; // ONNX integer Div truncates, as Java does
              case "Max" -> Math.max(a, b);
              default -> Math.min(a, b);
            };
      } else {
        double a = x.real(ix);
        double b = y.real(iy);
        reals[i] =
            switch (op) {
              case "Add" -> a + b;
              case "Sub" -> a - b;
              case "Mul" -> a * b;
              case "Div" -> a / b;
              case "Max" -> Math.max(a, b);
              default -> Math.min(a, b);
            };
      }
    }
    String type = op.equals("Equal") ? "BOOL" : integer ? x.elementType() : realType(x, y);
    return new OnnxTensor(out, type, reals, ints);
  }

  private static String realType(OnnxTensor x, OnnxTensor y) {
    return x.isInteger() ? y.elementType() : x.elementType();
  }

  private interface RealOp {
    double apply(double x);
  }

  private interface IntOp {
    long apply(long x);
  }

  private static OnnxTensor map(OnnxTensor x, RealOp real, IntOp integer) {
    if (x.isInteger()) {
      if (integer == null) {
        throw new IllegalArgumentException("integer input");
      }
      long[] v = x.ints().clone();
      for (int i = 0; i < v.length; i++) {
        v[i] = integer.apply(v[i]);
      }
      return new OnnxTensor(x.shape(), x.elementType(), null, v);
    }
    double[] v = x.reals().clone();
    for (int i = 0; i < v.length; i++) {
      v[i] = real.apply(v[i]);
    }
    return new OnnxTensor(x.shape(), x.elementType(), v, null);
  }

  private static OnnxTensor cast(OnnxTensor x, int to) {
    DataType type = DataType.forNumber(to);
    if (type == null) {
      throw new IllegalArgumentException("unknown target type " + to);
    }
    switch (type) {
      case INT64, INT32, INT16, INT8, UINT8, UINT16, BOOL:
        {
          long[] v = new long[x.length()];
          for (int i = 0; i < v.length; i++) {
            double r = x.real(i);
            v[i] =
                type == DataType.BOOL ? (r != 0 ? 1 : 0) : x.isInteger() ? x.ints()[i] : (long) r;
          }
          return new OnnxTensor(x.shape(), type.name(), null, v);
        }
      case FLOAT, DOUBLE, FLOAT16, BFLOAT16:
        {
          double[] v = new double[x.length()];
          for (int i = 0; i < v.length; i++) {
            v[i] = type == DataType.FLOAT ? (float) x.real(i) : x.real(i);
          }
          return new OnnxTensor(x.shape(), type.name(), v, null);
        }
      default:
        throw new IllegalArgumentException("cast to " + type + " is not supported");
    }
  }

  private static OnnxTensor constantOfShape(OnnxTensor shape, OnnxTensor value) {
    int[] s = toShape(shape.integers());
    int n = (int) OnnxTensor.size(s);
    if (value == null || !value.isInteger()) {
      double[] v = new double[n];
      Arrays.fill(v, value == null ? 0 : value.reals()[0]);
      return new OnnxTensor(s, value == null ? "FLOAT" : value.elementType(), v, null);
    }
    long[] v = new long[n];
    Arrays.fill(v, value.ints()[0]);
    return new OnnxTensor(s, value.elementType(), null, v);
  }

  private static int[] toShape(long[] dims) {
    int[] s = new int[dims.length];
    for (int i = 0; i < s.length; i++) {
      if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("dimension " + dims[i]);
      }
      s[i] = (int) dims[i];
    }
    return s;
  }

  private static OnnxTensor concat(List<OnnxTensor> in, int axis) {
    OnnxTensor first = in.get(0);
    int r = first.rank();
    axis = (int) normalize(axis, r, false);
    int[] out = first.shape().clone();
    out[axis] = 0;
    boolean integer = true;
    for (OnnxTensor t : in) {
      if (t.rank() != r) {
        throw new IllegalArgumentException("inputs of different ranks");
      }
      for (int d = 0; d < r; d++) {
        if (d != axis && t.shape()[d] != out[d]) {
          throw new IllegalArgumentException("shapes differ off the concatenation axis");
        }
      }
      out[axis] += t.shape()[axis];
      integer &= t.isInteger();
    }
    int outer = (int) OnnxTensor.size(Arrays.copyOf(out, axis));
    int inner = (int) OnnxTensor.size(Arrays.copyOfRange(out, axis + 1, r));
    int n = (int) OnnxTensor.size(out);
    long[] ints = integer ? new long[n] : null;
    double[] reals = integer ? null : new double[n];
    int pos = 0;
    for (int o = 0; o < outer; o++) {
      for (OnnxTensor t : in) {
        int block = t.shape()[axis] * inner;
        for (int i = 0; i < block; i++, pos++) {
          int from = o * block + i;
          if (integer) {
            ints[pos] = t.ints()[from];
          } else {
            reals[pos] = t.real(from);
          }
        }
      }
    }
    return new OnnxTensor(out, first.elementType(), reals, ints);
  }

  /** The shape {@code target} means for {@code from} ({@code 0} copies, one {@code -1} infers). */
  static int[] reshapeTarget(int[] from, long[] target, boolean allowZero) {
    int[] out = new int[target.length];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      long t = target[i];
      if (t == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException("two -1 entries in " + Arrays.toString(target));
        }
        infer = i;
        continue;
      }
      if (t == 0 && !allowZero) {
        if (i >= from.length) {
          throw new IllegalArgumentException("0 copies a dimension the input lacks");
        }
        t = from[i];
      }
      if (t < 0 || t > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("target dimension " + t);
      }
      out[i] = (int) t;
      known = Math.multiplyExact(known, t);
    }
    long total = OnnxTensor.size(from);
    if (infer >= 0) {
      if (known == 0 || total % known != 0) {
        throw new IllegalArgumentException(
            Arrays.toString(from) + " cannot be reshaped to " + Arrays.toString(target));
      }
      out[infer] = (int) (total / known);
    } else if (known != total) {
      throw new IllegalArgumentException(
          Arrays.toString(from) + " cannot be reshaped to " + Arrays.toString(target));
    }
    return out;
  }

  private static OnnxTensor reshape(OnnxTensor x, long[] target, boolean allowZero) {
    return new OnnxTensor(
        reshapeTarget(x.shape(), target, allowZero), x.elementType(), x.reals(), x.ints());
  }

  private static OnnxTensor slice(List<OnnxTensor> in) {
    OnnxTensor x = in.get(0);
    long[] starts = in.get(1).integers();
    long[] ends = in.get(2).integers();
    int r = x.rank();
    long[] axes = in.size() > 3 && in.get(3) != null ? in.get(3).integers() : null;
    long[] steps = in.size() > 4 && in.get(4) != null ? in.get(4).integers() : null;
    int[] begin = new int[r];
    int[] step = new int[r];
    int[] count = x.shape().clone();
    Arrays.fill(step, 1);
    for (int k = 0; k < starts.length; k++) {
      int axis = (int) normalize(axes == null ? k : axes[k], r, false);
      long st = steps == null ? 1 : steps[k];
      if (st == 0) {
        throw new IllegalArgumentException("step 0");
      }
      long dim = x.shape()[axis];
      long s = starts[k] < 0 ? starts[k] + dim : starts[k];
      long e = ends[k] < 0 ? ends[k] + dim : ends[k];
      if (st > 0) {
        s = Math.max(0, Math.min(dim, s));
        e = Math.max(0, Math.min(dim, e));
        count[axis] = (int) Math.max(0, (e - s + st - 1) / st);
      } else {
        s = Math.max(-1, Math.min(dim - 1, s));
        e = Math.max(-1, Math.min(dim - 1, e));
        count[axis] = (int) Math.max(0, (s - e + (-st) - 1) / (-st));
      }
      begin[axis] = (int) s;
      step[axis] = (int) st;
    }
    int n = (int) OnnxTensor.size(count);
    long[] ints = x.isInteger() ? new long[n] : null;
    double[] reals = x.isInteger() ? null : new double[n];
    int[] src = new int[r];
    for (int i = 0; i < n; i++) {
      int rest = i;
      int flat = 0;
      for (int d = r - 1; d >= 0; d--) {
        int c = rest % count[d];
        rest /= count[d];
        src[d] = begin[d] + c * step[d];
      }
      for (int d = 0; d < r; d++) {
        flat = flat * x.shape()[d] + src[d];
      }
      if (ints != null) {
        ints[i] = x.ints()[flat];
      } else {
        reals[i] = x.reals()[flat];
      }
    }
    return new OnnxTensor(count, x.elementType(), reals, ints);
  }

  private static OnnxTensor transpose(OnnxTensor x, long[] perm) {
    int r = x.rank();
    int[] p = new int[r];
    for (int i = 0; i < r; i++) {
      p[i] = perm == null ? r - 1 - i : (int) perm[i];
    }
    int[] out = new int[r];
    for (int i = 0; i < r; i++) {
      out[i] = x.shape()[p[i]];
    }
    int[] inStride = new int[r];
    for (int d = r - 1, s = 1; d >= 0; d--) {
      inStride[d] = s;
      s *= x.shape()[d];
    }
    int n = x.length();
    long[] ints = x.isInteger() ? new long[n] : null;
    double[] reals = x.isInteger() ? null : new double[n];
    for (int i = 0; i < n; i++) {
      int rest = i;
      int from = 0;
      for (int d = r - 1; d >= 0; d--) {
        int c = rest % out[d];
        rest /= out[d];
        from += c * inStride[p[d]];
      }
      if (ints != null) {
        ints[i] = x.ints()[from];
      } else {
        reals[i] = x.reals()[from];
      }
    }
    return new OnnxTensor(out, x.elementType(), reals, ints);
  }

  /** Axes from the attribute (before {@code inputFrom}) or the second input (from it on). */
  private static long[] axes(OnnxAttributes a, List<OnnxTensor> in, long opset, long inputFrom) {
    if (opset >= inputFrom) {
      return in.size() > 1 && in.get(1) != null ? in.get(1).integers() : null;
    }
    return a.integers("axes");
  }

  private static OnnxTensor unsqueeze(OnnxTensor x, long[] axes) {
    if (axes == null) {
      throw new IllegalArgumentException("no axes");
    }
    int r = x.rank() + axes.length;
    boolean[] inserted = new boolean[r];
    for (long axis : axes) {
      inserted[(int) normalize(axis, r, false)] = true;
    }
    int[] out = new int[r];
    for (int d = 0, k = 0; d < r; d++) {
      out[d] = inserted[d] ? 1 : x.shape()[k++];
    }
    return new OnnxTensor(out, x.elementType(), x.reals(), x.ints());
  }

  private static OnnxTensor squeeze(OnnxTensor x, long[] axes) {
    int r = x.rank();
    boolean[] drop = new boolean[r];
    for (int d = 0; d < r; d++) {
      drop[d] = axes == null && x.shape()[d] == 1;
    }
    if (axes != null) {
      for (long axis : axes) {
        int d = (int) normalize(axis, r, false);
        if (x.shape()[d] != 1) {
          throw new IllegalArgumentException("axis " + axis + " has size " + x.shape()[d]);
        }
        drop[d] = true;
      }
    }
    int[] out = new int[r];
    int k = 0;
    for (int d = 0; d < r; d++) {
      if (!drop[d]) {
        out[k++] = x.shape()[d];
      }
    }
    return new OnnxTensor(Arrays.copyOf(out, k), x.elementType(), x.reals(), x.ints());
  }

  private static OnnxTensor range(OnnxTensor start, OnnxTensor limit, OnnxTensor delta) {
    if (start.isInteger() && limit.isInteger() && delta.isInteger()) {
      long s = start.ints()[0];
      long l = limit.ints()[0];
      long d = delta.ints()[0];
      if (d == 0) {
        throw new IllegalArgumentException("delta 0");
      }
      int n = (int) Math.max(0, Math.ceil((double) (l - s) / d));
      long[] v = new long[n];
      for (int i = 0; i < n; i++) {
        v[i] = s + i * d;
      }
      return OnnxTensor.vector(v);
    }
    double s = start.real(0);
    double d = delta.real(0);
    int n = (int) Math.max(0, Math.ceil((limit.real(0) - s) / d));
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = s + i * d;
    }
    return OnnxTensor.ofReals(new int[] {n}, start.elementType(), v);
  }

  private static OnnxTensor where(OnnxTensor c, OnnxTensor x, OnnxTensor y) {
    int[] out = broadcast(broadcast(c.shape(), x.shape()), y.shape());
    int n = (int) OnnxTensor.size(out);
    boolean integer = x.isInteger() && y.isInteger();
    long[] ints = integer ? new long[n] : null;
    double[] reals = integer ? null : new double[n];
    for (int i = 0; i < n; i++) {
      boolean take = c.real(sourceIndex(i, out, c.shape())) != 0;
      OnnxTensor t = take ? x : y;
      int k = sourceIndex(i, out, t.shape());
      if (integer) {
        ints[i] = t.ints()[k];
      } else {
        reals[i] = t.real(k);
      }
    }
    return new OnnxTensor(out, x.elementType(), reals, ints);
  }

  private static OnnxTensor expand(OnnxTensor x, long[] shape) {
    int[] out = broadcast(x.shape(), toShape(shape));
    int n = (int) OnnxTensor.size(out);
    long[] ints = x.isInteger() ? new long[n] : null;
    double[] reals = x.isInteger() ? null : new double[n];
    for (int i = 0; i < n; i++) {
      int k = sourceIndex(i, out, x.shape());
      if (ints != null) {
        ints[i] = x.ints()[k];
      } else {
        reals[i] = x.reals()[k];
      }
    }
    return new OnnxTensor(out, x.elementType(), reals, ints);
  }
}
