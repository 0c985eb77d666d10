package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes an ONNX {@code TensorProto} (an initializer, a {@code Constant}'s value, an attribute)
 * into an {@link OnnxTensor}: element types float, double, float16, bfloat16 (widened exactly to
 * double), int64, int32, int16, int8, uint8 and bool (as integers), from {@code raw_data} (ONNX
 * stores it little-endian) or the typed fields. Tensors stored outside the file (external data) are
 * refused: vivit4j reads one self-contained file.
 */
public final class OnnxTensors {
  private OnnxTensors() {}

  /**
   * Decodes {@code t}.
   *
   * @param where how errors name the tensor (e.g. {@code initializer 'fc1.weight'})
   * @throws OnnxImportException naming {@code where} for an element type, storage or size that
   *     cannot be read
   */
  public static OnnxTensor decode(TensorProto t, String where) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new OnnxImportException(
          where
              + " is stored in an external data file; export with all tensors inside the model"
              + " (torch.onnx.export does so below 2 GB)");
    }
    if (t.hasSegment()) {
      throw new OnnxImportException(where + " is a segment of a tensor, which is not supported");
    }
    int[] shape = new int[t.getDimsCount()];
    for (int i = 0; i < shape.length; i++) {
      long d = t.getDims(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new OnnxImportException(where + " has dimension " + i + " of size " + d);
      }
      shape[i] = (int) d;
    }
    long n;
    try {
      n = OnnxTensor.size(shape);
    } catch (ArithmeticException e) {
      n = Long.MAX_VALUE;
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw new OnnxImportException(where + " has more elements than one Java array holds");
    }
    int count = (int) n;
    DataType type = DataType.forNumber(t.getDataType());
    if (type == null) {
      throw new OnnxImportException(where + " has unknown element type " + t.getDataType());
    }
    boolean raw = t.hasRawData();
    ByteBuffer bytes =
        raw ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
    int width = width(type);
    if (raw && width > 0 && (long) bytes.remaining() != (long) count * width) {
      throw new OnnxImportException(
          where
              + ": raw_data holds "
              + bytes.remaining()
              + " bytes, its shape needs "
              + (long) count * width);
    }
    switch (type) {
      case FLOAT:
        {
          double[] v = new double[count];
          checkCount(where, raw, count, t.getFloatDataCount());
          for (int i = 0; i < count; i++) {
            v[i] = raw ? bytes.getFloat() : t.getFloatData(i);
          }
          return new OnnxTensor(shape, type.name(), v, null);
        }
      case DOUBLE:
        {
          double[] v = new double[count];
          checkCount(where, raw, count, t.getDoubleDataCount());
          for (int i = 0; i < count; i++) {
            v[i] = raw ? bytes.getDouble() : t.getDoubleData(i);
          }
          return new OnnxTensor(shape, type.name(), v, null);
        }
      case FLOAT16:
      case BFLOAT16:
        {
          // typed storage of 16-bit floats: int32_data, one value per entry (low 16 bits)
          double[] v = new double[count];
          checkCount(where, raw, count, t.getInt32DataCount());
          for (int i = 0; i < count; i++) {
            int bits = raw ? Short.toUnsignedInt(bytes.getShort()) : t.getInt32Data(i) & 0xFFFF;
            v[i] = type == DataType.FLOAT16 ? halfToDouble(bits) : Float.intBitsToFloat(bits << 16);
          }
          return new OnnxTensor(shape, type.name(), v, null);
        }
      case INT64:
        {
          long[] v = new long[count];
          checkCount(where, raw, count, t.getInt64DataCount());
          for (int i = 0; i < count; i++) {
            v[i] = raw ? bytes.getLong() : t.getInt64Data(i);
          }
          return new OnnxTensor(shape, type.name(), null, v);
        }
      case INT32:
      case INT16:
      case INT8:
      case UINT8:
      case UINT16:
      case BOOL:
        {
          long[] v = new long[count];
          checkCount(where, raw, count, t.getInt32DataCount());
          for (int i = 0; i < count; i++) {
            v[i] = raw ? readSmallInt(bytes, type) : t.getInt32Data(i);
          }
          return new OnnxTensor(shape, type.name(), null, v);
        }
      default:
        throw new OnnxImportException(
            where + " has element type " + type + ", which vivit4j does not read");
    }
  }

  /** IEEE 754 binary16 bits to the value (exact: every half is a double). */
  static double halfToDouble(int bits) {
    int sign = (bits & 0x8000) != 0 ? -1 : 1;
    int exponent = (bits >> 10) & 0x1F;
    int fraction = bits & 0x3FF;
    if (exponent == 0x1F) {
      return fraction == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
    }
    if (exponent == 0) {
      return sign * Math.scalb((double) fraction, -24); // subnormal: fraction · 2⁻²⁴
    }
    return sign * Math.scalb((double) (fraction | 0x400), exponent - 25);
  }

  private static long readSmallInt(ByteBuffer b, DataType type) {
    return switch (type) {
      case INT32 -> b.getInt();
      case INT16 -> b.getShort();
      case UINT16 -> Short.toUnsignedInt(b.getShort());
      case INT8 -> b.get();
      case UINT8, BOOL -> Byte.toUnsignedInt(b.get());
      default -> throw new IllegalStateException(type.name());
    };
  }

  /** Bytes per element in {@code raw_data}, 0 for types not read. */
  private static int width(DataType type) {
    return switch (type) {
      case DOUBLE, INT64 -> 8;
      case FLOAT, INT32 -> 4;
      case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
      case INT8, UINT8, BOOL -> 1;
      default -> 0;
    };
  }

  private static void checkCount(String where, boolean raw, int count, int typed) {
    if (!raw && typed != count) {
      throw new OnnxImportException(
          where + " holds " + typed + " values, its shape needs " + count);
    }
  }
}
