package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.CrashPolicy;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.WorkerOutput;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.fixtures.WorkParallel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a worker can fail, and what the caller gets. Each crash must reach the caller within 2
 * seconds and leave the pool working.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessFaultTest {
  /** Generous: under load, a JVM can take seconds to die and be noticed; a hang still fails the test. */
  private static final Duration CRASH_REPORTED_WITHIN = Duration.ofSeconds(30);

  /** One worker, shared by the crash tests: each test crashes it and then uses its replacement. */
  private static Pool pool;

  @BeforeAll
  static void startPool() {
    pool = Parallel.processes(1);
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  private static WorkerCrashedException crash(Pool on, Task<?> task) {
    AsyncResult<?> result = on.applyAsync(task);
    return assertThrows(WorkerCrashedException.class, () -> result.get(CRASH_REPORTED_WITHIN));
  }

  private static void assertRecovered(Pool on, long crashedPid) {
    long replacement = on.apply(WorkParallel.pid());
    assertNotEquals(crashedPid, replacement, "a new worker took over");
    assertEquals(27L, on.apply(WorkParallel.cube(3)));
  }

  @Test
  void systemExitInATaskFailsItWithTheExitCodeAndTheParentLivesOn() {
    long worker = pool.apply(WorkParallel.pid());
    WorkerCrashedException crash = crash(pool, WorkParallel.exit(3));
    assertEquals(worker, crash.pid());
    assertEquals(3, crash.exitCode());
    assertEquals("Work.exit(3)", crash.task());
    assertTrue(crash.getMessage().contains("Work.exit(3)"), crash.getMessage());
    assertTrue(crash.getMessage().contains("pid " + worker), crash.getMessage());
    assertTrue(crash.getMessage().contains("exit code 3"), crash.getMessage());
    assertRecovered(pool, worker);
  }

  @Test
  void haltIsReportedWithItsStatus() {
    long worker = pool.apply(WorkParallel.pid());
    WorkerCrashedException crash = crash(pool, WorkParallel.halt(42));
    assertEquals(42, crash.exitCode());
    assertTrue(crash.getMessage().contains("exit code 42"), crash.getMessage());
    assertRecovered(pool, worker);
  }

  @Test
  void aWorkerKilledBySigkillFailsItsTaskWithTheSignal() {
    long worker = pool.apply(WorkParallel.pid());
    AsyncResult<String> sleeping = pool.applyAsync(WorkParallel.sleepMillis(60_000));
    assertTrue(ProcessHandle.of(worker).orElseThrow().destroyForcibly());
    WorkerCrashedException crash =
        assertThrows(WorkerCrashedException.class, () -> sleeping.get(CRASH_REPORTED_WITHIN));
    assertEquals(-9, crash.exitCode());
    assertTrue(crash.getMessage().contains("killed by signal 9 (SIGKILL)"), crash.getMessage());
    assertTrue(crash.getMessage().contains("Work.sleepMillis(60000)"), crash.getMessage());
    assertRecovered(pool, worker);
  }

  @Test
  void theCrashMessageEndsWithTheLastLinesOfTheWorkersStandardError() {
    try (Workers.Capture capture = new Workers.Capture()) {
      pool.apply(WorkParallel.print("about to exit"));
      WorkerCrashedException crash = crash(pool, WorkParallel.exit(5));
      assertTrue(crash.getMessage().contains("err about to exit"), crash.getMessage());
      await().until(() -> capture.out().contains("raw about to exit"));
    }
  }

  @Test
  void aCrashInsideAChunkNamesTheTaskAndFailsTheMap() {
    List<Task<?>> tasks = List.of(
        WorkParallel.cube(1), WorkParallel.cube(2), WorkParallel.exit(9), WorkParallel.cube(4));
    WorkerCrashedException crash =
        assertThrows(WorkerCrashedException.class, () -> pool.map(ProcessFaultTest::widen, tasks, 4));
    assertEquals("Work.exit(9)", crash.task());
    assertTrue(crash.getMessage().contains("(task 3 of 4 in its chunk)"), crash.getMessage());
    assertEquals(List.of(1L, 8L), pool.map(WorkParallel::cube, List.of(1, 2)));
  }

  @SuppressWarnings("unchecked") // a task of any result type is a task of Object
  private static Task<Object> widen(Task<?> task) {
    return (Task<Object>) task;
  }

  @Test
  void outOfMemoryEndsTheWorkerAfterItReportsTheError() {
    try (Pool small = Parallel.processPool().workers(1).maxHeap("64m").build()) {
      long worker = small.apply(WorkParallel.pid());
      WorkerCrashedException crash = crash(small, WorkParallel.exhaustMemory());
      assertInstanceOf(OutOfMemoryError.class, crash.getCause());
      assertEquals(3, crash.exitCode());
      assertTrue(crash.getMessage().contains("ran out of memory"), crash.getMessage());
      assertTrue(crash.getMessage().contains("Work.exhaustMemory()"), crash.getMessage());
      assertRecovered(small, worker);
    }
  }

  @Test
  void aTaskPastTheTimeoutIsStoppedAndItsWorkerReplaced() {
    try (Pool timed = Parallel.processPool().workers(1).taskTimeout(Duration.ofMillis(500)).build()) {
      long worker = timed.apply(WorkParallel.pid());
      AsyncResult<String> endless = timed.applyAsync(WorkParallel.sleepMillis(60_000));
      TaskTimeoutException timeout =
          assertThrows(TaskTimeoutException.class, () -> endless.get(Duration.ofSeconds(10)));
      assertEquals("Work.sleepMillis(60000)", timeout.task());
      assertTrue(timeout.getMessage().contains("500 ms"), timeout.getMessage());
      assertFalse(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false), "killed");
      assertRecovered(timed, worker);

      // The timeout is per task, also inside a chunk: four tasks of 300 ms each pass.
      assertEquals(4, timed.map(WorkParallel::sleepMillis, List.of(300L, 300L, 300L, 300L), 4).size());
      List<Long> millis = List.of(10L, 10L, 60_000L, 10L);
      TaskTimeoutException inChunk =
          assertThrows(TaskTimeoutException.class, () -> timed.map(WorkParallel::sleepMillis, millis, 4));
      assertTrue(inChunk.getMessage().contains("Work.sleepMillis(60000) (task 3 of 4"), inChunk.getMessage());
    }
  }

  @Test
  void retryRunsACrashedTaskAgainOnANewWorker(@TempDir Path directory) {
    try (Pool retrying = Parallel.processPool().workers(1).crashPolicy(CrashPolicy.retry(1)).build()) {
      assertEquals("survived", retrying.apply(WorkParallel.crashOnce(directory.resolve("marker"))));
      assertTrue(Files.exists(directory.resolve("marker")), "the first attempt crashed after creating it");

      WorkerCrashedException crash = crash(retrying, WorkParallel.exit(4));
      assertTrue(crash.getMessage().contains("lost with its worker 2 times"), crash.getMessage());
      assertEquals(8L, retrying.apply(WorkParallel.cube(2)));
    }
  }

  @Test
  void terminateDuringAMapKillsEveryWorkerAndCancelsThePendingResults() {
    Set<Long> before = Workers.pids();
    Pool doomed = Parallel.processes(2);
    List<Long> inputs = IntStream.range(0, 8).mapToObj(i -> 30_000L).collect(Collectors.toList());
    ResultIterator<String> results = doomed.imap(WorkParallel::sleepMillis, inputs, 1);
    await().until(() -> Workers.pids().size() >= before.size() + 2);
    Set<Long> workers = new HashSet<>(Workers.pids());
    workers.removeAll(before);
    doomed.terminate();
    await().atMost(Duration.ofSeconds(2)).until(() -> Workers.allGone(workers));
    assertThrows(TaskCancelledException.class, results::next);
    assertThrows(IllegalStateException.class, () -> doomed.apply(WorkParallel.cube(1)));
  }

  @Test
  void recyclingWorkersUnderLoadNeverDeadlocks() {
    try (Pool recycling = Parallel.processPool().workers(2).maxTasksPerWorker(3).build()) {
      List<Integer> inputs = IntStream.range(0, 60).boxed().collect(Collectors.toList());
      List<Long> expected = inputs.stream().map(x -> (long) x * x * x).collect(Collectors.toList());
      assertEquals(expected, recycling.map(WorkParallel::cube, inputs, 5));
      List<AsyncResult<Long>> pids = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        pids.add(recycling.applyAsync(WorkParallel.pid()));
      }
      Set<Long> distinct = pids.stream().map(AsyncResult::get).collect(Collectors.toSet());
      assertTrue(distinct.size() >= 4, "12 tasks, 3 per worker: at least 4 workers, got " + distinct);
    }
  }

  @Test
  void anIdleWorkerStopsAndANewOneStartsWhenWorkComes() {
    try (Pool idling = Parallel.processPool().workers(1).idleTimeout(Duration.ofMillis(300)).build()) {
      long worker = idling.apply(WorkParallel.pid());
      await().atMost(Duration.ofSeconds(10)).until(() -> Workers.allGone(Set.of(worker)));
      assertRecovered(idling, worker);
    }
  }

  @Test
  void theInitializerRunsOnceInEachWorker() {
    try (Pool initialized =
        Parallel.processPool().workers(2).initializer(WorkParallel.initialize("ready")).build()) {
      List<Integer> counts = initialized.map(i -> WorkParallel.initializations(), List.of(1, 2, 3, 4, 5, 6), 1);
      assertEquals(List.of(1, 1, 1, 1, 1, 1), counts);
      assertEquals("ready", initialized.apply(WorkParallel.marker()));
    }
  }

  @Test
  void aFailingInitializerBreaksThePoolWithItsException() {
    try (Pool broken = Parallel.processPool().workers(1).initializer(WorkParallel.failToInitialize()).build()) {
      WorkerStartException failure =
          assertThrows(WorkerStartException.class, () -> broken.apply(WorkParallel.cube(1)));
      assertTrue(failure.getMessage().contains("Work.failToInitialize()"), failure.getMessage());
      assertInstanceOf(IllegalStateException.class, failure.getCause());
      assertEquals("no configuration found", failure.getCause().getMessage());
      assertThrows(WorkerStartException.class, () -> broken.apply(WorkParallel.cube(2)));
    }
  }

  @Test
  void aJvmThatRefusesItsOptionsBreaksThePoolWithItsErrorEvenWhenItsOutputIsDiscarded() {
    try (Pool broken =
        Parallel.processPool()
            .workers(1)
            .jvmOptions("-XX:+NoSuchJvmOption")
            .workerOutput(WorkerOutput.discard())
            .build()) {
      WorkerStartException failure =
          assertThrows(WorkerStartException.class, () -> broken.apply(WorkParallel.cube(1)));
      assertTrue(failure.getMessage().contains("NoSuchJvmOption"), failure.getMessage());
      assertTrue(failure.getMessage().contains("exited before connecting"), failure.getMessage());
    }
  }
}
