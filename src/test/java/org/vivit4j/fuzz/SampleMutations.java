package org.vivit4j.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Consistent changes of the mini-batch (X, y and N together): the file stays valid, so these
 * mutants reach the solver with permuted, repeated (degenerate Gram eigenvalues) or fewer samples.
 */
final class SampleMutations {
  private SampleMutations() {}

  static String resample(ObjectNode root, SplittableRandom rnd) {
    if (!(root.get("X") instanceof ArrayNode x)
        || !(root.get("y") instanceof ArrayNode y)
        || x.size() != y.size()
        || x.isEmpty()) {
      return null; // encoded or already broken: nothing consistent to do
    }
    int n = x.size();
    List<Integer> rows = new ArrayList<>();
    String what;
    switch (rnd.nextInt(4)) {
      case 0 -> {
        for (int i = 0; i < n; i++) {
          rows.add(i);
        }
        Collections.shuffle(rows, new java.util.Random(rnd.nextLong()));
        what = "samples permuted " + rows;
      }
      case 1 -> {
        int d = rnd.nextInt(n);
        for (int i = 0; i < n; i++) {
          rows.add(i);
        }
        rows.add(d);
        what = "sample " + d + " repeated (N = " + (n + 1) + ")";
      }
      case 2 -> {
        if (n < 2) {
          return null;
        }
        for (int i = 0; i + 1 < n; i++) {
          rows.add(i);
        }
        what = "last sample dropped (N = " + (n - 1) + ")";
      }
      default -> {
        // 16 times: N·C̃ beyond 160, where the automatic eigensolver switches to Lanczos
        int times = TreeMutations.oneOf(rnd, List.of(2, 3, 16));
        if (n * times > 100) {
          return null;
        }
        for (int t = 0; t < times; t++) {
          for (int i = 0; i < n; i++) {
            rows.add(i);
          }
        }
        what = "batch repeated " + times + " times (N = " + rows.size() + ")";
      }
    }
    List<JsonNode> xs = new ArrayList<>();
    List<JsonNode> ys = new ArrayList<>();
    for (int r : rows) {
      xs.add(x.get(r).deepCopy());
      ys.add(y.get(r).deepCopy());
    }
    x.removeAll().addAll(xs);
    y.removeAll().addAll(ys);
    root.put("N", rows.size());
    if (rows.size() < n && root.get("computation") instanceof ObjectNode c) {
      // sub-sampling indices may point past the smaller batch: use every sample
      c.putNull("subsampling_grad");
      c.putNull("subsampling_ggn");
      c.remove("N_grad");
      c.remove("N_ggn");
    } else if (root.get("computation") instanceof ObjectNode c) {
      if (c.path("subsampling_grad").isNull()) {
        c.remove("N_grad");
      }
      if (c.path("subsampling_ggn").isNull()) {
        c.remove("N_ggn");
      }
    }
    return what;
  }
}
