package dev.parallelizable.cluster;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Pool;
import dev.parallelizable.fixtures.WorkParallel;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A cluster pool's name: its default, and a given one in its messages, stats and result thread. */
@Timeout(value = 60, unit = SECONDS)
class ClusterPoolNameTest {

  private static Set<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
  }

  @Test
  void anUnnamedClusterPoolIsNamedByItsNumber() {
    try (Pool pool = LoopbackCluster.sharedPool()) {
      assertTrue(pool.name().matches("cluster pool [1-9][0-9]*"), pool.name());
      assertTrue(pool.toString().startsWith(pool.name() + " (cluster '"), pool.toString());
      assertEquals(pool.name(), pool.stats().name());
      assertEquals(pool.toString(), pool.stats().pool());
      assertEquals(8L, pool.apply(WorkParallel.cube(2)));
      String number = pool.name().substring("cluster pool ".length());
      assertTrue(threadNames().contains("parallelizable-cluster-pool-" + number + "-results"), threadNames().toString());
    }
  }

  @Test
  void aNamedClusterPoolShowsItsNameInItsMessagesStatsAndResultThread() {
    Pool pool = ClusterPool.builder().instance(LoopbackCluster.shared().members.get(0)).name("render farm").build();
    try {
      assertEquals("render farm", pool.name());
      assertTrue(pool.toString().startsWith("cluster pool 'render farm' (cluster '"), pool.toString());
      assertEquals("render farm", pool.stats().name());
      assertEquals(pool.toString(), pool.stats().pool());
      assertEquals(List.of(8L, 27L), pool.map(WorkParallel::cube, List.of(2, 3)));
      assertTrue(threadNames().contains("parallelizable-render farm-results"), threadNames().toString());
    } finally {
      pool.close();
    }
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pool.apply(WorkParallel.cube(2)));
    assertTrue(refused.getMessage().startsWith("cluster pool 'render farm' (cluster '"), refused.getMessage());
  }

  @Test
  void aClusterPoolNameIsCheckedWhereItIsGiven() {
    IllegalArgumentException rejected =
        assertThrows(IllegalArgumentException.class, () -> ClusterPool.builder().name(" "));
    assertEquals("name must not be blank, got ' '; leave it unset for the default name", rejected.getMessage());
  }
}
