package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ProcessPoolBuilder;
import dev.parallelizable.SharedData;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.fixtures.SharedReads;
import dev.parallelizable.fixtures.SharedReadsParallel;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers ready before they are needed: the successor of a recycled worker starts while it runs its
 * last task, and the workers of a closed pool are kept for the next pool of the same configuration
 * ({@link ProcessPoolBuilder#reuseWorkersFor}), with what they hold, and never when unhealthy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerReuseTest {
  private static final Duration KEPT = Duration.ofSeconds(60);
  private static final Duration BOUND = Duration.ofSeconds(20);

  /** Workers this test's pools started, killed after each test so that no kept worker lingers. */
  private final Set<Long> started = new HashSet<>();

  @AfterEach
  void killKeptWorkers() {
    for (long pid : started) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    await().atMost(BOUND).until(() -> Workers.allGone(started));
  }

  private static ProcessPoolBuilder reusing(Duration time) {
    return Parallel.processPool().workers(1).reuseWorkersFor(time).shutdownTimeout(Duration.ofSeconds(5));
  }

  private long pidOf(Pool pool) {
    long pid = pool.apply(WorkParallel.pid());
    started.add(pid);
    return pid;
  }

  @Test
  void aKeptWorkerServesTheNextPoolWithItsStaticStateAndItsInitializerRunOnce() {
    long first;
    try (Pool pool = reusing(KEPT).initializer(WorkParallel.initialize("initialized")).build()) {
      first = pidOf(pool);
      pool.apply(WorkParallel.setMarker("written by the first pool"));
    }
    assertTrue(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false), "kept, not stopped");
    try (Pool pool = reusing(KEPT).initializer(WorkParallel.initialize("initialized")).build()) {
      assertEquals(first, pidOf(pool), "the kept worker serves the second pool");
      assertEquals("written by the first pool", pool.apply(WorkParallel.marker()), "static state stays");
      assertEquals(1, pool.apply(WorkParallel.initializations()), "the initializer ran once");
    }
  }

  @Test
  void aKeptWorkerReadsTheSharedDataAndLargeArraysOfEachPoolItServes() {
    int[] first = new int[400_000];
    int[] second = new int[400_000];
    double[] large = new double[300_000]; // 2.4 MB: over the automatic threshold
    java.util.Arrays.fill(first, 7);
    java.util.Arrays.fill(second, 11);
    java.util.Arrays.fill(large, 0.5);
    long worker;
    try (Pool pool = reusing(KEPT).build();
        SharedData data = SharedData.of(first)) {
      worker = pidOf(pool);
      assertEquals(SharedReads.checksum(data), pool.apply(SharedReadsParallel.checksum(data)));
      assertEquals(SharedReads.arrayChecksum(large), pool.apply(SharedReadsParallel.arrayChecksum(large)));
    }
    large[0] = 2.5; // a new pool writes the array afresh
    try (Pool pool = reusing(KEPT).build();
        SharedData data = SharedData.of(second)) {
      assertEquals(worker, pidOf(pool), "the kept worker serves the second pool");
      assertEquals(SharedReads.checksum(data), pool.apply(SharedReadsParallel.checksum(data)));
      assertEquals(SharedReads.arrayChecksum(large), pool.apply(SharedReadsParallel.arrayChecksum(large)));
    }
  }

  @Test
  void aPoolOfAnotherConfigurationOrWithoutTheOptionStartsItsOwnWorkers() {
    long first;
    try (Pool pool = reusing(KEPT).systemProperty("reuse.test", "a").build()) {
      first = pidOf(pool);
    }
    try (Pool pool = reusing(KEPT).systemProperty("reuse.test", "b").build()) {
      assertNotEquals(first, pidOf(pool), "another system property: another JVM");
    }
    try (Pool pool = Parallel.processPool().workers(1).systemProperty("reuse.test", "a").build()) {
      assertNotEquals(first, pidOf(pool), "a pool without reuseWorkersFor takes no kept worker");
    }
    try (Pool pool = reusing(KEPT).systemProperty("reuse.test", "a").build()) {
      assertEquals(first, pidOf(pool), "still kept for its own configuration");
    }
  }

  @Test
  void aKeptWorkerExitsWhenItsTimeIsUp() {
    long worker;
    try (Pool pool = reusing(Duration.ofMillis(200)).build()) {
      worker = pidOf(pool);
    }
    await().atMost(BOUND).until(() -> Workers.allGone(Set.of(worker)));
    try (Pool pool = reusing(Duration.ofMillis(200)).build()) {
      assertNotEquals(worker, pidOf(pool), "the expired worker is not handed out");
    }
  }

  @Test
  void aKeptWorkerKilledBeforeTheNextPoolIsBuiltIsReplacedAndNoTaskIsBlamedForIt() {
    for (int round = 0; round < 5; round++) {
      long kept;
      try (Pool pool = reusing(KEPT).build()) {
        kept = pidOf(pool);
      }
      // SIGKILL, and the next pool at once: its reader may not have seen the channel end yet.
      assertTrue(ProcessHandle.of(kept).orElseThrow().destroyForcibly());
      try (Pool pool = reusing(KEPT).build()) {
        long next = pidOf(pool); // never a WorkerCrashedException: the task never reached the dead worker
        assertNotEquals(kept, next, "round " + round + ": a new worker runs the task");
        assertEquals(27L, pool.apply(WorkParallel.cube(3)));
      }
    }
  }

  @Test
  void crashedTimedOutAndRecycledWorkersAreNeverKept() {
    long crashed;
    long afterCrash;
    try (Pool pool = reusing(KEPT).build()) {
      crashed = pidOf(pool);
      assertThrows(WorkerCrashedException.class, () -> pool.apply(WorkParallel.exit(3)));
      afterCrash = pidOf(pool);
      assertNotEquals(crashed, afterCrash);
    }
    long afterTimeout;
    try (Pool pool = reusing(KEPT).taskTimeout(Duration.ofSeconds(2)).build()) {
      assertEquals(afterCrash, pidOf(pool), "the healthy replacement was kept");
      assertThrows(TaskTimeoutException.class, () -> pool.apply(WorkParallel.sleepMillis(60_000)));
      afterTimeout = pidOf(pool);
      assertNotEquals(afterCrash, afterTimeout);
    }
    try (Pool pool = reusing(KEPT).maxTasksPerWorker(1).build()) {
      assertEquals(afterTimeout, pidOf(pool), "the timed-out worker's replacement was kept");
    }
    try (Pool pool = reusing(KEPT).build()) {
      long next = pidOf(pool);
      assertNotEquals(afterTimeout, next, "a recycled worker is not kept");
      assertTrue(Set.of(crashed, afterCrash).stream().noneMatch(pid -> pid == next));
    }
    await().atMost(BOUND).until(() -> Workers.allGone(Set.of(crashed, afterCrash, afterTimeout)));
  }

  @Test
  void theSuccessorOfARecycledWorkerStartsWhileItRunsItsLastTask(@TempDir Path directory) {
    Set<Long> before = Workers.pids();
    try (Pool pool = Parallel.processPool().workers(1).maxTasksPerWorker(1).build()) {
      Path gate = directory.resolve("gate");
      AsyncResult<String> last = pool.applyAsync(WorkParallel.awaitFile(gate, 60_000));
      // The only worker blocks in its last task until the gate opens: a second worker process can
      // only be its successor, started before the recycled one exits.
      await().atMost(BOUND).until(() -> newWorkers(before).size() >= 2);
      Set<Long> both = newWorkers(before);
      started.addAll(both);
      assertEquals(2, both.size(), "one successor, no more: " + both);
      assertTrue(Files.notExists(gate), "the gate is still closed");
      createGate(gate);
      assertEquals("gate", last.get(BOUND));
      long successor = pidOf(pool);
      assertTrue(both.contains(successor), "the successor runs the next task");
    }
  }

  @Test
  void poolsThatCycleLeaveNoProcessDirectoryOrFileDescriptor() throws IOException {
    Set<Long> before = Workers.pids();
    long descriptorsBefore = openDescriptors();
    Set<Long> used = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      try (Pool pool = reusing(Duration.ofMillis(500)).build()) {
        used.add(pidOf(pool));
        assertEquals(27L, pool.apply(WorkParallel.cube(3)));
      }
    }
    assertEquals(1, used.size(), "one JVM served the five pools: " + used);
    Path directory = directoryOf(used.iterator().next());
    assertTrue(Files.isDirectory(directory), "a kept worker keeps its directory: " + directory);
    await().atMost(BOUND).until(() -> Workers.allGone(used) && newWorkers(before).isEmpty());
    await().atMost(BOUND).until(() -> Files.notExists(directory));
    await().atMost(BOUND).until(() -> openDescriptors() <= descriptorsBefore);
  }

  private static Set<Long> newWorkers(Set<Long> before) {
    Set<Long> now = Workers.pids();
    now.removeAll(before);
    return now;
  }

  private static void createGate(Path gate) {
    try {
      Files.createFile(gate);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The private directory of a worker, from its channel's path on its command line (pipe or socket). */
  private static Path directoryOf(long pid) {
    String[] arguments = ProcessHandle.of(pid).orElseThrow().info().arguments().orElseThrow();
    for (String argument : arguments) {
      Path path = Path.of(argument);
      if (path.getFileName() != null && Set.of("u", "s").contains(path.getFileName().toString())
          && path.getParent() != null && path.getParent().getFileName().toString().startsWith("parallelizable-")) {
        return path.getParent();
      }
    }
    throw new AssertionError("no channel path among the worker's arguments");
  }

  private static long openDescriptors() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return 0;
    }
    try (Stream<Path> entries = Files.list(fds)) {
      return entries.count();
    }
  }
}
