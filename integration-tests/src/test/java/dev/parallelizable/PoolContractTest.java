package dev.parallelizable;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parallelizable.fixtures.Counted;
import dev.parallelizable.fixtures.CountedParallel;
import dev.parallelizable.fixtures.Hostile;
import dev.parallelizable.fixtures.HostileParallel;
import dev.parallelizable.fixtures.Work;
import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link Pool} keeps, run against every kind of pool ({@link PoolKind#all()}):
 * sequential, threads, virtual threads (JDK 21+), processes and a cluster of loopback members.
 */
@Timeout(value = 60, unit = SECONDS)
class PoolContractTest extends EveryPoolKind {
  /** Every kind of pool, and the cached view of threads and of processes. */
  static List<PoolKind> kinds() {
    return PoolKind.withCachedViews();
  }

  private static final Duration BOUND = Duration.ofSeconds(20);

  @AfterEach
  void openTheGate() {
    Work.gate = new CountDownLatch(0);
  }

  private static List<Integer> range(int from, int to) {
    return IntStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
  }

  private static List<Long> cubes(int from, int to) {
    return LongStream.rangeClosed(from, to).map(x -> x * x * x).boxed().collect(Collectors.toList());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapReturnsResultsInInputOrder(PoolKind kind) {
    assertEquals(cubes(1, 999), pool(kind).map(WorkParallel::cube, range(1, 999)));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapHonoursAnyChunkSize(PoolKind kind) {
    Pool pool = pool(kind);
    for (int chunkSize : new int[] {1, 7, 100, 5000}) {
      assertEquals(cubes(1, 300), pool.map(WorkParallel::cube, range(1, 300), chunkSize), "chunk " + chunkSize);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapOfNoInputIsEmpty(PoolKind kind) {
    assertEquals(List.of(), pool(kind).map(WorkParallel::cube, List.of()));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapReadsAnIterableOfUnknownSize(PoolKind kind) {
    Iterable<Integer> inputs = () -> range(1, 500).iterator();
    assertEquals(cubes(1, 500), pool(kind).map(WorkParallel::cube, inputs));
  }

  /**
   * A list whose copies are arrays of its element type, or hold more than was asked for, as a
   * list of another library may: each chunk holds the elements asked for, in order, whether the map
   * builds a task per input or takes the inputs as its column.
   */
  @ParameterizedTest
  @MethodSource("kinds")
  void mapReadsAListWhoseCopiesAreOfItsElementTypeOrTooLong(PoolKind kind) {
    Pool pool = pool(kind);
    for (boolean tooLong : new boolean[] {false, true}) {
      List<Integer> inputs = new OddCopies(range(1, 700), tooLong);
      for (int chunkSize : new int[] {0, 1, 7, 100}) {
        List<Long> results = pool.map(WorkParallel::cube, inputs, chunkSize);
        assertEquals(700, results.size(), "chunk " + chunkSize);
        assertEquals(cubes(1, 700), results, "chunk " + chunkSize);
      }
      List<Long> results = WorkParallel.on(pool).cubeMap(inputs);
      assertEquals(700, results.size());
      assertEquals(cubes(1, 700), results);
    }
  }

  /** A list whose {@code toArray} copies are {@code Integer[]}, one element longer if asked to. */
  private static final class OddCopies extends java.util.AbstractList<Integer> implements java.util.RandomAccess {
    private final List<Integer> elements;
    private final boolean tooLong;

    OddCopies(List<Integer> elements, boolean tooLong) {
      this.elements = elements;
      this.tooLong = tooLong;
    }

    @Override
    public Integer get(int index) {
      return elements.get(index);
    }

    @Override
    public int size() {
      return elements.size();
    }

    @Override
    public List<Integer> subList(int from, int to) {
      return new OddCopies(elements.subList(from, to), tooLong);
    }

    @Override
    public Object[] toArray() {
      Integer[] copy = elements.toArray(new Integer[size() + (tooLong ? 1 : 0)]);
      if (tooLong) {
        copy[size()] = -1; // never an input
      }
      return copy;
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapIsAlsoStarmap(PoolKind kind) {
    List<int[]> pairs = List.of(new int[] {1, 9}, new int[] {2, 9}, new int[] {3, 9});
    assertEquals(List.of(1, 2, 3), pool(kind).map(p -> WorkParallel.failIf(p[0], p[1]), pairs));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void applyAndApplyAsyncReturnTheResult(PoolKind kind) {
    Pool pool = pool(kind);
    assertEquals(27L, pool.apply(WorkParallel.cube(3)));
    AsyncResult<Long> result = pool.applyAsync(WorkParallel.cube(4));
    assertEquals(64L, result.get(BOUND));
    assertTrue(result.ready());
    assertTrue(result.successful());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void voidTaskCompletesWithNull(PoolKind kind) {
    assertEquals(null, pool(kind).apply(WorkParallel.setMarker("changed")));
    Work.marker = "parent";
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void taskFailureCarriesTheOriginalExceptionAndItsStack(PoolKind kind) {
    TaskFailedException failure =
        assertThrows(TaskFailedException.class, () -> pool(kind).apply(WorkParallel.failIf(5, 5)));
    Throwable cause = failure.getCause();
    assertInstanceOf(IllegalStateException.class, cause);
    assertEquals("input 5 is not allowed", cause.getMessage());
    assertTrue(
        Arrays.stream(cause.getStackTrace()).anyMatch(f -> f.getMethodName().equals("failIf")),
        "the stack trace shows the method that threw");
    assertTrue(failure.getMessage().contains("Work.failIf(5, 5)"), failure.getMessage());
    assertEquals("Work.failIf(5, 5)", failure.task());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapFailsWithTheFirstFailureInInputOrder(PoolKind kind) {
    Set<Integer> failing = Set.of(37, 80, 450);
    TaskFailedException failure =
        assertThrows(
            TaskFailedException.class,
            () -> pool(kind).map(x -> WorkParallel.failIf(x, failing.contains(x) ? x : -1), range(1, 500), 5));
    assertEquals("input 37 is not allowed", failure.getCause().getMessage());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void mapCancelsWhatHasNotStartedAfterAFailure(PoolKind kind) {
    assumeTrue(kind.sharesMemory(), "counts runs through a static field");
    Counted.RUNS.set(0);
    Pool pool = kind.create(1);
    pools.add(pool);
    List<Integer> inputs = range(1, 10_000);
    assertThrows(
        TaskFailedException.class,
        () -> pool.map(x -> x == 1 ? castFail() : CountedParallel.identity(x), inputs, 1));
    pool.close();
    assertTrue(Counted.RUNS.get() < 100, "ran " + Counted.RUNS.get() + " tasks after the first failed");
  }

  private static Task<Integer> castFail() {
    return WorkParallel.failIf(1, 1);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aFunctionThatCannotBuildATaskFailsTheMapNamingTheInput(PoolKind kind) {
    TaskFailedException failure =
        assertThrows(
            TaskFailedException.class,
            () -> pool(kind).map(x -> x == 3 ? null : WorkParallel.cube(x), range(1, 5)));
    assertTrue(failure.getMessage().contains("input 3"), failure.getMessage());
  }

  /** A function that throws a checked exception it does not declare for {@code unreadable}. */
  private static Task<Long> cubeUnless(int x, int unreadable) {
    if (x == unreadable) {
      throw SneakyThrow.raise(new java.io.IOException("cannot read input " + x));
    }
    return WorkParallel.cube(x);
  }

  private static void assertCannotBuild(TaskFailedException failure, int input) {
    assertTrue(failure.getMessage().contains("input " + input), failure.getMessage());
    java.io.IOException cause = assertInstanceOf(java.io.IOException.class, failure.getCause().getCause());
    assertEquals("cannot read input " + input, cause.getMessage());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(value = 60, unit = SECONDS)
  void aFunctionThatThrowsACheckedExceptionSneakilyFailsTheMapNamingTheInput(PoolKind kind) {
    Pool pool = pool(kind);
    // The first input's task is also built before the map starts, to learn its method.
    for (int unreadable : new int[] {1, 3}) {
      TaskFailedException failure = assertTimeoutPreemptively(BOUND, () -> assertThrows(
          TaskFailedException.class, () -> pool.map(x -> cubeUnless(x, unreadable), range(1, 5), 2)));
      assertCannotBuild(failure, unreadable);
    }
    assertTimeoutPreemptively(BOUND, () -> {
      ResultIterator<Long> results = pool.imap(x -> cubeUnless(x, 3), range(1, 10), 1);
      assertEquals(1L, results.next());
      assertEquals(8L, results.next());
      assertCannotBuild(assertThrows(TaskFailedException.class, results::next), 3);
      assertFalse(results.hasNext());
    });
    assertEquals(cubes(1, 20), pool.map(WorkParallel::cube, range(1, 20), 1), "the pool is still in service");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void imapIsOrderedAndLazyOverAnEndlessInput(PoolKind kind) {
    Iterable<Integer> endless = () -> Stream.iterate(1, x -> x + 1).iterator();
    try (ResultIterator<Long> results = pool(kind).imap(WorkParallel::cube, endless)) {
      List<Long> first = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        first.add(results.next());
      }
      assertEquals(cubes(1, 2000), first);
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void imapStreamGivesTheSameResults(PoolKind kind) {
    try (Stream<Long> results = pool(kind).imap(WorkParallel::cube, range(1, 100), 3).stream()) {
      assertEquals(cubes(1, 100), results.collect(Collectors.toList()));
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void imapUnorderedYieldsEveryResultOnce(PoolKind kind) {
    List<Long> seen = new ArrayList<>();
    pool(kind).imapUnordered(WorkParallel::cube, range(1, 777), 10).forEachRemaining(seen::add);
    assertEquals(777, seen.size());
    assertEquals(new HashSet<>(cubes(1, 777)), new HashSet<>(seen));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void imapThrowsTheFailureWhenItReachesIt(PoolKind kind) {
    ResultIterator<Integer> results = pool(kind).imap(x -> WorkParallel.failIf(x, 4), range(1, 10), 1);
    for (int expected = 1; expected <= 3; expected++) {
      assertEquals(expected, results.next());
    }
    assertThrows(TaskFailedException.class, results::next);
    assertFalse(results.hasNext());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void runReturnsResultsOfACollectionOrAStreamInOrder(PoolKind kind) {
    Pool pool = pool(kind);
    List<Task<Long>> tasks = range(1, 50).stream().map(WorkParallel::cube).collect(Collectors.toList());
    assertEquals(cubes(1, 50), pool.run(tasks));
    assertEquals(cubes(1, 50), pool.<Long>run(range(1, 50).stream().map(WorkParallel::cube)));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void getWithATimeoutThrowsAndLeavesTheTaskRunning(PoolKind kind) {
    assumeFalse(kind.runsInCaller(), "a pool that runs in the caller finishes before get()");
    AsyncResult<String> result = pool(kind).applyAsync(WorkParallel.sleepMillis(300));
    assertThrows(ResultTimeoutException.class, () -> result.get(Duration.ofMillis(1)));
    assertFalse(result.waitFor(Duration.ZERO));
    result.get(BOUND);
    assertTrue(result.successful());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void callbacksReceiveTheResultOrTheFailure(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    CompletableFuture<Long> success = new CompletableFuture<>();
    CompletableFuture<ParallelException> failure = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.cube(2)).onSuccess(success::complete).onFailure(failure::complete);
    assertEquals(8L, success.get(20, SECONDS));
    CompletableFuture<Integer> noSuccess = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.failIf(1, 1)).onSuccess(noSuccess::complete).onFailure(failure::complete);
    assertInstanceOf(TaskFailedException.class, failure.get(20, SECONDS));
    assertFalse(noSuccess.isDone());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void completableFutureViewCompletesLikeGet(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    assertEquals(125L, pool.applyAsync(WorkParallel.cube(5)).toCompletableFuture().get(20, SECONDS));
    ExecutionException failed =
        assertThrows(
            ExecutionException.class,
            () -> pool.applyAsync(WorkParallel.failIf(2, 2)).toCompletableFuture().get(20, SECONDS));
    assertInstanceOf(TaskFailedException.class, failed.getCause());
  }

  /**
   * Future's invariants under races: each try cancels a fresh task, through the result or through
   * a view, at once or after a pause that grows with the try, so that the cancel lands before,
   * during and after the task's run; whatever wins, the cancel's answer, isDone, isCancelled, both
   * gets and the view agree. Tries go on past 60 until one cancel has won (a loaded machine can let
   * every task finish first), up to 2,000.
   */
  @ParameterizedTest
  @MethodSource("kinds")
  void cancelRacingCompletionKeepsFuturesInvariants(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    int cancelledCount = 0;
    for (int i = 0; i < 60 || (cancelledCount == 0 && !kind.runsInCaller() && i < 2_000); i++) {
      AsyncResult<Long> result = pool.applyAsync(WorkParallel.cube(i));
      CompletableFuture<Long> view = result.toCompletableFuture();
      long until = System.nanoTime() + (i % 4 == 0 ? 0 : (i % 20) * 50_000L);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      boolean throughView = i % 2 == 0;
      boolean cancelled = throughView ? view.cancel(false) : result.cancel(false);
      String tryName = "try " + i + (throughView ? " (view)" : " (result)") + ", cancel returned " + cancelled;
      if (cancelled) {
        cancelledCount++;
        assertTrue(result.isDone(), tryName);
        assertTrue(result.isCancelled(), tryName);
        assertThrows(TaskCancelledException.class, result::get, tryName);
        CancellationException cancellation =
            assertThrows(CancellationException.class, () -> result.get(0, SECONDS), tryName);
        assertInstanceOf(TaskCancelledException.class, cancellation.getCause(), tryName);
        if (throughView) {
          assertTrue(view.isCancelled(), tryName + ": the view that cancelled is cancelled at once");
        }
        assertThrows(CancellationException.class, () -> view.get(20, SECONDS), tryName);
        assertTrue(view.isCancelled(), tryName);
      } else {
        long cube = (long) i * i * i;
        assertEquals(cube, result.get(BOUND), tryName);
        assertEquals(cube, result.get(20, SECONDS), tryName);
        assertEquals(cube, result.resultNow(), tryName);
        assertFalse(result.isCancelled(), tryName);
        assertEquals(cube, view.get(20, SECONDS), tryName);
        assertFalse(view.isCancelled(), tryName);
      }
      assertFalse(result.cancel(false), tryName + ": a second cancel has nothing to cancel");
      assertFalse(view.cancel(false), tryName + ": a second cancel has nothing to cancel");
      assertEquals(cancelled, result.isCancelled(), tryName);
    }
    assertTrue(cancelledCount > 0 || kind.runsInCaller(), "no try cancelled a task");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void futureCancelOfARunningTaskCancelsItsResultAtOnceAndThePoolGoesOn(PoolKind kind) throws Exception {
    assumeFalse(kind.runsInCaller(), "a task running in the caller is done when applyAsync returns");
    Pool pool = pool(kind);
    AsyncResult<String> running = pool.applyAsync(WorkParallel.sleepMillis(1_000));
    CompletableFuture<String> view = running.toCompletableFuture();
    await().atMost(BOUND).until(() -> pool.stats().running() == 1);
    assertFalse(running.cancel(), "Python's cancel() leaves a running task alone");
    assertTrue(running.cancel(false), "Future's cancel(false) cancels it, as FutureTask's does");
    assertTrue(running.isDone());
    assertTrue(running.isCancelled());
    assertThrows(TaskCancelledException.class, running::get);
    assertThrows(CancellationException.class, () -> view.get(20, SECONDS));
    assertEquals(List.of(1L, 8L, 27L), pool.map(WorkParallel::cube, List.of(1, 2, 3)), "the pool goes on");
    assertTrue(running.isCancelled(), "the task's own end does not undo its cancellation");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aResultIsAFutureWithFuturesCheckedExceptions(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    java.util.concurrent.Future<Long> future = pool.applyAsync(WorkParallel.cube(4));
    assertEquals(64L, future.get(20, SECONDS));
    assertTrue(future.isDone());
    AsyncResult<Integer> failed = pool.applyAsync(WorkParallel.failIf(2, 2));
    ExecutionException thrown = assertThrows(ExecutionException.class, () -> failed.get(20, SECONDS));
    assertInstanceOf(TaskFailedException.class, thrown.getCause());
    assertSame(thrown.getCause(), failed.exceptionNow());
    assertThrows(IllegalStateException.class, failed::resultNow);
    assertFalse(failed.isCancelled());
  }

  /** A view's slow dependent delays no other view: dependents run where the view is completed. */
  @ParameterizedTest
  @MethodSource("kinds")
  void aSlowDependentOfOneViewDelaysNoOtherView(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    Thread test = Thread.currentThread();
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Long> slow = pool.applyAsync(WorkParallel.cube(2)).toCompletableFuture()
        .thenApply(v -> {
          // Blocks the thread that completed the view; a view complete before thenApply was called
          // runs it in this test's thread instead, which must not block.
          if (Thread.currentThread() != test) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return v;
        });
    CompletableFuture<Long> other = pool.applyAsync(WorkParallel.cube(3)).toCompletableFuture().thenApply(v -> v + 1);
    CompletableFuture<Long> callback = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.cube(4)).onSuccess(callback::complete);
    assertEquals(28L, other.get(20, SECONDS), "the other view's dependent ran while the slow one waits");
    assertEquals(64L, callback.get(20, SECONDS), "callbacks run while a view's dependent waits");
    release.countDown();
    assertEquals(8L, slow.get(20, SECONDS));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void cancelStopsATaskThatHasNotStarted(PoolKind kind) {
    assumeTrue(kind.sharesMemory() && !kind.runsInCaller(), "blocks the workers with an in-memory gate");
    Work.gate = new CountDownLatch(1);
    Pool pool = pool(kind);
    List<AsyncResult<Integer>> blockers = new ArrayList<>();
    for (int i = 0; i < pool.size(); i++) {
      blockers.add(pool.applyAsync(WorkParallel.awaitGate(i, 20_000)));
    }
    AsyncResult<Long> queued = pool.applyAsync(WorkParallel.cube(3));
    assertTrue(queued.cancel());
    assertFalse(queued.cancel(), "a second cancel has nothing to cancel");
    assertThrows(TaskCancelledException.class, queued::get);
    assertTrue(queued.ready());
    assertFalse(queued.successful());
    Work.gate.countDown();
    blockers.forEach(b -> b.get(BOUND));
    AsyncResult<Long> done = pool.applyAsync(WorkParallel.cube(3));
    done.get(BOUND);
    assertFalse(done.cancel(), "a finished task cannot be cancelled");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void successfulBeforeReadyIsAnError(PoolKind kind) {
    assumeFalse(kind.runsInCaller(), "a pool that runs in the caller is always ready");
    AsyncResult<String> result = pool(kind).applyAsync(WorkParallel.sleepMillis(200));
    IllegalStateException error = assertThrows(IllegalStateException.class, result::successful);
    assertTrue(error.getMessage().contains("ready()"), error.getMessage());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void shutdownRefusesNewWorkAndFinishesAcceptedWork(PoolKind kind) {
    Pool pool = pool(kind);
    AsyncResult<String> accepted = pool.applyAsync(WorkParallel.sleepMillis(100));
    pool.shutdown();
    assertTrue(pool.isShutdown());
    IllegalStateException refused =
        assertThrows(IllegalStateException.class, () -> pool.applyAsync(WorkParallel.cube(1)));
    assertTrue(refused.getMessage().contains("shut down"), refused.getMessage());
    pool.join();
    assertTrue(accepted.ready());
    accepted.get();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void joinBeforeShutdownIsAnError(PoolKind kind) {
    IllegalStateException error = assertThrows(IllegalStateException.class, pool(kind)::join);
    assertTrue(error.getMessage().contains("shutdown()"), error.getMessage());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void closeIsShutdownThenJoin(PoolKind kind) {
    AsyncResult<Long> result;
    try (Pool pool = pool(kind)) {
      result = pool.applyAsync(WorkParallel.cube(6));
    }
    assertTrue(result.ready());
    assertEquals(216L, result.get());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void terminateFailsPendingResults(PoolKind kind) {
    assumeFalse(kind.runsInCaller(), "nothing is pending on a pool that runs in the caller");
    Pool pool = pool(kind);
    List<AsyncResult<String>> pending = new ArrayList<>();
    for (int i = 0; i < 2 * pool.size() + 2; i++) {
      pending.add(pool.applyAsync(WorkParallel.sleepMillis(30_000)));
    }
    pool.terminate();
    for (AsyncResult<String> result : pending) {
      TaskCancelledException cancelled = assertThrows(TaskCancelledException.class, () -> result.get(BOUND));
      assertTrue(cancelled.getMessage().contains("terminated"), cancelled.getMessage());
    }
    assertThrows(IllegalStateException.class, () -> pool.applyAsync(WorkParallel.cube(1)));
    pool.join();
  }

  /** A map of every form, over an endless input, as one call that returns what it returned. */
  private static final List<java.util.function.BiFunction<Pool, Iterable<Integer>, Object>> MAP_FORMS = List.of(
      (pool, inputs) -> pool.map(WorkParallel::cube, inputs, 1),
      (pool, inputs) -> {
        ResultIterator<Long> results = pool.imapUnordered(WorkParallel::cube, inputs, 1);
        results.forEachRemaining(result -> {});
        return results;
      },
      (pool, inputs) -> pool.mapOutcomes(WorkParallel::cube, inputs, 1));

  @ParameterizedTest
  @MethodSource("kinds")
  void terminateWhileAMapReadsItsInputsEndsTheMapWithTaskCancelled(PoolKind kind) throws Exception {
    for (var form : MAP_FORMS) {
      Pool pool = pool(kind);
      int window = 2 * pool.size() + 1; // the chunks a map keeps in flight
      CountDownLatch reading = new CountDownLatch(1);
      CountDownLatch terminated = new CountDownLatch(1);
      // Endless: the map reads on as chunks complete, and stops in the middle of it at input 3 * window.
      Iterable<Integer> inputs = () -> Stream.iterate(1, x -> x + 1).peek(x -> {
        if (x == 3 * window) {
          reading.countDown();
          try {
            terminated.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }).iterator();
      CompletableFuture<Object> map = CompletableFuture.supplyAsync(() -> form.apply(pool, inputs));
      assertTrue(reading.await(20, SECONDS), "the map read its inputs past its first chunks");
      pool.terminate();
      terminated.countDown();
      ExecutionException ended = assertThrows(ExecutionException.class, () -> map.get(20, SECONDS));
      assertInstanceOf(TaskCancelledException.class, ended.getCause(), chain(ended.getCause()));
      assertTrue(ended.getCause().getMessage().contains("terminated"), ended.getCause().getMessage());
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void badArgumentsAreRejectedWithTheValue(PoolKind kind) {
    Pool pool = pool(kind);
    IllegalArgumentException nullTask = assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(null));
    assertTrue(nullTask.getMessage().contains("task"), nullTask.getMessage());
    IllegalArgumentException chunk =
        assertThrows(IllegalArgumentException.class, () -> pool.map(WorkParallel::cube, range(1, 3), -2));
    assertTrue(chunk.getMessage().contains("-2"), chunk.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> pool.applyAsync(WorkParallel.cube(1)).get(Duration.ofSeconds(-1)));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void manyThreadsMaySubmitToOnePool(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    List<CompletableFuture<List<Long>>> callers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      callers.add(CompletableFuture.supplyAsync(() -> pool.map(WorkParallel::cube, range(1, 400))));
    }
    for (CompletableFuture<List<Long>> caller : callers) {
      assertEquals(cubes(1, 400), caller.get(30, SECONDS));
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void progressListenersHearEveryFinishedTask(PoolKind kind) {
    Pool pool = pool(kind);
    AtomicInteger succeeded = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ProgressListener listener = (ok, bad) -> {
      succeeded.addAndGet(ok);
      failed.addAndGet(bad);
    };
    pool.addProgressListener(listener);
    pool.map(WorkParallel::cube, range(1, 250));
    assertThrows(TaskFailedException.class, () -> pool.apply(WorkParallel.failIf(1, 1)));
    await().atMost(BOUND).until(() -> succeeded.get() == 250 && failed.get() == 1);
    pool.removeProgressListener(listener);
    pool.map(WorkParallel::cube, range(1, 10));
    assertEquals(250, succeeded.get(), "a removed listener hears nothing");
  }

  /** What a slow callback or listener does: the calls queue up behind it on the callback thread. */
  private static void slowly() {
    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void closeReturnsOnlyAfterEveryCallbackAndProgressCallHasRun(PoolKind kind) {
    Pool pool = pool(kind);
    AtomicInteger heard = new AtomicInteger();
    AtomicInteger called = new AtomicInteger();
    pool.addProgressListener((ok, bad) -> {
      slowly();
      heard.addAndGet(ok + bad);
    });
    for (int i = 0; i < 20; i++) {
      // Inputs the map below does not repeat: through a cache, a repeated call is a hit no one hears.
      pool.applyAsync(WorkParallel.cube(1000 + i)).onSuccess(cube -> {
        slowly();
        called.incrementAndGet();
      });
    }
    assertEquals(cubes(1, 200), pool.map(WorkParallel::cube, range(1, 200), 1));
    pool.close();
    assertEquals(220, heard.get(), "every task was heard of before close() returned");
    assertEquals(20, called.get(), "every callback ran before close() returned");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aCallbackMayCloseItsOwnPool(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    CompletableFuture<Boolean> closed = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.cube(2)).onSuccess(cube -> {
      pool.close(); // on the callback thread: does not wait for itself
      closed.complete(pool.isShutdown());
    });
    assertTrue(closed.get(20, SECONDS));
  }

  /** Every task submitted is in exactly one state. */
  private static void assertAddsUp(PoolStats stats) {
    assertEquals(stats.submitted(),
        stats.queued() + stats.running() + stats.completed() + stats.failed() + stats.cancelled(),
        stats.toString());
  }

  private static long workerTasks(PoolStats stats) {
    return stats.workers().stream().mapToLong(PoolStats.WorkerStats::tasks).sum();
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void statsCountEveryTaskOfAMapAndItsWorkers(PoolKind kind) {
    Pool pool = pool(kind);
    PoolStats before = pool.stats(); // a cluster pool is shared by the tests: count the difference
    pool.map(WorkParallel::cube, range(1, 999), 10);
    PoolStats after = pool.stats();
    assertAddsUp(after);
    assertEquals(999, after.submitted() - before.submitted());
    assertEquals(999, after.completed() - before.completed());
    assertEquals(0, after.queued(), "a map that returned left nothing queued");
    assertEquals(0, after.running(), "a map that returned left nothing running");
    assertEquals(0, after.failed() - before.failed());
    assertEquals(0, after.cancelled() - before.cancelled());
    assertEquals(999, workerTasks(after) - workerTasks(before), after.workers().toString());
    assertTrue(after.workers().size() >= 1 && after.workers().size() <= Math.max(pool.size(), 3),
        after.workers().toString());
    assertTrue(after.workers().stream().noneMatch(PoolStats.WorkerStats::busy), after.workers().toString());
    assertTrue(after.workers().stream().anyMatch(w -> w.busyTime().toNanos() > 0), after.workers().toString());
    assertEquals(pool.toString(), after.pool());
    assertEquals(pool.size(), after.size());
    assertTrue(after.summary().contains(after.done() + "/" + after.submitted() + " done"), after.summary());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void statsAddUpAfterAMapWithFailures(PoolKind kind) {
    Pool pool = pool(kind);
    PoolStats before = pool.stats();
    assertThrows(TaskFailedException.class,
        () -> pool.map(x -> WorkParallel.failIf(x, 37), range(1, 500), 5));
    assertAddsUp(pool.stats());
    // Chunks that had started when the map threw may still be finishing.
    await().atMost(BOUND).until(() -> pool.stats().running() == 0 && pool.stats().queued() == 0);
    PoolStats after = pool.stats();
    assertAddsUp(after);
    long submitted = after.submitted() - before.submitted();
    assertTrue(submitted >= 40 && submitted <= 500, "the map reads ahead a few chunks only: " + after.summary());
    assertEquals(1, after.failed() - before.failed(), after.summary());
    assertTrue(after.completed() - before.completed() >= 36, after.summary());
    assertTrue(after.cancelled() - before.cancelled() >= 3, "the rest of the failed chunk: " + after.summary());
    assertEquals(submitted - 1, after.completed() - before.completed() + after.cancelled() - before.cancelled());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void statsCountACancelledTask(PoolKind kind) {
    assumeFalse(kind.runsInCaller(), "needs a task that waits for a worker");
    Pool pool = pool(kind);
    PoolStats before = pool.stats();
    List<AsyncResult<String>> sleeping = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sleeping.add(pool.applyAsync(WorkParallel.sleepMillis(200)));
    }
    AsyncResult<Long> waiting = pool.applyAsync(WorkParallel.cube(2));
    boolean cancelled = waiting.cancel();
    sleeping.forEach(r -> r.waitFor(BOUND));
    await().atMost(BOUND).until(waiting::ready);
    PoolStats after = pool.stats();
    assertAddsUp(after);
    assertEquals(5, after.submitted() - before.submitted());
    assertEquals(cancelled ? 1 : 0, after.cancelled() - before.cancelled(), after.summary());
    assertEquals(cancelled ? 4 : 5, after.completed() - before.completed(), after.summary());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(value = 60, unit = SECONDS)
  void statsMayBeReadWhileAMapRunsAndOnlyMoveForward(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    CompletableFuture<List<String>> map = CompletableFuture.supplyAsync(
        () -> pool.map(x -> WorkParallel.sleepMillis(1), range(1, 300), 3));
    List<CompletableFuture<Integer>> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      readers.add(CompletableFuture.supplyAsync(() -> {
        PoolStats last = pool.stats();
        int reads = 0;
        while (!map.isDone() || reads == 0) {
          PoolStats now = pool.stats();
          assertAddsUp(now);
          assertTrue(now.submitted() >= last.submitted(), now + " after " + last);
          assertTrue(now.completed() >= last.completed(), now + " after " + last);
          assertTrue(now.done() >= last.done(), now + " after " + last);
          assertTrue(now.queued() >= 0 && now.running() >= 0, now.toString());
          last = now;
          reads++;
        }
        return reads;
      }));
    }
    assertEquals(300, map.get(50, SECONDS).size());
    for (CompletableFuture<Integer> reader : readers) {
      assertTrue(reader.get(10, SECONDS) > 0);
    }
    assertEquals(0, pool.stats().running());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1})
  void poolSizeMustBePositive(int size) {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Parallel.threads(size));
    assertTrue(error.getMessage().contains(String.valueOf(size)), error.getMessage());
  }

  // ---- Values that cannot cross, or must not be read: the rule of Codec, on every pool.

  /** What a pool that encodes must answer within: generous, since it bounds a fault. */
  private static final Duration FAULT_BOUND = Duration.ofSeconds(30);

  private static String chain(Throwable failure) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t).append(" <- ");
      for (Throwable suppressed : t.getSuppressed()) {
        text.append(suppressed).append(" <- ");
      }
    }
    return text.toString();
  }

  /** The pool still runs tasks, on the worker that reported the fault where it has one. */
  private static void assertStillUsable(Pool pool) {
    assertEquals(cubes(1, 20), pool.map(WorkParallel::cube, range(1, 20)));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void anArgumentThatCannotBeEncodedFailsTheSubmitNamingTheParameter(PoolKind kind) {
    Pool pool = pool(kind);
    Object unencodable = new Object();
    if (!kind.encodes()) {
      assertSame(unencodable, pool.apply(HostileParallel.pass(unencodable)), "nothing is encoded here");
      return;
    }
    for (Runnable submit : List.<Runnable>of(
        () -> pool.applyAsync(HostileParallel.pass(unencodable)),
        () -> pool.map(x -> HostileParallel.pass(x == 2 ? unencodable : x), List.of(1, 2, 3)))) {
      IllegalArgumentException error = assertThrows(IllegalArgumentException.class, submit::run);
      for (String part : List.of("Hostile.pass", "'value'", "java.lang.Object")) {
        assertTrue(error.getMessage().contains(part), part + " in: " + error.getMessage());
      }
    }
    assertStillUsable(pool);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aResultThatCannotBeEncodedFailsItsTaskAndTheWorkerStaysInService(PoolKind kind) {
    Pool pool = kind.create(1);
    pools.add(pool);
    if (!kind.encodes()) {
      assertEquals(Object.class, pool.apply(WorkParallel.unserializableResult()).getClass());
      return;
    }
    long pid = pool.apply(WorkParallel.pid());
    TaskFailedException failure = assertThrows(TaskFailedException.class,
        () -> pool.applyAsync(WorkParallel.unserializableResult()).get(FAULT_BOUND));
    assertTrue(failure.getMessage().contains("Work.unserializableResult()"), failure.getMessage());
    assertTrue(chain(failure).contains("java.lang.Object"), chain(failure));
    assertEquals(pid, pool.apply(WorkParallel.pid()), "the same worker runs the next task");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void anExceptionThatCannotBeEncodedFailsItsTaskAndTheWorkerStaysInService(PoolKind kind) {
    Pool pool = kind.create(1);
    pools.add(pool);
    long pid = pool.apply(WorkParallel.pid());
    TaskFailedException failure = assertThrows(TaskFailedException.class,
        () -> pool.applyAsync(WorkParallel.throwUnserializable("kept its thread")).get(FAULT_BOUND));
    assertTrue(failure.getMessage().contains("Work.throwUnserializable(\"kept its thread\")"), failure.getMessage());
    assertTrue(chain(failure).contains("UnserializableException") && chain(failure).contains("kept its thread"),
        chain(failure));
    assertEquals(pid, pool.apply(WorkParallel.pid()), "the same worker runs the next task");
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aDeserializationBombArgumentIsRejectedInBoundedTime(PoolKind kind) {
    Pool pool = pool(kind);
    Object bomb = Hostile.bomb(200);
    if (!kind.decodes()) {
      assertSame(bomb, pool.apply(HostileParallel.pass(bomb)), "nothing is decoded here");
      return;
    }
    ParallelException failure = assertTimeoutPreemptively(FAULT_BOUND, () -> assertThrows(
        ParallelException.class, () -> pool.applyAsync(HostileParallel.pass(bomb)).get(FAULT_BOUND)));
    assertInstanceOf(TaskFailedException.class, failure, chain(failure));
    assertStillUsable(pool);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aDeserializationBombResultIsRejectedInBoundedTime(PoolKind kind) {
    Pool pool = pool(kind);
    if (!kind.decodes()) {
      assertEquals(2, ((java.util.Set<?>) pool.apply(HostileParallel.returnBomb(200))).size());
      return;
    }
    ParallelException failure = assertTimeoutPreemptively(FAULT_BOUND, () -> assertThrows(
        ParallelException.class, () -> pool.applyAsync(HostileParallel.returnBomb(200)).get(FAULT_BOUND)));
    assertInstanceOf(TaskFailedException.class, failure, chain(failure));
    assertTrue(failure.getMessage().contains("Hostile.returnBomb(200)"), failure.getMessage());
    assertStillUsable(pool);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aBlockedClassAsArgumentIsRejectedNamingIt(PoolKind kind) {
    Pool pool = pool(kind);
    Object gadget = new org.apache.commons.collections.functors.InvokerTransformer();
    if (!kind.decodes()) {
      assertSame(gadget, pool.apply(HostileParallel.pass(gadget)));
      return;
    }
    ParallelException failure = assertTimeoutPreemptively(FAULT_BOUND, () -> assertThrows(
        ParallelException.class, () -> pool.applyAsync(HostileParallel.pass(gadget)).get(FAULT_BOUND)));
    assertTrue(chain(failure).contains("org.apache.commons.collections.functors.InvokerTransformer"), chain(failure));
    assertStillUsable(pool);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aBlockedClassAsResultIsRejectedNamingIt(PoolKind kind) {
    Pool pool = pool(kind);
    if (!kind.decodes()) {
      assertEquals(org.apache.commons.collections.functors.InvokerTransformer.class,
          pool.apply(HostileParallel.returnGadget()).getClass());
      return;
    }
    TaskFailedException failure = assertTimeoutPreemptively(FAULT_BOUND, () -> assertThrows(
        TaskFailedException.class, () -> pool.applyAsync(HostileParallel.returnGadget()).get(FAULT_BOUND)));
    assertTrue(failure.getMessage().contains("Hostile.returnGadget()"), failure.getMessage());
    assertTrue(chain(failure).contains("org.apache.commons.collections.functors.InvokerTransformer"), chain(failure));
    assertStillUsable(pool);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void aTaskPastThePerTaskTimeoutFailsAndThePoolGoesOn(PoolKind kind) {
    assumeTrue(kind.withTaskTimeout() != null, kind + " has no per-task timeout");
    Pool pool = kind.withTaskTimeout().apply(Duration.ofMillis(500));
    pools.add(pool);
    TaskTimeoutException timeout = assertTimeoutPreemptively(FAULT_BOUND, () -> assertThrows(
        TaskTimeoutException.class, () -> pool.apply(WorkParallel.sleepMillis(60_000))));
    assertTrue(timeout.getMessage().contains("Work.sleepMillis(60000)"), timeout.getMessage());
    assertTrue(timeout.getMessage().contains("500 ms"), timeout.getMessage());
    assertStillUsable(pool);
  }
}
