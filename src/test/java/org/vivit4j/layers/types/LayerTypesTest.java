package org.vivit4j.layers.types;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vivit4j.model.Activation;

/** The registry: each name and each spec class belongs to exactly one type. */
class LayerTypesTest {

  @Test
  void everyNameHasOneType() {
    List<String> names = LayerTypes.names();
    assertEquals(names.size(), new HashSet<>(names).size(), "a name twice: " + names);
    for (LayerType<?> t : LayerTypes.ALL) {
      for (String name : t.names()) {
        assertSame(t, LayerTypes.named(name), name);
      }
    }
    for (Activation a : Activation.values()) {
      assertSame(LayerTypes.named("relu"), LayerTypes.named(a.typeName()), a.typeName());
    }
    assertNull(LayerTypes.named("swiglu"));
  }

  @Test
  void everySpecClassHasOneType() {
    Set<Class<?>> classes = new HashSet<>();
    for (LayerType<?> t : LayerTypes.ALL) {
      assertEquals(true, classes.add(t.specClass()), t.specClass() + " twice");
    }
    assertEquals(LayerTypes.ALL.size(), classes.size());
  }
}
