package org.vivit4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.vivit4j.core.MemoryEstimate;
import org.vivit4j.model.NetworkSpec;
import org.vivit4j.problems.DeepObsProblems;

/**
 * Plans of runs on a device (estimates only, nothing is computed): the chunks the device's memory
 * sets, for batches whose plain factor or Gram is past one Java array, and the notes of such a
 * plan.
 */
class DeviceChunkPlanTest {
  private static final long GIB = 1L << 30;

  /**
   * fmnist_2c2d, exact top-10 directional derivatives in float32 at N = 10 000 (a packed Gram; the
   * plain pass's factor past one array), a heap too large to matter and an 8 GiB device: the device
   * sets the chunks, the chunked estimate fits 1/1.5 of it, and the plan's notes are written. The
   * note once estimated the plain pass with the array checks on, which refused the run after every
   * check had passed.
   */
  @Test
  void aBatchPastOneArrayIsChunkedForTheDeviceAndItsNotesAreWritten() {
    NetworkSpec net = DeepObsProblems.fmnist2c2dNetwork(new SplittableRandom(0));
    List<ParamGroup> groups =
        List.of(
            new ParamGroup(
                "all", IntStream.range(0, net.params().size()).toArray(), Criterion.topK(10)));
    GgnComputation c = new DirectionalDerivativesComputation().assumingHeapLimit(400 * GIB);
    RunSizing.Plan plan = c.sizing().plan(net, 10_000, groups, false, true, 10, 400 * GIB, 8 * GIB);
    assertTrue(plan.forDevice(), "the device, not the heap, sets the chunks");
    assertTrue(plan.sizes().chunked());
    assertTrue(plan.sizes().gramLayout().packed(), "a Gram past one array is packed");
    MemoryEstimate e = plan.estimate();
    assertTrue(e.deviceBytes() * MemoryEstimate.DEVICE_HEADROOM <= 8 * GIB, e.deviceParts() + "");
    List<String> notes = c.sizing().planNotes(plan);
    assertTrue(
        notes.stream().anyMatch(s -> s.contains("(the device's memory: the plain pass needs")),
        notes.toString());
    // a larger chunk would not fit: the chunk is the largest that does
    RunSizing.Plan larger =
        new DirectionalDerivativesComputation()
            .withFactorChunk(plan.chunk() + 1)
            .assumingHeapLimit(400 * GIB)
            .sizing()
            .plan(net, 10_000, groups, false, true, 10, 400 * GIB, 8 * GIB);
    assertEquals(plan.chunk() + 1, larger.chunk());
    assertTrue(
        larger.estimate().deviceBytes() * MemoryEstimate.DEVICE_HEADROOM > 8 * GIB,
        larger.estimate().deviceBytes() + "");
  }
}
