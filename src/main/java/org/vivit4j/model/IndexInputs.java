package org.vivit4j.model;

/**
 * The rule for layers that read integer indices ({@link LayerSpec#readsIndices}, an embedding): the
 * indices are the network input {@code X}, which is data, not features. So every node that reads
 * indices reads the network input directly and nothing else, and when one does, no other node reads
 * the network input (it would read indices as features). In a chain this is "the embedding is the
 * first layer"; in a graph several embeddings may read the input side by side (each checks {@code
 * X} against its own table).
 */
final class IndexInputs {
  private IndexInputs() {}

  /**
   * Checks the rule on the structure of {@code net}.
   *
   * @throws InvalidInputException naming the node: in a chain {@code model[i].type}, in a graph the
   *     offending input {@code graph.nodes[j].inputs[q]} and the node's name
   */
  static void checkStructure(NetworkSpec net) {
    int reader = -1;
    for (int i = 0; i < net.layers().size(); i++) {
      LayerSpec layer = net.layers().get(i);
      if (!layer.readsIndices()) {
        continue;
      }
      int[] in = net.inputsOf(i);
      for (int q = 0; q < in.length; q++) {
        if (in[q] != 0) {
          throw notOnInput(net, i, q, in[q]);
        }
      }
      if (reader < 0) {
        reader = i;
      }
    }
    if (reader < 0) {
      return;
    }
    for (int i = 0; i < net.layers().size(); i++) {
      if (net.layers().get(i).readsIndices()) {
        continue;
      }
      int[] in = net.inputsOf(i);
      for (int q = 0; q < in.length; q++) {
        if (in[q] == 0) {
          throw new InvalidInputException(
              net.where(i) + ".inputs[" + q + "]",
              "reads the graph input '"
                  + net.inputName()
                  + "', which holds the integer indices of the "
                  + net.layers().get(reader).type()
                  + " '"
                  + net.nodeName(reader)
                  + "' ("
                  + net.where(reader)
                  + "); only layers that read indices may read it (node '"
                  + net.nodeName(i)
                  + "')");
        }
      }
    }
  }

  private static InvalidInputException notOnInput(NetworkSpec net, int i, int q, int value) {
    LayerSpec layer = net.layers().get(i);
    if (!net.isGraph()) {
      return new InvalidInputException(
          net.where(i) + ".type",
          layer.type()
              + " reads integer indices (the network input X) and must be the first layer");
    }
    return new InvalidInputException(
        net.where(i) + ".inputs[" + q + "]",
        "is '"
            + net.nodeName(value - 1)
            + "' but "
            + layer.type()
            + " reads integer indices: it must read the graph input '"
            + net.inputName()
            + "' (X) directly (node '"
            + net.nodeName(i)
            + "')");
  }

  /**
   * Checks the values of the network input {@code x} for every node that reads it as indices.
   *
   * @param x {@code [N × prod(inputShape)]} row-major
   * @param field the input's field, {@code X}
   * @throws InvalidInputException naming the first bad entry ({@code X[n][l]})
   */
  static void checkValues(NetworkSpec net, double[] x, String field) {
    for (int i = 0; i < net.layers().size(); i++) {
      if (net.layers().get(i).readsIndices()) {
        net.layers().get(i).checkNetworkInput(x, net.inputShape(), field, net.where(i));
      }
    }
  }
}
