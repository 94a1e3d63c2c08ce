package dev.parallelizable;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.fixtures.WorkParallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Behaviour particular to thread pools. */
@Timeout(30)
class ThreadPoolTest {
  private static final List<Integer> FIVE = List.of(1, 2, 3, 4, 5);

  @Test
  void aMapMeasuredToBeTinyRunsInTheCaller() {
    try (Pool pool = Parallel.threads(2)) {
      Set<String> first = Set.copyOf(pool.map(x -> WorkParallel.threadName(), FIVE));
      assertTrue(first.stream().allMatch(name -> name.startsWith("parallelizable-")), first.toString());
      Set<String> caller = Set.of(Thread.currentThread().getName());
      Set<String> warm = first;
      // The estimate blends each chunk's time; a cold JIT may need a few maps to settle.
      for (int map = 0; map < 50 && !warm.equals(caller); map++) {
        warm = Set.copyOf(pool.map(x -> WorkParallel.threadName(), FIVE));
      }
      assertEquals(caller, warm, "once measured, 5 trivial tasks run in the caller");
    }
  }

  @Test
  void anExplicitChunkSizeAlwaysUsesTheWorkers() {
    try (Pool pool = Parallel.threads(2)) {
      pool.map(x -> WorkParallel.threadName(), FIVE);
      Set<String> names = Set.copyOf(pool.map(x -> WorkParallel.threadName(), FIVE, 1));
      assertTrue(names.stream().allMatch(name -> name.startsWith("parallelizable-")), names.toString());
    }
  }

  @Test
  void slowTasksAreSpreadOneByOneOverTheWorkers() {
    try (Pool pool = Parallel.threads(2)) {
      List<Integer> eight = IntStream.range(0, 8).boxed().collect(Collectors.toList());
      pool.map(x -> WorkParallel.sleepMillis(25), eight);
      Set<String> names = Set.copyOf(pool.map(x -> WorkParallel.sleepMillis(25), List.of(1, 2)));
      assertEquals(2, names.size(), "two slow tasks go to two workers: " + names);
    }
  }

  /** The pools of this JVM's threads: platform threads, and virtual threads on JDK 21+. */
  static List<Named<IntFunction<ThreadPool>>> threadPools() {
    List<Named<IntFunction<ThreadPool>>> kinds = new ArrayList<>();
    kinds.add(Named.of("threads", Parallel::threads));
    if (Runtime.version().feature() >= 21) {
      kinds.add(Named.of("virtual threads", Parallel::virtualThreads));
    }
    return kinds;
  }

