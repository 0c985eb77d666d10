package org.vivit4j.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Shipped ONNX test models, and variants of them made for refusal tests. */
public final class OnnxTestModels {
  private OnnxTestModels() {}

  /** The shipped model {@code name}'s bytes with every {@code from} node made a {@code to} node. */
  public static byte[] withOpType(String name, String from, String to) throws IOException {
    ModelProto.Builder b =
        ModelProto.parseFrom(Files.readAllBytes(Path.of("src/test/resources/onnx", name + ".onnx")))
            .toBuilder();
    for (int i = 0; i < b.getGraph().getNodeCount(); i++) {
      if (b.getGraph().getNode(i).getOpType().equals(from)) {
        b.getGraphBuilder().setNode(i, b.getGraph().getNode(i).toBuilder().setOpType(to));
      }
    }
    return b.build().toByteArray();
  }
}
