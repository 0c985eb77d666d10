package org.vivit4j.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vivit4j.api.Problem;
import org.vivit4j.model.NetworkSpec;

/** DeepOBS's CIFAR networks have DeepOBS's parameter counts and the shapes along the way. */
class DeepObsCifarTest {
  @Test
  void cifar10_3c3dHasDeepObssParameterCountAndShapes() {
    Problem p = DeepObsCifar.problem("cifar10_3c3d", 0, 2, 10);
    NetworkSpec net = p.network();
    assertEquals(895_210, net.numParams());
    assertArrayEquals(new int[] {64, 28, 28}, net.shapeBefore(1), "conv 5×5 valid");
    assertArrayEquals(new int[] {64, 14, 14}, net.shapeBefore(3), "pool 3/2 as TF 'same'");
    assertArrayEquals(new int[] {96, 6, 6}, net.shapeBefore(6));
    assertArrayEquals(new int[] {128, 3, 3}, net.shapeBefore(9));
    assertArrayEquals(new int[] {10}, net.shapeBefore(net.layers().size()));
    assertEquals(2 * 3 * 32 * 32, p.batch().x().length);
  }

  @Test
  void cifar100AllCnnCHasDeepObssParameterCountAndShapes() {
    Problem p = DeepObsCifar.problem("cifar100_allcnnc", 0, 2, 10);
    NetworkSpec net = p.network();
    assertEquals(1_387_108, net.numParams());
    assertArrayEquals(new int[] {100}, net.shapeBefore(net.layers().size()));
    int last = net.layers().size();
    assertArrayEquals(new int[] {100, 6, 6}, net.shapeBefore(last - 2), "before global average");
    for (int y : p.batch().yClass()) {
      assertEquals(true, y >= 0 && y < 100);
    }
  }
}
