package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.fixtures.WorkParallel;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Behaviour particular to thread pools. */
@Timeout(30)
class ThreadPoolTest {
  private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

  @Test
  void aMapMeasuredToBeTinyRunsInTheCaller() {
    try (Pool pool = Parallel.threads(2)) {
      Set<String> first = Set.copyOf(pool.map(x -> WorkParallel.threadName(), FIVE));
      assertTrue(first.stream().allMatch(name -> name.startsWith("parallelizable-")), first.toString());
      Set<String> caller = Set.of(Thread.currentThread().getName());
      Set<String> warm = first;
      // The estimate blends each chunk's time; a cold JIT may need a few maps to settle.
      for (int map = 0; map < 50 && !warm.equals(caller); map++) {
        warm = Set.copyOf(pool.map(x -> WorkParallel.threadName(), FIVE));
      }
      assertEquals(caller, warm, "once measured, 5 trivial tasks run in the caller");
    }
  }

  @Test
  void anExplicitChunkSizeAlwaysUsesTheWorkers() {
    try (Pool pool = Parallel.threads(2)) {
      pool.map(x -> WorkParallel.threadName(), FIVE);
      Set<String> names = Set.copyOf(pool.map(x -> WorkParallel.threadName(), FIVE, 1));
      assertTrue(names.stream().allMatch(name -> name.startsWith("parallelizable-")), names.toString());
    }
  }

  @Test
  void slowTasksAreSpreadOneByOneOverTheWorkers() {
    try (Pool pool = Parallel.threads(2)) {
      List<Integer> eight = IntStream.range(0, 8).boxed().collect(Collectors.toList());
      pool.map(x -> WorkParallel.sleepMillis(25), eight);
      Set<String> names = Set.copyOf(pool.map(x -> WorkParallel.sleepMillis(25), List.of(1, 2)));
      assertEquals(2, names.size(), "two slow tasks go to two workers: " + names);
    }
  }
}
