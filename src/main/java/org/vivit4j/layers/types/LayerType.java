package org.vivit4j.layers.types;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.Layer;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/**
 * A layer type's problem-file side: its names, reading and writing its JSON object (PyTorch's keys
 * and defaults; unknown keys are errors naming the field), and building its fast-path {@link
 * Layer}. Each type's subclass is nested in its home {@code layers/XLayer} as {@code XLayer.TYPE},
 * beside its spec record ({@link LayerSpec}: shapes, parameter tensors, hyper-parameter checks) and
 * its fast path; its reference op lives in {@code org.vivit4j.reference}, which reads only the
 * spec. {@link LayerTypes#ALL} lists the types.
 *
 * @param <S> the spec record
 */
public abstract class LayerType<S extends LayerSpec> {
  private final Class<S> specClass;

  protected LayerType(Class<S> specClass) {
    this.specClass = specClass;
  }

  /** The spec record this type reads, writes and builds. */
  public final Class<S> specClass() {
    return specClass;
  }

  /** The {@code type} names of problem files (one, or one per activation). */
  public abstract List<String> names();

  /**
   * The spec of the JSON object {@code node} at {@code path}, whose {@code type} is {@code name}
   * (one of {@link #names()}).
   *
   * @throws org.vivit4j.model.InvalidInputException naming the field
   */
  public abstract S read(JsonNode node, String path, String name);

  /** Writes the object's fields after {@code type}, arrays through {@code arrays}. */
  public abstract void writeFields(JsonGenerator g, S spec, ArrayWriter arrays) throws IOException;

  /**
   * The fast-path layer of layer {@code index} of {@code net}.
   *
   * @param convGram how Conv2d layers contract their Gram (ignored by the others)
   */
  public abstract Layer create(S spec, NetworkSpec net, int index, ConvGramPolicy convGram);
}
