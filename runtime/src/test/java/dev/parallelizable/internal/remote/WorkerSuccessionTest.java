package dev.parallelizable.internal.remote;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerLostException;
import dev.parallelizable.internal.remote.RemoteEngineTest.Tasks;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine starts a worker's successor as soon as the worker is known to leave (given its last
 * task before recycling, timed out, its channel ended), not once it is gone; and hands only healthy
 * idle workers of a shut-down pool to the adapter to keep. A fake adapter whose workers are names
 * and whose events the test reports by hand: the order of events is observed, not timed.
 */
@Timeout(value = 30, unit = SECONDS)
class WorkerSuccessionTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  /** Starts workers named w1, w2, ...; records launches, stops and releases; reports nothing itself. */
  static final class StartingWorkers implements RemoteWorkers<String, Object> {
    final AtomicInteger created = new AtomicInteger();
    final BlockingQueue<String> launched = new LinkedBlockingQueue<>();
    final BlockingQueue<Assignment<?>> sent = new LinkedBlockingQueue<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile RemoteDispatcher<String> engine;

    @Override
    public void attach(RemoteDispatcher<String> dispatcher) {
      engine = dispatcher;
    }

    @Override
    public Object encode(Task<?>[] tasks) {
      return tasks;
    }

    @Override
    public String newWorker() {
      return "w" + created.incrementAndGet();
    }

    @Override
    public void launch(List<String> workers) {
      for (String worker : workers) {
        events.add("launched " + worker);
        launched.add(worker);
      }
    }

    @Override
    public void send(String worker, Assignment<Object> assignment) {
      sent.add(assignment);
    }

    @Override
    public void stop(String worker, boolean now) {
      events.add((now ? "killed " : "retired ") + worker);
      if (now) {
        engine.gone(worker, null); // terminate() waits for it
      }
    }

    @Override
    public void release(String worker) {
      events.add("released " + worker);
    }

    @Override
    public void abandon(String worker, Assignment<Object> assignment) {
      events.add("abandoned " + worker);
    }

    @Override
    public String abandoned(String worker) {
      return "its worker " + worker + " was killed";
    }

    @Override
    public WorkerLostException lost(String worker, Task<?> task, String position, String why) {
      return new WorkerLostException(task.toString(), worker, "lost " + task + " with " + worker + why, null);
    }

    String nextLaunched() throws InterruptedException {
      String worker = launched.poll(BOUND.toSeconds(), SECONDS);
      if (worker == null) {
        throw new AssertionError("no worker was launched within " + BOUND + "; events: " + events);
      }
      return worker;
    }

    Assignment<?> nextSent() throws InterruptedException {
      Assignment<?> assignment = sent.poll(BOUND.toSeconds(), SECONDS);
      if (assignment == null) {
        throw new AssertionError("nothing was sent within " + BOUND + "; events: " + events);
      }
      return assignment;
    }

    void answer(Assignment<?> a) {
      for (int i = a.from(); i < a.to(); i++) {
        a.result(i, (long) Math.pow((Integer) a.tasks()[i].argument(0), 3));
      }
      engine.answered(a);
    }
  }

  private static RemoteDispatcher<String> engine(StartingWorkers workers, RemoteSettings.Builder settings) {
    return RemoteDispatcher.create(settings.startsWorkers(1).build(), workers);
  }

  @Test
  void theSuccessorOfARecycledWorkerStartsWhenItIsGivenItsLastTask() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1).maxTasksPerWorker(2));
    Pool pool = engine.pool();
    engine.ready(workers.nextLaunched(), 1);
    AsyncResult<Long> first = pool.applyAsync(Tasks.cube(1));
    workers.answer(workers.nextSent());
    assertEquals(1L, first.get(BOUND));
    assertNull(workers.launched.poll(), "one task left: no successor yet");

    AsyncResult<Long> second = pool.applyAsync(Tasks.cube(2));
    AsyncResult<Long> third = pool.applyAsync(Tasks.cube(3));
    Assignment<?> last = workers.nextSent();
    assertEquals("w2", workers.nextLaunched(), "the successor starts while w1 runs its last task");
    assertEquals(List.of("launched w1", "launched w2"), workers.events, "w1 was not stopped yet");
    assertNull(workers.launched.poll(), "never more than one successor for one worker");

    workers.answer(last);
    assertEquals(8L, second.get(BOUND));
    assertTrue(workers.events.contains("retired w1"), workers.events.toString());
    engine.gone("w1", null);
    assertNull(workers.launched.poll(), "w1 gone: its successor already started, no other");
    engine.ready("w2", 1);
    workers.answer(workers.nextSent());
    assertEquals(27L, third.get(BOUND));
    pool.terminate();
  }

  @Test
  void theReplacementOfATimedOutWorkerStartsBeforeItIsKilled() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine =
        engine(workers, RemoteSettings.builder("test pool", 1).taskTimeout(Duration.ofMillis(50)));
    Pool pool = engine.pool();
    engine.ready(workers.nextLaunched(), 1);
    AsyncResult<Long> stuck = pool.applyAsync(Tasks.cube(1));
    workers.nextSent(); // never answered
    assertEquals("w2", workers.nextLaunched());
    await().atMost(BOUND).until(() -> workers.events.contains("abandoned w1"));
    assertTrue(workers.events.indexOf("launched w2") < workers.events.indexOf("abandoned w1"),
        "launched before the kill: " + workers.events);
    engine.gone("w1", null);
    assertThrows(TaskTimeoutException.class, () -> stuck.get(BOUND));
    assertNull(workers.launched.poll(), "the killed worker is not replaced twice");
    pool.terminate();
  }

  @Test
  void theReplacementOfATimedOutWorkerStartsAlsoWhenOtherWorkersAreWatched() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = RemoteDispatcher.create(RemoteSettings.builder("test pool", 2)
        .startsWorkers(2).taskTimeout(Duration.ofMillis(50)).build(), workers);
    Pool pool = engine.pool();
    engine.ready(workers.nextLaunched(), 1);
    engine.ready(workers.nextLaunched(), 1);
    AsyncResult<Long> stuck = pool.applyAsync(Tasks.cube(1));
    workers.nextSent(); // never answered
    assertEquals("w3", workers.nextLaunched(), "the replacement starts while w2 is watched too");
    // the replacement is launched first, then the stuck assignment abandoned, on the watchdog's thread
    await().atMost(BOUND).until(() -> workers.events.stream().anyMatch(e -> e.startsWith("abandoned ")));
    assertNull(workers.launched.poll(), "one replacement");
    pool.terminate();
    assertThrows(RuntimeException.class, () -> stuck.get(BOUND));
  }

  @Test
  void aWorkerKnownToLeaveIsReplacedBeforeItIsGoneAndItsTaskRunsOnTheReplacement() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1)
        .crashPolicy(dev.parallelizable.CrashPolicy.retry(1)));
    Pool pool = engine.pool();
    engine.ready(workers.nextLaunched(), 1);
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(4));
    workers.nextSent();
    engine.leaving("w1"); // its channel ended; the process is still being reaped
    assertEquals("w2", workers.nextLaunched());
    engine.leaving("w1");
    engine.gone("w1", new RuntimeException("crashed"));
    assertNull(workers.launched.poll(), "replaced once");
    engine.ready("w2", 1);
    workers.answer(workers.nextSent());
    assertEquals(64L, result.get(BOUND));
    pool.terminate();
  }

  @Test
  void aShutDownPoolReleasesItsIdleWorkersButRetiresARecycledOne() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = RemoteDispatcher.create(
        RemoteSettings.builder("test pool", 2).startsWorkers(2).maxTasksPerWorker(1).build(), workers);
    Pool pool = engine.pool();
    engine.ready(workers.nextLaunched(), 1);
    engine.ready(workers.nextLaunched(), 1);
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(2));
    Assignment<?> only = workers.nextSent();
    assertEquals("w3", workers.nextLaunched(), "the successor of the worker given its one task");
    pool.shutdown();
    workers.answer(only);
    assertEquals(8L, result.get(BOUND));
    engine.ready("w3", 1);
    List<String> stops = workers.events.stream().filter(e -> !e.startsWith("launched")).toList();
    assertEquals(3, stops.size(), workers.events.toString());
    assertEquals(1, stops.stream().filter(e -> e.startsWith("retired ")).count(), "the recycled one: " + stops);
    assertEquals(2, stops.stream().filter(e -> e.startsWith("released ")).count(), "the idle ones: " + stops);
    for (String worker : List.of("w1", "w2", "w3")) {
      engine.gone(worker, null);
    }
    pool.join();
  }
}
