package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.fixtures.WorkParallel;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool's name: its default per kind, and a given name in its messages, stats and thread names.
 * (Its JFR events are in {@code PoolEventsTest}, the cluster pool's name in {@code
 * ClusterPoolNameTest}, the rule of names in the runtime's {@code PoolNameRulesTest}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolNamesTest {
  private static final List<Integer> TWELVE = IntStream.rangeClosed(1, 12).boxed().collect(Collectors.toList());

  /** The names of the threads that ran a map of one task per chunk, which never runs in the caller. */
  private static Set<String> threadsOf(Pool pool) {
    return Set.copyOf(pool.map(x -> WorkParallel.threadName(), TWELVE, 1));
  }

  private static void assertAllMatch(String regex, Set<String> names) {
    assertTrue(names.stream().allMatch(Pattern.compile(regex).asMatchPredicate()), regex + " for " + names);
  }

  private static void assertShownAs(String shown, String name, Pool pool) {
    assertEquals(name, pool.name());
    assertEquals(shown, pool.toString());
    PoolStats stats = pool.stats();
    assertEquals(name, stats.name());
    assertEquals(shown, stats.pool());
    assertTrue(stats.summary().startsWith(shown + ": "), stats.summary());
  }

  @Test
  void anUnnamedPoolHasItsKindAndNumberAsNameAndKeepsItsThreadNames() {
    try (Pool pool = Parallel.threads(2)) {
      String number = pool.name().substring("thread pool ".length());
      assertTrue(number.matches("[1-9][0-9]*"), pool.name());
      assertShownAs("thread pool " + number + " (2 threads)", "thread pool " + number, pool);
      assertAllMatch("parallelizable-threads-" + number + "-worker-[12]", threadsOf(pool));
    }
    try (Pool pool = Parallel.sequential()) {
      assertShownAs("sequential pool", "sequential pool", pool);
    }
    try (Pool pool = Parallel.processes(1)) {
      assertTrue(pool.name().matches("process pool [1-9][0-9]*"), pool.name());
      assertShownAs(pool.name() + " (1 worker)", pool.name(), pool);
    }
  }

  @Test
  void aNamedThreadPoolShowsItsNameInItsMessagesStatsAndThreads() throws Exception {
    Pool pool = Parallel.threadPool().threads(2).name("thumbnails").build();
    try {
      assertEquals(2, pool.size());
      assertShownAs("thread pool 'thumbnails' (2 threads)", "thumbnails", pool);
      assertAllMatch("parallelizable-thumbnails-worker-[12]", threadsOf(pool));
      assertTrue(pool.stats().workers().stream()
          .allMatch(worker -> worker.name().startsWith("parallelizable-thumbnails-worker-")), pool.stats().toString());
      CompletableFuture<String> callbackThread = new CompletableFuture<>();
      pool.applyAsync(WorkParallel.cube(2)).onSuccess(x -> callbackThread.complete(Thread.currentThread().getName()));
      assertEquals("parallelizable-callbacks (thread pool 'thumbnails' (2 threads))", callbackThread.get(20, TimeUnit.SECONDS));
    } finally {
      pool.close();
    }
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pool.apply(WorkParallel.cube(2)));
    assertEquals("thread pool 'thumbnails' (2 threads) was shut down; create a new pool to run more tasks",
        refused.getMessage());
    assertEquals("thumbnails", pool.name(), "a closed pool keeps its name");
  }

  @Test
  void aNamedVirtualThreadPoolNamesItsThreadsAfterIt() {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
    try (Pool unnamed = Parallel.virtualThreads(3)) {
      String number = unnamed.name().substring("virtual thread pool ".length());
      assertShownAs("virtual thread pool " + number + " (3 threads)", "virtual thread pool " + number, unnamed);
      assertAllMatch("parallelizable-virtual-" + number + "-[1-9][0-9]*", threadsOf(unnamed));
    }
    try (Pool pool = Parallel.virtualThreadPool().threads(3).name("downloads").build()) {
      assertShownAs("virtual thread pool 'downloads' (3 threads)", "downloads", pool);
      assertAllMatch("parallelizable-downloads-worker-[1-9][0-9]*", threadsOf(pool));
    }
  }

  @Test
  void aNamedProcessPoolShowsItsNameInItsMessagesAndStats() {
    Pool pool = Parallel.processPool().workers(1).name("renders").build();
    try {
      assertEquals(List.of(8L, 27L), pool.map(WorkParallel::cube, List.of(2, 3)));
      assertShownAs("process pool 'renders' (1 worker)", "renders", pool);
    } finally {
      pool.close();
    }
    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pool.apply(WorkParallel.cube(2)));
    assertTrue(refused.getMessage().startsWith("process pool 'renders' (1 worker) was shut down"), refused.getMessage());
  }

  @Test
  void aNamedSequentialPoolShowsItsName() {
    try (Pool pool = Parallel.sequential("debugging")) {
      assertEquals(8L, pool.apply(WorkParallel.cube(2)));
      assertShownAs("sequential pool 'debugging'", "debugging", pool);
      assertEquals(1, pool.stats().completed());
    }
  }

  @Test
  void twoPoolsMayShareANameAndStayApart() {
    ThreadPoolBuilder builder = Parallel.threadPool().threads(1).name("shared");
    try (Pool first = builder.build(); Pool second = builder.build()) {
      assertNotEquals(first, second);
      assertEquals("shared", first.name());
      assertEquals("shared", second.name());
      first.map(WorkParallel::cube, TWELVE, 1);
      assertEquals(12, first.stats().completed());
      assertEquals(0, second.stats().submitted(), "each pool counts its own tasks");
    }
  }

  @Test
  void aCachingViewHasThePoolsName(@TempDir Path directory) {
    try (Pool pool = Parallel.threadPool().threads(1).name("cached").build()) {
      Pool cached = ResultCache.open(directory.resolve("cache")).on(pool);
      assertEquals("cached", cached.name());
    }
  }
}
