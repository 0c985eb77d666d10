package org.vivit4j.json;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** Writes a float64 array of a shape as the problem files hold it (nested lists or base64). */
@FunctionalInterface
public interface ArrayWriter {
  /**
   * @param values row-major, {@code prod(shape)} entries
   * @param shape the array's shape
   */
  void write(JsonGenerator g, double[] values, int[] shape) throws IOException;
}
