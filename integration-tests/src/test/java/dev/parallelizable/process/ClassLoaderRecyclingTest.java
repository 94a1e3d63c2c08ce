package dev.parallelizable.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Outcome;
import dev.parallelizable.Parallel;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Pool;
import dev.parallelizable.ProcessPoolBuilder;
import dev.parallelizable.RuntimePackageStateParallel;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.fixtures.WorkParallel;
import dev.parallelizable.fixtures.Recycled;
import dev.parallelizable.fixtures.RecycledParallel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ProcessPoolBuilder#maxTasksPerClassLoader}: a worker runs every N tasks in a new class
 * loader over the application's classpath, with the application's static state fresh and the
 * initializer run again, and the loaders it is done with are unloaded. One worker per pool, so that
 * the tasks run in input order.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClassLoaderRecyclingTest {
  private static final List<Integer> NINE = IntStream.rangeClosed(1, 9).boxed().collect(Collectors.toList());

  private static ProcessPoolBuilder oneWorker(int tasksPerLoader) {
    return Parallel.processPool().workers(1).maxTasksPerClassLoader(tasksPerLoader);
  }

  @Test
  void staticStateStartsFreshEveryNTasksThroughEveryKindOfMap() {
    try (Pool pool = oneWorker(3).build()) {
      List<Integer> counts = List.of(1, 2, 3, 1, 2, 3, 1, 2, 3);
      assertEquals(counts, pool.map(RecycledParallel::callsInThisLoader, NINE));
      // The generated map would send one batch of columns; a worker that counts tasks gets them one by one.
      assertEquals(counts, RecycledParallel.on(pool).callsInThisLoaderMap(NINE));
      assertEquals(counts, pool.map(RecycledParallel::callsInThisLoader, NINE, 2), "chunks of 2");
      assertEquals(1, pool.apply(RecycledParallel.callsInThisLoader(0)), "a new loader after 9 tasks");
    }
  }

  @Test
  void anApplicationClassInTheRuntimesOwnPackageIsLoadedAfreshToo() {
    try (Pool pool = oneWorker(2).build()) {
      assertEquals(List.of(1, 2, 1, 2), pool.map(RuntimePackageStateParallel::callsInThisLoader, NINE.subList(0, 4)));
    }
  }

  @Test
  void tasksRunWithTheirLoaderAsTheContextLoader() {
    try (Pool pool = oneWorker(1).build()) {
      List<String> loaders = pool.map(RecycledParallel::loader, List.of(1, 2));
      assertTrue(loaders.get(0).startsWith("parallelizable-tasks-") && loaders.get(0).endsWith(" (context)"),
          loaders.toString());
      assertNotEquals(loaders.get(0), loaders.get(1), "each task in a loader of its own");
    }
  }

  @Test
  void aClassKnowsWhereItsFileIsAndFindsItsResources() {
    String expected = Recycled.class.getProtectionDomain().getCodeSource().getLocation() + " (found)";
    try (Pool pool = oneWorker(1).build()) {
      assertEquals(List.of(expected, expected), pool.map(RecycledParallel::location, List.of(1, 2)));
    }
  }

  @Test
  void aServiceLoaderInATaskFindsTheImplementationInTheTasksLoader() {
    try (Pool pool = oneWorker(1).build()) {
      assertEquals(List.of(true, true), pool.map(RecycledParallel::serviceFromThisLoader, List.of(1, 2)));
    }
  }

  @Test
  void withMaxTasksPerWorkerTooEveryTaskHasFreshStateAndEveryThirdANewJvm() {
    try (Pool pool = oneWorker(1).maxTasksPerWorker(3).build()) {
      List<String> seen = pool.map(RecycledParallel::pidAndCalls, NINE, 1);
      assertTrue(seen.stream().allMatch(s -> s.endsWith(":1")), seen.toString());
      List<String> pids = seen.stream().map(s -> s.substring(0, s.indexOf(':'))).toList();
      for (int i = 0; i < 9; i++) {
        assertEquals(pids.get(i - i % 3), pids.get(i), "the same JVM within a run of three: " + pids);
      }
      assertEquals(3, pids.stream().distinct().count(), "a new JVM every three tasks: " + pids);
    }
  }

  @Test
  void theInitializerRunsAgainInEachNewLoader() {
    try (Pool pool = oneWorker(2).initializer(RecycledParallel.initialize()).build()) {
      assertEquals(List.of(1, 1, 1, 1, 1, 1), pool.map(RecycledParallel::initializations, NINE.subList(0, 6)));
    }
  }

  @Test
  void anInitializerThatFailsInALaterLoaderFailsThatTaskAndTheNextTaskGetsANewLoader() {
    try (Pool pool = oneWorker(1).initializer(RecycledParallel.initializeOnce()).build()) {
      List<Outcome<Integer>> outcomes = pool.mapOutcomes(RecycledParallel::callsInThisLoader, NINE.subList(0, 3));
      assertEquals(1, outcomes.get(0).value(), "the first loader's initializer succeeded at the start");
      for (Outcome<Integer> later : outcomes.subList(1, 3)) {
        TaskFailedException failure = assertInstanceOf(TaskFailedException.class, later.failure());
        ParallelException cause = assertInstanceOf(ParallelException.class, failure.getCause());
        assertTrue(cause.getMessage().contains("maxTasksPerClassLoader")
            && cause.getMessage().contains("the initializer runs once per JVM"), cause.getMessage());
      }
    }
  }

  @Test
  void anInitializerThatFailsAtTheStartBreaksThePoolAsWithoutRecycling() {
    try (Pool broken = oneWorker(2).initializer(WorkParallel.failToInitialize()).build()) {
      WorkerStartException failure =
          assertThrows(WorkerStartException.class, () -> broken.apply(RecycledParallel.callsInThisLoader(1)));
      assertTrue(failure.getMessage().contains("Work.failToInitialize()"), failure.getMessage());
      assertInstanceOf(IllegalStateException.class, failure.getCause());
      assertEquals("no configuration found", failure.getCause().getMessage());
    }
  }

  @Test
  void loadersThatRanTheirTasksAreUnloaded() {
    try (Pool pool = oneWorker(1).build()) {
      long before = pool.apply(RecycledParallel.unloadedClasses(0));
      pool.map(RecycledParallel::callsInThisLoader, NINE);
      long after = pool.apply(RecycledParallel.unloadedClasses(0));
      // Each of the nine loaders loaded at least the fixture and its invoker.
      assertTrue(after - before >= 18, "unloaded " + before + ", then " + after);
    }
  }

  @Test
  void theLimitMayBeAsHighAsAnIntAllows() {
    try (Pool pool = oneWorker(Integer.MAX_VALUE).build()) {
      assertEquals(List.of(1, 2, 3, 4), pool.map(RecycledParallel::callsInThisLoader, NINE.subList(0, 4)));
    }
  }

  @Test
  void aLimitBelowOneOrSetTwiceIsRefusedNamingTheOption() {
    for (int tasks : new int[] {0, -1, Integer.MIN_VALUE}) {
      IllegalArgumentException refused =
          assertThrows(IllegalArgumentException.class, () -> Parallel.processPool().maxTasksPerClassLoader(tasks));
      assertEquals("maxTasksPerClassLoader must be positive, got " + tasks, refused.getMessage());
    }
    IllegalStateException twice = assertThrows(
        IllegalStateException.class, () -> Parallel.processPool().maxTasksPerClassLoader(2).maxTasksPerClassLoader(3));
    assertEquals("maxTasksPerClassLoader was already set to 2", twice.getMessage());
  }
}
