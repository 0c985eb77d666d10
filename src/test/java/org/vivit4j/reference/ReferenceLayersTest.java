package org.vivit4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vivit4j.layers.types.LayerType;
import org.vivit4j.layers.types.LayerTypes;

/** The reference knows every layer type the fast path and the problem files know, once. */
class ReferenceLayersTest {

  @Test
  void everyLayerTypeHasOneReferenceEntry() {
    Set<Class<?>> reference = new HashSet<>();
    for (ReferenceLayers.Entry<?> e : ReferenceLayers.ALL) {
      assertEquals(true, reference.add(e.spec()), e.spec() + " twice");
    }
    Set<Class<?>> fastPath = new HashSet<>();
    for (LayerType<?> t : LayerTypes.ALL) {
      fastPath.add(t.specClass());
    }
    assertEquals(fastPath, reference, "spec classes of LayerTypes.ALL vs ReferenceLayers.ALL");
  }
}
