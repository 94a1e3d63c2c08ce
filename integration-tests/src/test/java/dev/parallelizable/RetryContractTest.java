package dev.parallelizable;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.fixtures.Flaky;
import dev.parallelizable.fixtures.FlakyParallel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link RetryPolicy} on every kind of pool ({@link PoolKind#all()}). Runs are
 * counted in files, so the counts hold across worker JVMs and cluster members.
 */
@Timeout(value = 120, unit = SECONDS)
class RetryContractTest extends EveryPoolKind {
  /** Every kind of pool, and the cached view of threads and of processes. */
  static List<PoolKind> kinds() {
    return PoolKind.withCachedViews();
  }

  private static final Duration FAULT_BOUND = Duration.ofSeconds(60);
  private static final RetryPolicy THREE_QUICK =
      RetryPolicy.builder().maxAttempts(3).fixedDelay(Duration.ofMillis(1)).jitter(0).build();

  @TempDir Path dir;

  private Task<Integer> failTimes(String key, int failures, String kind, RetryPolicy policy) {
    return FlakyParallel.failTimes(dir, key, failures, kind).withRetry(policy);
  }

  private static List<String> messages(Throwable[] exceptions) {
    return Arrays.stream(exceptions).map(Throwable::getMessage).collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aTaskRunsAgainUntilItSucceedsAndRunsExactlyThatOften(PoolKind kind) throws IOException {
    Pool pool = pool(kind);
    assertEquals(3, pool.apply(failTimes("apply", 2, "io", THREE_QUICK)));
    assertEquals(3, Flaky.runs(dir, "apply"));
    assertEquals(List.of(1, 2, 3), pool.map(x -> failTimes("map" + x, x - 1, "io", THREE_QUICK), List.of(1, 2, 3), 3));
    for (int x = 1; x <= 3; x++) {
      assertEquals(x, Flaky.runs(dir, "map" + x), "runs of map" + x);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void theFinalFailureCarriesTheEarlierRunsAsSuppressed(PoolKind kind) throws IOException {
    TaskFailedException failure = assertThrows(TaskFailedException.class,
        () -> pool(kind).apply(failTimes("spent", 5, "io", THREE_QUICK)));
    assertInstanceOf(IOException.class, failure.getCause());
    assertEquals("spent failed run 3", failure.getCause().getMessage());
    assertEquals(List.of("spent failed run 1", "spent failed run 2"), messages(failure.getSuppressed()));
    assertEquals(3, Flaky.runs(dir, "spent"));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aPolicyOfAsManyAttemptsAsAnIntHoldsRetriesUntilTheTaskSucceeds(PoolKind kind) throws IOException {
    RetryPolicy unbounded = RetryPolicy.builder().maxAttempts(Integer.MAX_VALUE).fixedDelay(Duration.ZERO).build();
    assertEquals(3, pool(kind).apply(failTimes("unbounded", 2, "io", unbounded)));
    assertEquals(3, Flaky.runs(dir, "unbounded"));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void theFinalFailureKeepsTheFirstAndTheLatestEarlierRunsOnly(PoolKind kind) throws IOException {
    RetryPolicy fifteen = RetryPolicy.builder().maxAttempts(15).fixedDelay(Duration.ZERO).build();
    TaskFailedException failure = assertThrows(TaskFailedException.class,
        () -> pool(kind).apply(failTimes("many", 100, "io", fifteen)));
    assertEquals("many failed run 15", failure.getCause().getMessage());
    List<String> kept = IntStream.of(1, 6, 7, 8, 9, 10, 11, 12, 13, 14)
        .mapToObj(run -> "many failed run " + run).collect(Collectors.toList());
    assertEquals(kept, messages(failure.getSuppressed()));
    assertEquals(15, Flaky.runs(dir, "many"));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void onlyTheListedExceptionTypesAreRetried(PoolKind kind) throws IOException {
    Pool pool = pool(kind);
    RetryPolicy ioOnly = RetryPolicy.builder().retryOn(IOException.class).fixedDelay(Duration.ZERO).build();
    TaskFailedException failure = assertThrows(TaskFailedException.class,
        () -> pool.apply(failTimes("state", 1, "state", ioOnly)));
    assertInstanceOf(IllegalStateException.class, failure.getCause());
    assertEquals(0, failure.getSuppressed().length);
    assertEquals(1, Flaky.runs(dir, "state"));

    RetryPolicy byName = RetryPolicy.builder().retryOn("java.io.IOException").fixedDelay(Duration.ZERO).build();
    assertEquals(2, pool.apply(failTimes("named", 1, "io", byName)));
    assertEquals(2, Flaky.runs(dir, "named"));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void theDelaysBetweenRunsFollowTheBackoff(PoolKind kind) {
    Pool pool = pool(kind);
    pool.apply(failTimes("warm", 0, "io", THREE_QUICK)); // workers started before the clock runs
    RetryPolicy policy = RetryPolicy.builder()
        .maxAttempts(3)
        .backoff(Duration.ofMillis(200), Duration.ofMillis(300), 2.0)
        .jitter(0.5)
        .build();
    assertEquals(Duration.ofMillis(200), policy.delay(1));
    assertEquals(Duration.ofMillis(300), policy.delay(2), "capped at the largest delay");
    long lowerBoundNanos = (long) ((1 - policy.jitter()) * (policy.delay(1).toNanos() + policy.delay(2).toNanos()));
    long start = System.nanoTime();
    assertEquals(3, pool.apply(failTimes("backoff", 2, "io", policy)));
    long elapsed = System.nanoTime() - start;
    assertTrue(elapsed >= lowerBoundNanos, "ran again after " + elapsed / 1_000_000 + " ms, before the backoff");
    assertTrue(elapsed < SECONDS.toNanos(20), "took " + elapsed / 1_000_000 + " ms");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void retriesComposeWithOutcomes(PoolKind kind) throws IOException {
    RetryPolicy twice = RetryPolicy.builder().maxAttempts(2).fixedDelay(Duration.ZERO).build();
    List<Integer> inputs = IntStream.range(0, 12).boxed().collect(Collectors.toList());
    // input x fails x % 3 times: 0 and 1 failures end in success, 2 in failure after 2 runs
    List<Outcome<Integer>> outcomes =
        pool(kind).mapOutcomes(x -> failTimes("o" + x, x % 3, "io", twice), inputs, 4);
    for (int x : inputs) {
      Outcome<Integer> outcome = outcomes.get(x);
      if (x % 3 == 2) {
        TaskFailedException failure = assertInstanceOf(TaskFailedException.class, outcome.failure());
        assertEquals("o" + x + " failed run 2", failure.getCause().getMessage());
        assertEquals(List.of("o" + x + " failed run 1"), messages(failure.getSuppressed()));
        assertEquals(2, Flaky.runs(dir, "o" + x));
      } else {
        assertEquals(x % 3 + 1, outcome.value(), "run that succeeded");
        assertEquals(x % 3 + 1, Flaky.runs(dir, "o" + x));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aTimedOutTaskRunsAgainOnlyWhenThePolicySaysSo(PoolKind kind) throws IOException {
    assumeTrue(kind.withTaskTimeout() != null, kind + " has no per-task timeout");
    Pool pool = kind.withTaskTimeout().apply(Duration.ofMillis(500));
    pools.add(pool);
    TaskTimeoutException once = assertTimeoutPreemptively(FAULT_BOUND, () -> assertThrows(TaskTimeoutException.class,
        () -> pool.apply(FlakyParallel.countThenSleep(dir, "once", 60_000).withRetry(THREE_QUICK))));
    // the failure comes after the last run: a retry would have come before it
    assertEquals(0, once.getSuppressed().length);
    assertEquals(1, Flaky.runs(dir, "once"));

    RetryPolicy timeoutsToo =
        RetryPolicy.builder().maxAttempts(2).fixedDelay(Duration.ZERO).retryTimeouts(true).build();
    TaskTimeoutException twice = assertTimeoutPreemptively(FAULT_BOUND, () -> assertThrows(TaskTimeoutException.class,
        () -> pool.apply(FlakyParallel.countThenSleep(dir, "twice", 60_000).withRetry(timeoutsToo))));
    assertEquals(1, twice.getSuppressed().length);
    assertInstanceOf(TaskTimeoutException.class, twice.getSuppressed()[0]);
    assertEquals(2, Flaky.runs(dir, "twice"));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aCancelledTaskIsNotRunAgain(PoolKind kind) throws IOException {
    assumeFalse(kind.runsInCaller(), "a pool that runs tasks in the caller cannot be terminated meanwhile");
    Pool pool = pool(kind);
    AsyncResult<Integer> result =
        pool.applyAsync(FlakyParallel.countThenSleep(dir, "cancelled", 30_000).withRetry(THREE_QUICK));
    await().atMost(FAULT_BOUND).until(() -> Flaky.runs(dir, "cancelled") == 1);
    pool.terminate();
    assertThrows(TaskCancelledException.class, () -> result.get(FAULT_BOUND));
    assertEquals(1, Flaky.runs(dir, "cancelled"));
  }
}
