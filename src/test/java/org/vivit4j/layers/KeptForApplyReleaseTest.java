package org.vivit4j.layers;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vivit4j.backend.CpuBackend;
import org.vivit4j.backend.DeviceMatrix;
import org.vivit4j.backend.Precision;

/**
 * A Conv2d's Gram contraction leaves {@code V_W} and the bias factor in its context for a later
 * {@code V·w}; when nobody takes them they are freed at once, before the layer's input factor is
 * formed beside them.
 */
class KeptForApplyReleaseTest {
  /** A matrix that records being closed. */
  private static final class Tracked implements DeviceMatrix {
    boolean closed;

    @Override
    public int rows() {
      return 1;
    }

    @Override
    public int cols() {
      return 1;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void whatNoVwTakesIsFreedAndTheRestStays() {
    Conv2dLayer.Conv2dSpec spec =
        new Conv2dLayer.Conv2dSpec(
            2,
            3,
            new int[] {2, 2},
            new int[] {1, 1},
            new int[] {0, 0},
            new int[] {1, 1},
            new double[3 * 2 * 2 * 2],
            new double[3]);
    Conv2dLayer layer =
        new Conv2dLayer("model[0]", spec, new int[] {2, 4, 4}, ConvGramPolicy.defaults());
    List<String> keys = layer.keptForApplyKeys();
    assertTrue(keys.size() == 2, "V_W and the bias factor: " + keys);
    try (CpuBackend backend = new CpuBackend(Precision.FLOAT64);
        LayerContext ctx =
            new LayerContext(
                backend, 1, new double[32], 32, null, 27, new int[] {0}, new int[] {0}, null)) {
      List<Tracked> kept = new ArrayList<>();
      for (String key : keys) {
        Tracked m = new Tracked();
        ctx.lendCached(key, m);
        kept.add(m);
      }
      Tracked other = new Tracked();
      ctx.lendCached("unfolded.other", other);
      layer.releaseKeptForApply(ctx);
      for (int i = 0; i < keys.size(); i++) {
        assertFalse(ctx.isCached(keys.get(i)), keys.get(i));
        assertTrue(kept.get(i).closed, keys.get(i) + " freed");
      }
      // a key the layer does not keep for V·w is not its to free
      assertTrue(ctx.isCached("unfolded.other"));
      assertFalse(other.closed);
      // nothing left to release: a second call is a no-op
      layer.releaseKeptForApply(ctx);
    }
  }
}
