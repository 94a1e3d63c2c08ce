package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.parallelizable.fixtures.Hostile;
import dev.parallelizable.fixtures.HostileParallel;
import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The library's calls into user code on its own account are guarded: describing an argument whose
 * {@code toString()} throws, recurses or is huge, and callbacks that wait on their own pool or throw.
 * Every pool here has one worker, the case where a callback run on a worker would deadlock.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UserCodeGuardsTest {
  private static final Duration BOUND = Duration.ofSeconds(30);
  /** A list of twenty million elements whose own toString() takes seconds; it encodes in bytes. */
  private static final List<Integer> HUGE = Collections.nCopies(20_000_000, 7);
  private static final Map<String, Pool> POOLS = new java.util.concurrent.ConcurrentHashMap<>();

  static Stream<PoolKind> kinds() {
    return PoolKind.all().stream();
  }

  private static Pool pool(PoolKind kind) {
    return POOLS.computeIfAbsent(kind.name(), k -> kind.create(1));
  }

  @AfterAll
  static void closePools() {
    POOLS.values().forEach(Pool::terminate);
  }

  /** An argument of each hostile kind, and what its description must contain. */
  enum Argument {
    THROWING_TO_STRING(new Hostile.ThrowingToString(), "Hostile$ThrowingToString@", "toString() threw UnsupportedOperationException"),
    RECURSIVE_TO_STRING(Hostile.Node.cycle(), "Hostile$Node@", "toString() threw StackOverflowError"),
    HUGE_LIST(HUGE, "[7, 7, 7", "... (20000000 elements)]"),
    LONG_STRING("x".repeat(100_000), "\"xxxx", "...\" (100000 chars)");

    final Object value;
    final String[] described;

    Argument(Object value, String... described) {
      this.value = value;
      this.described = described;
    }
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> kindsAndArguments() {
    return kinds().flatMap(kind -> Stream.of(Argument.values())
        .map(argument -> org.junit.jupiter.params.provider.Arguments.of(kind, argument)));
  }

  private static void assertDescribes(String message, Argument argument) {
    for (String part : argument.described) {
      assertTrue(message.contains(part), part + " in: " + message);
    }
    assertTrue(message.length() < 1_000, "a bounded message, got " + message.length() + " chars");
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("kindsAndArguments")
  void aFailedTaskIsDescribedSafelyWhateverItsArgument(PoolKind kind, Argument argument) {
    TaskFailedException failure = assertTimeoutPreemptively(BOUND,
        () -> assertThrows(TaskFailedException.class, () -> pool(kind).apply(HostileParallel.fail(argument.value))));
    assertDescribes(failure.getMessage(), argument);
    assertDescribes(failure.task(), argument);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("kindsAndArguments")
  void aFailureReachesItsCallbackWhateverItsArgument(PoolKind kind, Argument argument) throws Exception {
    CompletableFuture<ParallelException> failure = new CompletableFuture<>();
    pool(kind).applyAsync(HostileParallel.fail(argument.value)).onFailure(failure::complete);
    assertDescribes(failure.get(BOUND.toSeconds(), TimeUnit.SECONDS).getMessage(), argument);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("kindsAndArguments")
  void aResultTimeoutReturnsOnTimeWhateverTheArgument(PoolKind kind, Argument argument) {
    assumeFalse(kind.runsInCaller(), "a sequential pool's result is complete when applyAsync returns");
    try (Pool pool = kind.create(1)) {
      AsyncResult<String> held = pool.applyAsync(HostileParallel.hold(argument.value, 60_000));
      ResultTimeoutException timeout = assertTimeoutPreemptively(Duration.ofSeconds(5),
          () -> assertThrows(ResultTimeoutException.class, () -> held.get(Duration.ofMillis(100))));
      assertDescribes(timeout.getMessage(), argument);
      pool.terminate();
    }
  }

  @Test
  void aWorkerCrashIsDescribedSafely() {
    try (Pool pool = Parallel.processes(1)) {
      WorkerCrashedException crash = assertTimeoutPreemptively(BOUND, () -> assertThrows(
          WorkerCrashedException.class, () -> pool.apply(HostileParallel.halt(Hostile.Node.cycle()))));
      assertDescribes(crash.getMessage(), Argument.RECURSIVE_TO_STRING);
      assertEquals(1L, pool.apply(WorkParallel.cube(1)), "the pool replaced its worker");
    }
  }

  @Test
  void aTaskTimeoutIsDescribedSafely() {
    try (Pool pool = Parallel.processPool().workers(1).taskTimeout(Duration.ofMillis(300)).build()) {
      TaskTimeoutException timeout = assertTimeoutPreemptively(BOUND, () -> assertThrows(
          TaskTimeoutException.class,
          () -> pool.apply(HostileParallel.hold(new Hostile.ThrowingToString(), 60_000))));
      assertDescribes(timeout.getMessage(), Argument.THROWING_TO_STRING);
      assertEquals(8L, pool.apply(WorkParallel.cube(2)), "the pool replaced its worker");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aCallbackMayWaitOnItsOwnPoolOfOneWorker(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    CompletableFuture<Long> inner = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.cube(2))
        .onSuccess(v -> inner.complete(pool.apply(WorkParallel.cube(v.intValue()))));
    assertEquals(512L, inner.get(BOUND.toSeconds(), TimeUnit.SECONDS));

    CompletableFuture<Long> failureThenWait = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.failIf(1, 1))
        .onFailure(e -> failureThenWait.complete(pool.apply(WorkParallel.cube(3))));
    assertEquals(27L, failureThenWait.get(BOUND.toSeconds(), TimeUnit.SECONDS));

    CompletableFuture<Long> chained = pool.applyAsync(WorkParallel.cube(3)).toCompletableFuture()
        .thenApply(v -> pool.apply(WorkParallel.cube(v.intValue())));
    assertEquals(19_683L, chained.get(BOUND.toSeconds(), TimeUnit.SECONDS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aProgressListenerMayWaitOnItsOwnPoolOfOneWorker(PoolKind kind) throws Exception {
    Pool pool = kind.create(1);
    try {
      CompletableFuture<Long> inner = new CompletableFuture<>();
      pool.addProgressListener((ok, failed) -> {
        if (!inner.isDone()) {
          inner.complete(pool.apply(WorkParallel.cube(4)));
        }
      });
      assertEquals(List.of(1L, 8L), pool.map(WorkParallel::cube, List.of(1, 2)));
      assertEquals(64L, inner.get(BOUND.toSeconds(), TimeUnit.SECONDS));
    } finally {
      pool.terminate();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void callbacksRunOnThePoolsCallbackThread(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    CompletableFuture<String> success = new CompletableFuture<>();
    CompletableFuture<String> failure = new CompletableFuture<>();
    pool.applyAsync(WorkParallel.cube(2)).onSuccess(v -> success.complete(Thread.currentThread().getName()));
    pool.applyAsync(WorkParallel.failIf(1, 1)).onFailure(e -> failure.complete(Thread.currentThread().getName()));
    String expected = "parallelizable-callbacks (" + pool + ")";
    assertEquals(expected, success.get(BOUND.toSeconds(), TimeUnit.SECONDS));
    assertEquals(expected, failure.get(BOUND.toSeconds(), TimeUnit.SECONDS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aThrowingCallbackIsLoggedAndLaterCallbacksStillRun(PoolKind kind) throws Exception {
    Pool pool = pool(kind);
    try (CapturedLog log = new CapturedLog()) {
      AsyncResult<Long> first = pool.applyAsync(WorkParallel.cube(2));
      first.onSuccess(v -> {
        throw new IllegalStateException("callback bug");
      });
      CountDownLatch later = new CountDownLatch(3);
      first.onSuccess(v -> later.countDown());
      pool.applyAsync(WorkParallel.failIf(1, 1)).onFailure(e -> {
        throw new StackOverflowError("callback error");
      });
      pool.applyAsync(WorkParallel.failIf(1, 1)).onFailure(e -> later.countDown());
      pool.applyAsync(WorkParallel.cube(3)).onSuccess(v -> later.countDown());
      assertTrue(later.await(BOUND.toSeconds(), TimeUnit.SECONDS), "every later callback ran");
      log.awaitRecords(2);
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("onSuccess callback of Work.cube(2)")
          && m.contains("IllegalStateException: callback bug")), log.messages().toString());
      assertTrue(log.messages().stream().anyMatch(m -> m.contains("onFailure callback of Work.failIf(1, 1)")
          && m.contains("StackOverflowError: callback error")), log.messages().toString());
    }
    assertEquals(64L, pool.apply(WorkParallel.cube(4)), "the pool is unaffected");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void aThrowingProgressListenerIsLoggedAndTheOthersStillHear(PoolKind kind) throws Exception {
    Pool pool = kind.create(1);
    try (CapturedLog log = new CapturedLog()) {
      List<Integer> heard = new CopyOnWriteArrayList<>();
      pool.addProgressListener((ok, failed) -> {
        throw new IllegalStateException("listener bug");
      });
      pool.addProgressListener((ok, failed) -> heard.add(ok));
      pool.map(WorkParallel::cube, List.of(1, 2, 3), 1);
      org.awaitility.Awaitility.await().atMost(BOUND)
          .until(() -> heard.stream().mapToInt(Integer::intValue).sum() == 3);
      log.awaitRecords(1);
      assertTrue(log.messages().get(0).contains("listener bug"), log.messages().toString());
    } finally {
      pool.terminate();
    }
  }

  /** Captures what the callback thread logs, and keeps it off the console. */
  private static final class CapturedLog extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.parallelizable.callbacks");
    private final boolean parentHandlers = logger.getUseParentHandlers();
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    CapturedLog() {
      logger.setUseParentHandlers(false);
      logger.addHandler(this);
    }

    void awaitRecords(int count) {
      org.awaitility.Awaitility.await().atMost(BOUND).until(() -> records.size() >= count);
    }

    List<String> messages() {
      List<String> messages = new ArrayList<>();
      for (LogRecord record : records) {
        messages.add(record.getMessage());
      }
      return messages;
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      logger.removeHandler(this);
      logger.setUseParentHandlers(parentHandlers);
    }
  }
}