  @Test
  void aThreadFactoryMakesEveryWorkerThreadAndNoOther() throws Exception {
    AtomicInteger made = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(task, "mine-" + made.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    try (ThreadPool pool = Parallel.threadPool().threads(2).threadFactory(factory).build()) {
      Set<String> names = Set.copyOf(pool.map(x -> WorkParallel.sleepMillis(20), List.of(1, 2, 3, 4, 5, 6), 1));
      assertTrue(Set.of("mine-1", "mine-2").containsAll(names), names.toString());
      CompletableFuture<String> callbackThread = new CompletableFuture<>();
      pool.applyAsync(WorkParallel.cube(2)).onSuccess(v -> callbackThread.complete(Thread.currentThread().getName()));
      assertTrue(callbackThread.get(20, SECONDS).startsWith("parallelizable-callbacks"), "callbacks are the library's own");
      assertEquals(2, made.get(), "one thread per worker, no more");
    }
  }

  @Test
  void threadPoolOptionsAreCheckedAtOnceNamingTheOption() {
    IllegalArgumentException nullFactory =
        assertThrows(IllegalArgumentException.class, () -> Parallel.threadPool().threadFactory(null));
    assertEquals("threadFactory must not be null", nullFactory.getMessage());
    ThreadFactory factory = Thread::new;
    IllegalStateException twice = assertThrows(IllegalStateException.class,
        () -> Parallel.threadPool().threadFactory(factory).threadFactory(factory));
    assertEquals("threadFactory was already set to " + factory, twice.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Parallel.threadPool().threads(0));
    assertEquals("threads must be positive, got 0", none.getMessage());
  }

  @Test
  void aThreadFactoryThatFailsFailsTheSubmissionThatNeededAThreadAndThePoolGoesOn() {
    AtomicInteger calls = new AtomicInteger();
    ThreadFactory failsFirst = task -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("no thread for now");
      }
      return new Thread(task);
    };
    try (ThreadPool pool = Parallel.threadPool().threads(1).threadFactory(failsFirst).build()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pool.applyAsync(WorkParallel.cube(2)));
      assertEquals("no thread for now", refused.getMessage());
      assertEquals(27L, pool.apply(WorkParallel.cube(3)), "the next submission gets a thread");
      assertEquals(1, pool.stats().cancelled(), "the refused task is counted as cancelled");
    }
    ThreadFactory returnsNull = task -> null;
    try (ThreadPool pool = Parallel.threadPool().threads(1).threadFactory(returnsNull).build()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class, () -> pool.applyAsync(WorkParallel.cube(2)));
      assertTrue(refused.getMessage().startsWith("The threadFactory " + returnsNull + " returned null"), refused.getMessage());
    }
  }

  @ParameterizedTest
  @MethodSource("threadPools")
  void anExecutorServiceRunsRunnablesAndCallablesOnThePoolsThreads(IntFunction<ThreadPool> kind) throws Exception {
    try (ThreadPool pool = kind.apply(2)) {
      ExecutorService executor = pool.executorService();
      Future<String> name = executor.submit(() -> Thread.currentThread().getName());
      assertTrue(name.get(20, SECONDS).startsWith("parallelizable-"), name.get());
      List<Callable<Integer>> callables = List.of(() -> 1, () -> 2, () -> 3);
      List<Integer> results = new ArrayList<>();
      for (Future<Integer> future : executor.invokeAll(callables)) {
        results.add(future.get());
      }
      assertEquals(List.of(1, 2, 3), results);
      assertEquals(8L, CompletableFuture.supplyAsync(() -> 8L, executor).get(20, SECONDS));
      assertEquals(0, pool.stats().done(), "what the executor service ran is not a task of the pool");
    }
  }

  @ParameterizedTest
  @MethodSource("threadPools")
  void anExecutorServiceSharesThePoolsLifecycle(IntFunction<ThreadPool> kind) throws Exception {
    ThreadPool pool = kind.apply(2);
    ExecutorService executor = pool.executorService();
    CountDownLatch blocked = new CountDownLatch(2);
    CountDownLatch never = new CountDownLatch(1);
    Set<Thread> interrupted = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 2; i++) {
      executor.execute(() -> {
        blocked.countDown();
        try {
          never.await();
        } catch (InterruptedException e) {
          interrupted.add(Thread.currentThread());
        }
      });
    }
    assertTrue(blocked.await(20, SECONDS), "both threads run a blocking runnable");
    Runnable queued = () -> { };
    executor.execute(queued);
    AsyncResult<Long> queuedTask = pool.applyAsync(WorkParallel.cube(2));
    List<Runnable> neverStarted = executor.shutdownNow();
    assertEquals(1, neverStarted.size(), "the runnable submitted through the view that never started");
    assertSame(queued, neverStarted.get(0));
    assertTrue(pool.isShutdown());
    assertTrue(executor.isShutdown());
    assertTrue(executor.awaitTermination(20, SECONDS));
    assertTrue(executor.isTerminated());
    assertEquals(2, interrupted.size(), "shutdownNow interrupts the running runnables");
    assertTrue(queuedTask.isCancelled(), "the pool was terminated");
    assertThrows(RejectedExecutionException.class, () -> executor.execute(() -> { }));
    assertThrows(IllegalStateException.class, () -> pool.applyAsync(WorkParallel.cube(2)));
  }
}
