package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Job;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.ProcessPoolBuilder;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults in the life of a worker JVM rather than in a task: shutdown hooks that never end, an
 * initializer that never returns, and what the caller gets for each, within what bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerLifecycleFaultTest {
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofMillis(300);
  /** The shutdown timeout, plus the watchdog's tick and the kill, on a busy machine. */
  private static final Duration STOPPED_WITHIN = SHUTDOWN_TIMEOUT.plusSeconds(5);

  private static ProcessPoolBuilder quickToKill() {
    return Parallel.processPool().shutdownTimeout(SHUTDOWN_TIMEOUT);
  }

  @Test
  void closeKillsAWorkerWhoseShutdownHookBlocks() {
    Pool pool = quickToKill().workers(1).build();
    long worker = pool.apply(WorkParallel.blockShutdown());
    assertTimeoutPreemptively(STOPPED_WITHIN, pool::close);
    assertTrue(Workers.allGone(Set.of(worker)), "the worker was killed");
  }

  @Test
  void joinKillsAWorkerWhoseShutdownHookCallsSystemExit() {
    Pool pool = quickToKill().workers(1).build();
    long worker = pool.apply(WorkParallel.exitInShutdownHook());
    pool.shutdown();
    assertTimeoutPreemptively(STOPPED_WITHIN, pool::join);
    assertTrue(Workers.allGone(Set.of(worker)), "the worker was killed");
  }

  @Test
  void aRecycledWorkerWhoseShutdownHookBlocksIsKilledWhileThePoolGoesOn() {
    try (Pool pool = quickToKill().workers(1).maxTasksPerWorker(1).build()) {
      long first = pool.apply(WorkParallel.blockShutdown());
      long second = pool.apply(WorkParallel.pid());
      assertNotEquals(first, second, "the first worker was recycled after one task");
      await().atMost(STOPPED_WITHIN).until(() -> Workers.allGone(Set.of(first)));
    }
  }

  @Test
  void anIdleWorkerWhoseShutdownHookBlocksIsKilled() {
    try (Pool pool = quickToKill().workers(1).idleTimeout(Duration.ofMillis(200)).build()) {
      long worker = pool.apply(WorkParallel.blockShutdown());
      await().atMost(STOPPED_WITHIN.plusMillis(200)).until(() -> Workers.allGone(Set.of(worker)));
      assertEquals(8L, pool.apply(WorkParallel.cube(2)), "a new worker starts when work comes");
    }
  }

  @Test
  void aJobWhoseShutdownHookBlocksIsKilledAndJoinReturns() {
    Job<Long> job = quickToKill().job(WorkParallel.blockShutdown()).start();
    assertTimeoutPreemptively(STOPPED_WITHIN, () -> {
      job.join();
    });
    assertEquals(job.pid(), job.result(), "the task's result arrived before the kill");
    assertEquals(-9, job.exitCode(), "killed by SIGKILL after the shutdown timeout");
    assertTrue(Workers.allGone(Set.of(job.pid())));
  }

  @Test
  void theShutdownTimeoutIsCheckedWhereItIsSet() {
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class, () -> Parallel.processPool().shutdownTimeout(Duration.ZERO));
    assertEquals("shutdownTimeout must be positive, got 0 s", zero.getMessage());
    IllegalStateException twice =
        assertThrows(
            IllegalStateException.class,
            () -> Parallel.processPool().shutdownTimeout(Duration.ofSeconds(1)).shutdownTimeout(Duration.ofSeconds(2)));
    assertEquals("shutdownTimeout was already set to 1 s", twice.getMessage());
  }

  @Test
  void terminateReturnsWithEveryThreadOfThePoolStopped() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Pool pool = Parallel.processes(2);
    pool.map(WorkParallel::cube, List.of(1, 2, 3, 4), 1);
    List<Thread> owned =
        Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> !before.contains(thread))
            .filter(thread -> thread.getName().startsWith("parallelizable-worker-"))
            .collect(Collectors.toList());
    assertTrue(owned.size() >= 6, "a reader and two output pumps per worker: " + owned);
    assertTimeoutPreemptively(STOPPED_WITHIN, pool::terminate);
    List<String> alive =
        owned.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toList());
    assertEquals(List.of(), alive, "threads of the pool still running after terminate()");
  }

  @Test
  void aHangingInitializerFailsTheStartNamingItsBoundAndHowToRaiseIt() {
    try (Pool pool =
        quickToKill()
            .workers(1)
            .initializer(WorkParallel.sleepMillis(60_000))
            .initializerTimeout(Duration.ofMillis(300))
            .build()) {
      WorkerStartException failure =
          assertTimeoutPreemptively(
              STOPPED_WITHIN.plusSeconds(5),
              () -> assertThrows(WorkerStartException.class, () -> pool.apply(WorkParallel.cube(1))));
      String message = failure.getMessage();
      assertTrue(message.contains("initializer Work.sleepMillis(60000)"), message);
      assertTrue(message.contains("initializer timeout of 300 ms"), message);
      assertTrue(message.contains("initializerTimeout(Duration)"), message);
      assertFalse(message.contains("signal"), message);
      assertThrows(WorkerStartException.class, () -> pool.apply(WorkParallel.cube(2)), "broken for good");
    }
  }

  @Test
  void theInitializerTimeoutIsCheckedWhereItIsSet() {
    IllegalArgumentException negative =
        assertThrows(
            IllegalArgumentException.class,
            () -> Parallel.processPool().initializerTimeout(Duration.ofSeconds(-1)));
    assertEquals("initializerTimeout must be positive, got -1 s", negative.getMessage());
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> Parallel.processPool().initializerTimeout(null));
    assertEquals("initializerTimeout must be positive, got null", none.getMessage());
  }
}
