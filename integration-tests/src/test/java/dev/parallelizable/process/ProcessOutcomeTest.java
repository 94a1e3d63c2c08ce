package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.CrashPolicy;
import dev.parallelizable.Outcome;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.RetryPolicy;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.fixtures.Flaky;
import dev.parallelizable.fixtures.FlakyParallel;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maps that keep going and retries on a process pool, where a worker can crash: a crash is the
 * outcome of its task alone, governed by the crash policy, never by the retry policy.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessOutcomeTest {
  private static final Duration FAULT_BOUND = Duration.ofSeconds(60);

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  @Test
  void aCrashInTheMiddleOfAChunkIsThatInputsOutcomeAndTheRestRun() {
    try (Pool pool = Parallel.processes(2)) {
      List<Outcome<Integer>> outcomes = assertTimeoutPreemptively(FAULT_BOUND,
          () -> pool.mapOutcomes(x -> FlakyParallel.haltIf(x, 7), range(1, 20), 10));
      assertEquals(20, outcomes.size());
      for (int x = 1; x <= 20; x++) {
        Outcome<Integer> outcome = outcomes.get(x - 1);
        if (x == 7) {
          WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, outcome.failure());
          assertEquals("Flaky.haltIf(7, 7)", crash.task());
          assertEquals(137, crash.exitCode());
        } else if (x < 7 && !outcome.isSuccess()) {
          // it had returned, but its result was still in the worker: it is lost, never run twice
          WorkerCrashedException lost = assertInstanceOf(WorkerCrashedException.class, outcome.failure());
          assertEquals("Flaky.haltIf(" + x + ", 7)", lost.task());
          assertTrue(lost.getMessage().contains("it had returned, but its result was lost with the worker"),
              lost.getMessage());
        } else {
          assertEquals(x, outcome.value(), "input " + x);
        }
      }
    }
  }

  @Test
  void underCrashPolicyFailNoTaskOfAKilledWorkersChunkRunsTwice(@TempDir Path dir) throws Exception {
    try (Pool pool = Parallel.processPool().workers(1).crashPolicy(CrashPolicy.fail()).build()) {
      long worker = pool.apply(WorkParallel.pid());
      List<Outcome<String>> outcomes = quickTasksThenOneThatWaits(pool, dir, () ->
          assertTrue(ProcessHandle.of(worker).orElseThrow().destroyForcibly()));
      WorkerCrashedException crash = assertInstanceOf(WorkerCrashedException.class, outcomes.get(3).failure());
      assertEquals(-9, crash.exitCode());
      assertRanOnceAndLostOrReturned(dir, outcomes);
    }
  }

  @Test
  void underCrashPolicyFailNoTaskOfATimedOutWorkersChunkRunsTwice(@TempDir Path dir) throws Exception {
    try (Pool pool = Parallel.processPool().workers(1).taskTimeout(Duration.ofSeconds(1)).build()) {
      List<Outcome<String>> outcomes = quickTasksThenOneThatWaits(pool, dir, () -> {});
      assertInstanceOf(TaskTimeoutException.class, outcomes.get(3).failure());
      assertRanOnceAndLostOrReturned(dir, outcomes);
    }
  }

  /**
   * Three quick tasks and one that waits for a minute, in one chunk of a map that keeps going: the
   * quick ones return within the 2 ms a worker collects results for before it sends them, so their
   * results are still in the worker while the last one waits; {@code whileItWaits} runs then.
   */
  private static List<Outcome<String>> quickTasksThenOneThatWaits(Pool pool, Path dir, Runnable whileItWaits)
      throws Exception {
    pool.apply(FlakyParallel.attempt("warm-up", dir, 0, "io", 0)); // loads the task's classes in the worker
    CompletableFuture<List<Outcome<String>>> outcomes = CompletableFuture.supplyAsync(
        () -> pool.mapOutcomes(key -> quickOrWaiting(dir, key), CHUNK, CHUNK.size()));
    await().atMost(FAULT_BOUND).until(() -> Flaky.runs(dir, "waits") == 1);
    whileItWaits.run();
    return outcomes.get(FAULT_BOUND.toSeconds(), TimeUnit.SECONDS);
  }

  private static final List<String> CHUNK = List.of("quick-0", "quick-1", "quick-2", "waits");

  private static Task<String> quickOrWaiting(Path dir, String key) {
    return FlakyParallel.attempt(key, dir, 0, "io", key.equals("waits") ? 60_000 : 0);
  }

  /**
   * Each quick task ran once: its result reached the caller, or it was lost with the worker and is
   * that input's failure, naming it.
   */
  private static void assertRanOnceAndLostOrReturned(Path dir, List<Outcome<String>> outcomes) throws IOException {
    assertEquals(CHUNK.size(), outcomes.size());
    for (int i = 0; i < CHUNK.size(); i++) {
      String key = CHUNK.get(i);
      assertEquals(1, Flaky.runs(dir, key), key + " ran once, and once only");
      Outcome<String> outcome = outcomes.get(i);
      if (i < 3 && outcome.isSuccess()) {
        assertEquals(key + "#1", outcome.value());
      } else if (i < 3) {
        WorkerCrashedException lost = assertInstanceOf(WorkerCrashedException.class, outcome.failure(), key);
        assertEquals(quickOrWaiting(dir, key).toString(), lost.task());
        assertTrue(lost.getMessage().contains("it had returned, but its result was lost with the worker"),
            lost.getMessage());
      }
    }
  }

  @Test
  void aCrashRetriedByTheCrashPolicyIsNotARetryOfTheRetryPolicy(@TempDir Path dir) throws IOException {
    RetryPolicy never = RetryPolicy.builder().maxAttempts(1).build();
    try (Pool pool = Parallel.processPool().workers(1).crashPolicy(CrashPolicy.retry(1)).retryPolicy(never).build()) {
      // crashes once (the crash policy runs it again), then succeeds
      assertEquals("survived", pool.apply(dev.parallelizable.fixtures.WorkParallel.crashOnce(dir.resolve("crashed"))));
      // the pool's policy allows one run: an exception is final at once
      TaskFailedException failure =
          assertThrows(TaskFailedException.class, () -> pool.apply(FlakyParallel.failTimes(dir, "once", 1, "io")));
      assertEquals(1, Flaky.runs(dir, "once"));
      assertEquals(0, failure.getSuppressed().length);
    }
  }

  @Test
  void thePoolsRetryPolicyAppliesToTasksWithoutTheirOwn(@TempDir Path dir) throws IOException {
    RetryPolicy pools = RetryPolicy.builder().maxAttempts(3).fixedDelay(Duration.ZERO).build();
    RetryPolicy own = RetryPolicy.builder().maxAttempts(2).fixedDelay(Duration.ZERO).build();
    try (Pool pool = Parallel.processPool().workers(2).retryPolicy(pools).build()) {
      assertEquals(3, pool.apply(FlakyParallel.failTimes(dir, "pools", 2, "io")));
      assertEquals(3, Flaky.runs(dir, "pools"));
      TaskFailedException failure = assertThrows(TaskFailedException.class,
          () -> pool.apply(FlakyParallel.failTimes(dir, "own", 2, "io").withRetry(own)));
      assertEquals(1, failure.getSuppressed().length);
      assertEquals(2, Flaky.runs(dir, "own"));
    }
  }

  @Test
  void theRetryPolicyOptionIsSetOnce() {
    RetryPolicy policy = RetryPolicy.builder().build();
    IllegalStateException twice = assertThrows(IllegalStateException.class,
        () -> Parallel.processPool().retryPolicy(policy).retryPolicy(policy));
    assertTrue(twice.getMessage().startsWith("retryPolicy was already set to RetryPolicy[maxAttempts=3"), twice.getMessage());
    IllegalArgumentException missing =
        assertThrows(IllegalArgumentException.class, () -> Parallel.processPool().retryPolicy(null));
    assertEquals("retryPolicy must not be null", missing.getMessage());
  }
}
