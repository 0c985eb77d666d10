package org.vivit4j.layers.types;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.vivit4j.json.ArrayWriter;
import org.vivit4j.layers.ActivationLayer;
import org.vivit4j.layers.AdaptiveAvgPool1dLayer;
import org.vivit4j.layers.AdaptiveAvgPool2dLayer;
import org.vivit4j.layers.AddLayer;
import org.vivit4j.layers.AvgPool2dLayer;
import org.vivit4j.layers.BatchNormLayer;
import org.vivit4j.layers.ConcatLayer;
import org.vivit4j.layers.Conv1dLayer;
import org.vivit4j.layers.Conv2dLayer;
import org.vivit4j.layers.ConvGramPolicy;
import org.vivit4j.layers.ConvTranspose1dLayer;
import org.vivit4j.layers.ConvTranspose2dLayer;
import org.vivit4j.layers.DropoutLayer;
import org.vivit4j.layers.EmbeddingLayer;
import org.vivit4j.layers.FlattenLayer;
import org.vivit4j.layers.IdentityLayer;
import org.vivit4j.layers.Layer;
import org.vivit4j.layers.LayerNormLayer;
import org.vivit4j.layers.LinearLayer;
import org.vivit4j.layers.MaxPool2dLayer;
import org.vivit4j.layers.Pad2dLayer;
import org.vivit4j.layers.Pool1dLayer;
import org.vivit4j.layers.ScaleLayer;
import org.vivit4j.layers.UnflattenLayer;
import org.vivit4j.model.LayerSpec;
import org.vivit4j.model.NetworkSpec;

/** The registry of layer types, one line per type; readers, writers and the fast path use it. */
public final class LayerTypes {
  private LayerTypes() {}

  /** Every layer type, in the order the unknown-type message lists their names. */
  public static final List<LayerType<?>> ALL =
      List.of(
          LinearLayer.TYPE,
          Conv2dLayer.TYPE,
          Conv1dLayer.TYPE,
          ConvTranspose2dLayer.TYPE,
          ConvTranspose1dLayer.TYPE,
          EmbeddingLayer.TYPE,
          MaxPool2dLayer.TYPE,
          AvgPool2dLayer.TYPE,
          AdaptiveAvgPool2dLayer.TYPE,
          AdaptiveAvgPool1dLayer.TYPE,
          ActivationLayer.TYPE,
          IdentityLayer.TYPE,
          DropoutLayer.TYPE,
          LayerNormLayer.TYPE,
          BatchNormLayer.TYPE,
          Pad2dLayer.TYPE,
          Pool1dLayer.TYPE,
          FlattenLayer.TYPE,
          UnflattenLayer.TYPE,
          ScaleLayer.TYPE,
          AddLayer.TYPE,
          ConcatLayer.TYPE);

  /** The type reading problem-file name {@code name}, or {@code null}. */
  public static LayerType<?> named(String name) {
    for (LayerType<?> t : ALL) {
      if (t.names().contains(name)) {
        return t;
      }
    }
    return null;
  }

  /** Every problem-file type name, in {@link #ALL}'s order. */
  public static List<String> names() {
    List<String> out = new ArrayList<>();
    ALL.forEach(t -> out.addAll(t.names()));
    return out;
  }

  /** The type of {@code spec}'s class. */
  public static LayerType<?> of(LayerSpec spec) {
    for (LayerType<?> t : ALL) {
      if (t.specClass().isInstance(spec)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no layer type for " + spec.getClass().getSimpleName());
  }

  /** {@code type} and the fields of {@code spec}, as one JSON object. */
  public static void write(JsonGenerator g, LayerSpec spec, ArrayWriter arrays) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", spec.type());
    writeFields(of(spec), g, spec, arrays);
    g.writeEndObject();
  }

  /** A graph node: {@code name}, {@code type}, {@code inputs} and the fields of {@code spec}. */
  public static void writeNode(
      JsonGenerator g, String name, List<String> inputs, LayerSpec spec, ArrayWriter arrays)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", name);
    g.writeStringField("type", spec.type());
    g.writeArrayFieldStart("inputs");
    for (String in : inputs) {
      g.writeString(in);
    }
    g.writeEndArray();
    writeFields(of(spec), g, spec, arrays);
    g.writeEndObject();
  }

  /** The fast-path layers of {@code net}'s nodes, in order. */
  public static List<Layer> build(NetworkSpec net, ConvGramPolicy convGram) {
    List<Layer> out = new ArrayList<>();
    for (int i = 0; i < net.layers().size(); i++) {
      LayerSpec spec = net.layers().get(i);
      out.add(create(of(spec), spec, net, i, convGram));
    }
    return out;
  }

  private static <S extends LayerSpec> void writeFields(
      LayerType<S> type, JsonGenerator g, LayerSpec spec, ArrayWriter arrays) throws IOException {
    type.writeFields(g, type.specClass().cast(spec), arrays);
  }

  private static <S extends LayerSpec> Layer create(
      LayerType<S> type, LayerSpec spec, NetworkSpec net, int i, ConvGramPolicy convGram) {
    return type.create(type.specClass().cast(spec), net, i, convGram);
  }
}
