package dev.parallelizable;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.fixtures.Flaky;
import dev.parallelizable.fixtures.FlakyParallel;
import dev.parallelizable.fixtures.WorkParallel;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of maps that keep going ({@link Pool#mapOutcomes}, {@link Pool#imapOutcomes},
 * {@link Pool#imapUnorderedOutcomes}) on every kind of pool ({@link PoolKind#all()}).
 */
@Timeout(value = 120, unit = SECONDS)
class OutcomeContractTest extends EveryPoolKind {
  /** Every kind of pool, and the cached view of threads and of processes. */
  static List<PoolKind> kinds() {
    return PoolKind.withCachedViews();
  }

  private static final Duration FAULT_BOUND = Duration.ofSeconds(60);
  /** Fails: the first and the last input, a few in the middle, and all of the chunk 51..60. */
  private static final Set<Integer> FAILING = failing();

  private static Set<Integer> failing() {
    Set<Integer> failing = new HashSet<>(Set.of(1, 37, 38, 95, 200));
    IntStream.rangeClosed(51, 60).forEach(failing::add);
    return failing;
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  private static Task<Integer> failIfListed(int x) {
    return WorkParallel.failIf(x, FAILING.contains(x) ? x : -1);
  }

  /** Checks that {@code outcomes} hold input {@code i+1}'s outcome at index {@code i}. */
  private static void assertOutcomesOf1To200(List<Outcome<Integer>> outcomes) {
    assertEquals(200, outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome<Integer> outcome = outcomes.get(i);
      int input = i + 1;
      assertEquals(i, outcome.position(), "position of input " + input);
      if (FAILING.contains(input)) {
        assertFalse(outcome.isSuccess(), "input " + input + " fails");
        TaskFailedException failure = assertInstanceOf(TaskFailedException.class, outcome.failure());
        assertEquals("Work.failIf(" + input + ", " + input + ")", failure.task());
        assertEquals("input " + input + " is not allowed", failure.getCause().getMessage());
        assertThrows(TaskFailedException.class, outcome::value);
      } else {
        assertTrue(outcome.isSuccess(), () -> "input " + input + ": " + outcome);
        assertEquals(input, outcome.value());
        assertNull(outcome.failure());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapOutcomesKeepsGoingPastFailuresInTheMiddleOfChunks(PoolKind kind) {
    Pool pool = pool(kind);
    assertOutcomesOf1To200(pool.mapOutcomes(OutcomeContractTest::failIfListed, range(1, 200), 10));
    assertOutcomesOf1To200(pool.mapOutcomes(OutcomeContractTest::failIfListed, range(1, 200), 200));
    assertOutcomesOf1To200(pool.mapOutcomes(OutcomeContractTest::failIfListed, range(1, 200)));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void eachTaskRunsOnceWhenTasksInTheMiddleOfItsChunkFail(PoolKind kind, @TempDir Path dir) throws IOException {
    List<Outcome<Integer>> outcomes = pool(kind).mapOutcomes(
        x -> FlakyParallel.failTimes(dir, "k" + x, x == 4 || x == 5 || x == 10 ? 1 : 0, "io"), range(1, 10), 10);
    for (int x = 1; x <= 10; x++) {
      Outcome<Integer> outcome = outcomes.get(x - 1);
      if (x == 4 || x == 5 || x == 10) {
        assertEquals("k" + x + " failed run 1", outcome.failure().getCause().getMessage());
      } else {
        assertEquals(1, outcome.value(), "input " + x);
      }
      assertEquals(1, Flaky.runs(dir, "k" + x), "runs of input " + x + ": the chunk goes on after a failure");
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapOutcomesOfAnIterableOfUnknownSize(PoolKind kind) {
    Iterable<Integer> inputs = () -> range(1, 200).iterator();
    assertOutcomesOf1To200(pool(kind).mapOutcomes(OutcomeContractTest::failIfListed, inputs, 7));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void imapOutcomesYieldsEveryOutcomeInInputOrder(PoolKind kind) {
    List<Outcome<Integer>> outcomes = new ArrayList<>();
    try (ResultIterator<Outcome<Integer>> iterator =
        pool(kind).imapOutcomes(OutcomeContractTest::failIfListed, range(1, 200), 10)) {
      iterator.forEachRemaining(outcomes::add);
    }
    assertOutcomesOf1To200(outcomes);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void imapUnorderedOutcomesCarryTheirInputsPositions(PoolKind kind) {
    List<Outcome<Integer>> outcomes = new ArrayList<>();
    try (ResultIterator<Outcome<Integer>> iterator =
        pool(kind).imapUnorderedOutcomes(OutcomeContractTest::failIfListed, range(1, 200), 10)) {
      iterator.forEachRemaining(outcomes::add);
    }
    assertEquals(200, outcomes.stream().map(Outcome::position).distinct().count(), "each input once");
    outcomes.sort(Comparator.comparingLong(Outcome::position));
    assertOutcomesOf1To200(outcomes);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aNullElementIsAnInputLikeAnyOther(PoolKind kind) {
    Pool pool = pool(kind);
    List<Outcome<Object>> echoed = pool.mapOutcomes(WorkParallel::echo, Arrays.asList("a", null, "c"), 3);
    assertEquals(Arrays.asList("a", null, "c"), echoed.stream().map(Outcome::value).collect(Collectors.toList()));
    assertTrue(echoed.get(1).isSuccess());

    // cube(int) cannot take null: building that one task fails, and that is its outcome alone
    List<Outcome<Long>> cubes = pool.mapOutcomes(WorkParallel::cube, Arrays.asList(2, null, 3), 3);
    assertEquals(8L, cubes.get(0).value());
    assertEquals(27L, cubes.get(2).value());
    TaskFailedException failure = assertInstanceOf(TaskFailedException.class, cubes.get(1).failure());
    assertTrue(failure.getMessage().contains("input null"), failure.getMessage());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aFunctionThatCannotBuildTasksFailsOnlyThoseInputs(PoolKind kind) {
    List<Outcome<Long>> outcomes =
        pool(kind).mapOutcomes(x -> x <= 5 || x == 9 ? null : WorkParallel.cube(x), range(1, 10), 5);
    for (int x = 1; x <= 10; x++) {
      Outcome<Long> outcome = outcomes.get(x - 1);
      if (x <= 5 || x == 9) {
        assertTrue(outcome.failure().getMessage().contains("input " + x), outcome.toString());
      } else {
        assertEquals((long) x * x * x, outcome.value());
      }
    }
  }

  /** Inputs the function of {@link #cubeUnlessUnreadable} throws a checked exception for. */
  private static final Set<Integer> UNREADABLE = unreadable();

  private static Set<Integer> unreadable() {
    Set<Integer> unreadable = new HashSet<>(Set.of(1, 17, 50));
    IntStream.rangeClosed(31, 40).forEach(unreadable::add);
    return unreadable;
  }

  /**
   * A function that cannot build the task of an {@link #UNREADABLE} input and says so with a
   * checked exception it does not declare, as a Kotlin function does.
   */
  private static Task<Long> cubeUnlessUnreadable(int x) {
    if (UNREADABLE.contains(x)) {
      throw SneakyThrow.raise(new IOException("cannot read input " + x));
    }
    return WorkParallel.cube(x);
  }

  /** Checks that {@code outcomes} hold input {@code i+1}'s outcome at index {@code i}, of 1..50. */
  private static void assertOutcomesOfCubeUnlessUnreadable(List<Outcome<Long>> outcomes) {
    assertEquals(50, outcomes.size());
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome<Long> outcome = outcomes.get(i);
      int input = i + 1;
      assertEquals(i, outcome.position(), "position of input " + input);
      if (UNREADABLE.contains(input)) {
        TaskFailedException failure = assertInstanceOf(TaskFailedException.class, outcome.failure(),
            () -> "input " + input + ": " + outcome);
        assertTrue(failure.getMessage().contains("input " + input), failure.getMessage());
        IOException cause = assertInstanceOf(IOException.class, failure.getCause().getCause());
        assertEquals("cannot read input " + input, cause.getMessage());
      } else {
        assertEquals((long) input * input * input, outcome.value(), () -> "input " + input + ": " + outcome);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(value = 90, unit = SECONDS)
  void aCheckedExceptionThrownSneakilyByTheFunctionIsOnlyThatInputsOutcome(PoolKind kind) {
    Pool pool = pool(kind);
    for (int chunkSize : new int[] {10, 50, 0}) {
      assertOutcomesOfCubeUnlessUnreadable(assertTimeoutPreemptively(FAULT_BOUND,
          () -> pool.mapOutcomes(OutcomeContractTest::cubeUnlessUnreadable, range(1, 50), chunkSize),
          "mapOutcomes in chunks of " + chunkSize));
    }
    assertEquals(List.of(8L, 27L), pool.map(WorkParallel::cube, List.of(2, 3)), "the pool is still in service");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(value = 90, unit = SECONDS)
  void imapOutcomesYieldsACheckedExceptionThrownSneakilyByTheFunctionAsThatInputsOutcome(PoolKind kind) {
    Pool pool = pool(kind);
    List<Outcome<Long>> outcomes = assertTimeoutPreemptively(FAULT_BOUND, () -> {
      List<Outcome<Long>> read = new ArrayList<>();
      try (ResultIterator<Outcome<Long>> iterator =
          pool.imapOutcomes(OutcomeContractTest::cubeUnlessUnreadable, range(1, 50), 10)) {
        iterator.forEachRemaining(read::add);
      }
      return read;
    });
    assertOutcomesOfCubeUnlessUnreadable(outcomes);
  }

  /**
   * Fails: tasks of the inputs divisible by 7 throw (10 of 1..70), and the function cannot build
   * the task of input 33.
   */
  private static Task<Integer> failEverySeventhAndUnbuildable33(int x) {
    return x == 33 ? null : WorkParallel.failIf(x, x % 7 == 0 ? x : -1);
  }

  /** Checks the changes of {@code pool}'s stats from {@code before}, after the map of 1..70 above. */
  private static void assertCountedAsTheirOutcomes(
      Pool pool, PoolStats before, List<Outcome<Integer>> outcomes) {
    PoolStats after = pool.stats();
    assertEquals(70, outcomes.size());
    assertEquals(11, outcomes.stream().filter(o -> !o.isSuccess()).count(), outcomes.toString());
    assertEquals(70, after.submitted() - before.submitted(), after.summary());
    assertEquals(59, after.completed() - before.completed(), "completed: " + after.summary());
    assertEquals(11, after.failed() - before.failed(), "failed: " + after.summary());
    assertEquals(0, after.cancelled() - before.cancelled(), "cancelled: " + after.summary());
    assertEquals(0, after.queued(), after.summary());
    assertEquals(0, after.running(), after.summary());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void statsCountEachInputOfMapOutcomesAsItsOutcomeSays(PoolKind kind) {
    Pool pool = pool(kind);
    PoolStats before = pool.stats(); // a cluster's members are shared by the tests: count the difference
    List<Outcome<Integer>> outcomes =
        pool.mapOutcomes(OutcomeContractTest::failEverySeventhAndUnbuildable33, range(1, 70), 4);
    assertCountedAsTheirOutcomes(pool, before, outcomes);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void statsCountEachInputOfImapOutcomesAsItsOutcomeSays(PoolKind kind) {
    Pool pool = pool(kind);
    PoolStats before = pool.stats();
    List<Outcome<Integer>> outcomes = new ArrayList<>();
    try (ResultIterator<Outcome<Integer>> iterator =
        pool.imapOutcomes(OutcomeContractTest::failEverySeventhAndUnbuildable33, range(1, 70), 4)) {
      iterator.forEachRemaining(outcomes::add);
    }
    assertCountedAsTheirOutcomes(pool, before, outcomes);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aTaskPastTheTimeoutIsItsOutcomeAndTheRestRun(PoolKind kind) {
    assumeTrue(kind.withTaskTimeout() != null, kind + " has no per-task timeout");
    Pool pool = kind.withTaskTimeout().apply(Duration.ofMillis(500));
    pools.add(pool);
    List<Outcome<String>> outcomes = assertTimeoutPreemptively(FAULT_BOUND,
        () -> pool.mapOutcomes(WorkParallel::sleepMillis, List.of(1L, 2L, 60_000L, 3L, 4L), 5));
    assertEquals(5, outcomes.size());
    TaskTimeoutException timeout = assertInstanceOf(TaskTimeoutException.class, outcomes.get(2).failure());
    assertTrue(timeout.getMessage().contains("Work.sleepMillis(60000)"), timeout.getMessage());
    for (int i : new int[] {3, 4}) {
      assertTrue(outcomes.get(i).isSuccess(), outcomes.get(i).toString());
    }
    for (int i : new int[] {0, 1}) {
      // Before it in its chunk: returned, but a worker killed for the timeout may still hold the
      // result; it is then lost with the worker, and not run a second time under CrashPolicy.fail().
      Outcome<String> outcome = outcomes.get(i);
      assertTrue(outcome.isSuccess() || (outcome.failure() instanceof WorkerLostException
              && outcome.failure().getMessage().contains("it had returned, but its result was lost with the worker")),
          outcome.toString());
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aTerminatedPoolCancelsWhatItHadNotFinished(PoolKind kind, @TempDir Path dir) {
    assumeFalse(kind.runsInCaller(), "a pool that runs tasks in the caller cannot be terminated meanwhile");
    Pool pool = pool(kind);
    Path never = dir.resolve("never");
    ResultIterator<Outcome<String>> outcomes =
        pool.imapOutcomes(x -> WorkParallel.awaitFile(never, 30_000), List.of(1, 2), 2);
    pool.terminate();
    assertTimeoutPreemptively(FAULT_BOUND, () -> {
      for (int i = 0; i < 2; i++) {
        Outcome<String> outcome = outcomes.next();
        assertEquals(i, outcome.position());
        assertInstanceOf(TaskCancelledException.class, outcome.failure());
      }
      assertFalse(outcomes.hasNext());
    });
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void progressListenersCountFailedElements(PoolKind kind) throws InterruptedException {
    Pool pool = pool(kind);
    java.util.concurrent.atomic.AtomicInteger succeeded = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(1);
    pool.addProgressListener((s, f) -> {
      if (succeeded.addAndGet(s) + failed.addAndGet(f) == 200) {
        all.countDown();
      }
    });
    pool.mapOutcomes(OutcomeContractTest::failIfListed, range(1, 200), 10);
    assertTrue(all.await(30, SECONDS), "heard of " + succeeded + " + " + failed + " tasks");
    assertEquals(FAILING.size(), failed.get());
    assertEquals(200 - FAILING.size(), succeeded.get());
  }
}
