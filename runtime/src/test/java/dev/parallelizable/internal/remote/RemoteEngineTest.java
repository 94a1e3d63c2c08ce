package dev.parallelizable.internal.remote;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.CrashPolicy;
import dev.parallelizable.Outcome;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerLostException;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dispatch engine alone, with a fake adapter whose workers are names and whose answers the test
 * gives by hand: no JVM, no network.
 */
@Timeout(value = 30, unit = SECONDS)
class RemoteEngineTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  /** Tasks the engine dispatches; they never run here (the fake workers answer by hand). */
  static final class Tasks {
    private static final TaskMethod<Long> CUBE = TaskMethod.of(
        (key, arguments) -> {
          throw new AssertionError("not run here");
        },
        "cube(int)", Tasks.class.getName(), "cube", "int x");
    private static final TaskMethod<Void> SET_MARKER = TaskMethod.of(
        (key, arguments) -> {
          throw new AssertionError("not run here");
        },
        "setMarker(java.lang.String)", Tasks.class.getName(), "setMarker", "java.lang.String value");

    static Task<Long> cube(int x) {
      return CUBE.bind(x);
    }

    static Task<Void> setMarker(String value) {
      return SET_MARKER.bind(value);
    }
  }

  /** A worker is a name; what the engine sends is recorded for the test to answer. */
  static final class FakeWorkers implements RemoteWorkers<String, Object> {
    final BlockingQueue<Sent> sent = new LinkedBlockingQueue<>();
    final List<String> stopped = new CopyOnWriteArrayList<>();
    final AtomicInteger poolStopped = new AtomicInteger();
    volatile RemoteDispatcher<String> engine;
    /** Tasks a lost worker had returned without sending their results, before the one it ran. */
    volatile int returnedUnsent;

    record Sent(String worker, Assignment<?> assignment) {}

    @Override
    public void attach(RemoteDispatcher<String> dispatcher) {
      engine = dispatcher;
    }

    @Override
    public Object encode(Task<?>[] tasks) {
      for (Task<?> task : tasks) {
        if (task.argumentCount() > 0 && "unencodable".equals(task.argument(0))) {
          throw new IllegalArgumentException("cannot encode " + task);
        }
      }
      return tasks;
    }

    @Override
    public void send(String worker, Assignment<Object> assignment) {
      sent.add(new Sent(worker, assignment));
    }

    @Override
    public void stop(String worker, boolean now) {
      stopped.add(worker + (now ? " killed" : " retired"));
      engine.gone(worker, null);
    }

    @Override
    public void abandon(String worker, Assignment<Object> assignment) {
      engine.returned(assignment); // as a cluster member does: the task is interrupted, the worker stays
    }

    @Override
    public int runningIndex(String worker, Assignment<Object> assignment) {
      return assignment.received() + returnedUnsent;
    }

    @Override
    public boolean timeoutStopsWorker() {
      return false;
    }

    @Override
    public String abandoned(String worker) {
      return "it was interrupted on " + worker;
    }

    @Override
    public WorkerLostException lost(String worker, Task<?> task, String position, String why) {
      return new WorkerLostException(task.toString(), worker, "Worker " + worker + " was lost running " + task + why, null);
    }

    @Override
    public void stopped() {
      poolStopped.incrementAndGet();
    }

    Sent next() throws InterruptedException {
      Sent next = sent.poll(BOUND.toSeconds(), SECONDS);
      if (next == null) {
        throw new AssertionError("nothing was sent within " + BOUND);
      }
      return next;
    }

    /** Answers every task of the assignment with its input's cube. */
    void answer(Sent sent) {
      answer(sent, -1);
    }

    /**
     * Answers every task of the assignment with its input's cube, saying that the worker spent
     * {@code nanos} on them (if not negative), as a worker process or a cluster member says.
     */
    void answer(Sent sent, long nanos) {
      Assignment<?> a = sent.assignment();
      for (int i = a.from(); i < a.to(); i++) {
        a.result(i, (long) Math.pow((Integer) a.tasks()[i].argument(0), 3));
      }
      if (nanos >= 0) {
        a.ranFor(nanos);
      }
      engine.answered(a);
    }
  }

  private static RemoteDispatcher<String> engine(FakeWorkers workers, RemoteSettings.Builder settings) {
    return RemoteDispatcher.create(settings.build(), workers);
  }

  /**
   * A map is cut by what the workers said a task cost, not by the round trip: answers that come
   * back tens of milliseconds after they were sent (a loaded machine) for tasks the worker ran in
   * nanoseconds must not cut the next map of that method into chunks of one.
   */
  @Test
  void aMapIsCutByTheTimeWorkersReportNotByTheRoundTrip() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    CompletableFuture<List<Long>> few = CompletableFuture.supplyAsync(() -> pool.map(Tasks::cube, List.of(1, 2)));
    for (int chunk = 0; chunk < 2; chunk++) { // two inputs on one worker: two chunks of one
      FakeWorkers.Sent sent = workers.next();
      Thread.sleep(30); // a slow round trip; nothing waits on this but the answer
      workers.answer(sent, 1);
    }
    assertEquals(List.of(1L, 8L), few.get(BOUND.toSeconds(), SECONDS));

    List<Integer> inputs = IntStream.rangeClosed(1, 400).boxed().collect(Collectors.toList());
    CompletableFuture<List<Long>> many = CompletableFuture.supplyAsync(() -> pool.map(Tasks::cube, inputs));
    FakeWorkers.Sent whole = workers.next();
    assertEquals(400, whole.assignment().to() - whole.assignment().from(),
        "one chunk per worker, as for a map measured to cost under a millisecond in all; a round trip"
            + " taken for the tasks' cost (30 ms each) would make chunks of one");
    workers.answer(whole, 400);
    assertEquals(400, many.get(BOUND.toSeconds(), SECONDS).size());
    pool.terminate();
  }

  /**
   * What applications hold is a {@link Pool} and nothing else: none of the adapter's callbacks is
   * a public method of it, so an application cannot report an answer or a lost worker.
   */
  @Test
  void thePoolHandedToApplicationsCarriesNoCallbackOfTheAdapter() {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1));
    Pool pool = engine.pool();
    assertSame(pool, engine.pool());
    assertSame(engine, workers.engine, "the adapter holds the dispatcher it was given");
    assertFalse(pool instanceof RemoteDispatcher, "the pool is not the dispatcher");
    Set<String> callbacks = Arrays.stream(RemoteDispatcher.class.getDeclaredMethods())
        .filter(method -> !Modifier.isStatic(method.getModifiers()) && !method.getName().equals("pool"))
        .map(Method::getName)
        .collect(Collectors.toSet());
    assertEquals(10, callbacks.size(), callbacks.toString());
    List<String> reachable = Arrays.stream(pool.getClass().getMethods())
        .map(Method::getName)
        .filter(callbacks::contains)
        .toList();
    assertEquals(List.of(), reachable, "callbacks reachable from the pool");
    assertEquals("test pool", pool.toString());
    pool.terminate();
  }

  @Test
  void aWorkerGetsAsManyAssignmentsAsItsCapacityAndTheRestWait() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 3));
    Pool pool = engine.pool();
    engine.ready("a", 2);
    engine.ready("b", 1);
    List<AsyncResult<Long>> results = List.of(
        pool.applyAsync(Tasks.cube(1)), pool.applyAsync(Tasks.cube(2)),
        pool.applyAsync(Tasks.cube(3)), pool.applyAsync(Tasks.cube(4)));
    FakeWorkers.Sent first = workers.next();
    FakeWorkers.Sent second = workers.next();
    FakeWorkers.Sent third = workers.next();
    assertNull(workers.sent.poll(), "the fourth waits: every worker is at its capacity");
    assertEquals(2, List.of(first, second, third).stream().filter(s -> s.worker().equals("a")).count());
    workers.answer(second);
    FakeWorkers.Sent fourth = workers.next();
    assertEquals(second.worker(), fourth.worker(), "the freed capacity takes the waiting chunk");
    workers.answer(first);
    workers.answer(third);
    workers.answer(fourth);
    for (int i = 0; i < 4; i++) {
      assertEquals((long) Math.pow(i + 1, 3), results.get(i).get(BOUND));
    }
  }

  @Test
  void aTaskLostWithItsWorkerRunsAgainWithinItsCrashPolicy() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 2).crashPolicy(CrashPolicy.retry(1)));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    engine.ready("b", 1);
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(3));
    FakeWorkers.Sent first = workers.next();
    engine.gone(first.worker(), new RuntimeException("crashed"));
    FakeWorkers.Sent again = workers.next();
    assertFalse(again.worker().equals(first.worker()), "sent to the worker that remains");
    assertFalse(first.assignment().isActive(), "the lost assignment is over");
    workers.answer(again);
    assertEquals(27L, result.get(BOUND));
  }

  @Test
  void aTaskLostMoreOftenThanItsCrashPolicyAllowsFailsNamingTheWorker() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 3).crashPolicy(CrashPolicy.retry(1)));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    engine.ready("b", 1);
    engine.ready("c", 1);
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(3));
    engine.gone(workers.next().worker(), null);
    String second = workers.next().worker();
    engine.gone(second, null);
    WorkerLostException lost = assertThrows(WorkerLostException.class, () -> result.get(BOUND));
    assertEquals(second, lost.worker());
    assertTrue(lost.getMessage().contains("lost with its worker 2 times, more than CrashPolicy.retry(1) allows"), lost.getMessage());
    assertNull(workers.sent.poll(), "not sent a third time");
  }

  @Test
  void underCrashPolicyFailTasksWhoseResultsWereLostWithTheWorkerFailAndAreNotSentAgain() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine =
        engine(workers, RemoteSettings.builder("test pool", 2).crashPolicy(CrashPolicy.fail()));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    engine.ready("b", 1);
    CompletableFuture<List<Outcome<Long>>> outcomes =
        CompletableFuture.supplyAsync(() -> pool.mapOutcomes(Tasks::cube, List.of(1, 2, 3, 4), 4));
    FakeWorkers.Sent chunk = workers.next();
    workers.returnedUnsent = 2; // it had returned cube(1) and cube(2), and was running cube(3)
    engine.gone(chunk.worker(), null);
    FakeWorkers.Sent rest = workers.next();
    assertEquals(3, rest.assignment().from(), "only the task that had not started is sent again");
    workers.answer(rest);
    List<Outcome<Long>> got = outcomes.get(BOUND.toSeconds(), SECONDS);
    for (int i : new int[] {0, 1}) {
      WorkerLostException lost = assertInstanceOf(WorkerLostException.class, got.get(i).failure());
      assertEquals("Tasks.cube(" + (i + 1) + ")", lost.task());
      assertTrue(lost.getMessage().contains(
          "it had returned, but its result was lost with the worker, and it is not run again under CrashPolicy.fail()"),
          lost.getMessage());
    }
    assertInstanceOf(WorkerLostException.class, got.get(2).failure());
    assertEquals(64L, got.get(3).value());
  }

  @Test
  void underCrashPolicyRetryTasksWhoseResultsWereLostRunAgainAsLossesOfTheirOwn() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine =
        engine(workers, RemoteSettings.builder("test pool", 3).crashPolicy(CrashPolicy.retry(1)));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    engine.ready("b", 1);
    engine.ready("c", 1);
    CompletableFuture<List<Outcome<Long>>> outcomes =
        CompletableFuture.supplyAsync(() -> pool.mapOutcomes(Tasks::cube, List.of(1, 2, 3), 3));
    workers.returnedUnsent = 1; // it had returned cube(1), and was running cube(2)
    engine.gone(workers.next().worker(), null);
    FakeWorkers.Sent again = workers.next();
    assertEquals(0, again.assignment().from(), "within the policy, the returned task runs again");
    engine.gone(again.worker(), null); // the same again: the result of cube(1) is lost a second time
    FakeWorkers.Sent last = workers.next();
    assertEquals(2, last.assignment().from(), "neither task lost twice is sent a third time");
    workers.answer(last);
    List<Outcome<Long>> got = outcomes.get(BOUND.toSeconds(), SECONDS);
    WorkerLostException returned = assertInstanceOf(WorkerLostException.class, got.get(0).failure());
    assertTrue(returned.getMessage().contains("it had returned, but its result was lost with the worker, and it was"
        + " lost with its worker 2 times, more than CrashPolicy.retry(1) allows"), returned.getMessage());
    WorkerLostException running = assertInstanceOf(WorkerLostException.class, got.get(1).failure());
    assertTrue(running.getMessage().contains("lost with its worker 2 times, more than CrashPolicy.retry(1) allows"),
        running.getMessage());
    assertEquals(27L, got.get(2).value());
  }

  @Test
  void queuedTasksFailWhenNoWorkerIsLeft() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1).crashPolicy(CrashPolicy.retry(1)));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    AsyncResult<Long> running = pool.applyAsync(Tasks.cube(1));
    AsyncResult<Long> queued = pool.applyAsync(Tasks.cube(2));
    engine.gone(workers.next().worker(), null);
    WorkerLostException lost = assertThrows(WorkerLostException.class, () -> running.get(BOUND));
    assertTrue(lost.getMessage().contains("no worker is left"), lost.getMessage());
    TaskFailedException failed = assertThrows(TaskFailedException.class, () -> queued.get(BOUND));
    assertTrue(failed.getCause().getMessage().contains("no worker is left"), failed.getCause().getMessage());
  }

  @Test
  void aTaskPastTheTimeoutFailsAndItsWorkerStaysWhenTheAdapterCanInterruptIt() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine =
        engine(workers, RemoteSettings.builder("test pool", 1).taskTimeout(Duration.ofMillis(100)));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(5));
    workers.next(); // never answered
    TaskTimeoutException timeout = assertThrows(TaskTimeoutException.class, () -> result.get(BOUND));
    assertTrue(timeout.getMessage().contains("100 ms") && timeout.getMessage().contains("interrupted on a"),
        timeout.getMessage());
    AsyncResult<Long> next = pool.applyAsync(Tasks.cube(2));
    workers.answer(workers.next());
    assertEquals(8L, next.get(BOUND));
  }

  @Test
  void anArgumentTheAdapterCannotEncodeFailsTheSubmitAndTheEngineGoesOn() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    assertThrows(IllegalArgumentException.class, () -> pool.applyAsync(Tasks.setMarker("unencodable")));
    AsyncResult<Long> next = pool.applyAsync(Tasks.cube(2));
    workers.answer(workers.next());
    assertEquals(8L, next.get(BOUND));
  }

  @Test
  void terminateCancelsPendingTasksStopsEveryWorkerAndReportsTheStopOnce() {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 2));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    engine.ready("b", 1);
    AsyncResult<Long> running = pool.applyAsync(Tasks.cube(1));
    AsyncResult<Long> queued = pool.applyAsync(Tasks.cube(2));
    AsyncResult<Long> waiting = pool.applyAsync(Tasks.cube(3));
    pool.terminate();
    for (AsyncResult<Long> result : List.of(running, queued, waiting)) {
      assertThrows(TaskCancelledException.class, () -> result.get(BOUND));
    }
    assertEquals(List.of("a killed", "b killed"), workers.stopped.stream().sorted().toList());
    assertTrue(engine.workers().isEmpty());
    assertEquals(1, workers.poolStopped.get());
  }

  @Test
  void shutdownLetsQueuedWorkFinishThenRetiresEachWorker() throws Exception {
    FakeWorkers workers = new FakeWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1));
    Pool pool = engine.pool();
    engine.ready("a", 1);
    AsyncResult<Long> first = pool.applyAsync(Tasks.cube(1));
    AsyncResult<Long> second = pool.applyAsync(Tasks.cube(2));
    pool.shutdown();
    assertTrue(workers.stopped.isEmpty(), "a worker with work stays");
    workers.answer(workers.next());
    workers.answer(workers.next());
    assertEquals(1L, first.get(BOUND));
    assertEquals(8L, second.get(BOUND));
    pool.join();
    assertEquals(List.of("a retired"), workers.stopped);
    await().atMost(BOUND).until(() -> workers.poolStopped.get() == 1);
  }
}
