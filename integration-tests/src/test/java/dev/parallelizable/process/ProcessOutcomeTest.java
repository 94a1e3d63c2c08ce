package dev.parallelizable.process;

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
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.fixtures.Flaky;
import dev.parallelizable.fixtures.FlakyParallel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
        } else {
          assertEquals(x, outcome.value(), "input " + x);
        }
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
