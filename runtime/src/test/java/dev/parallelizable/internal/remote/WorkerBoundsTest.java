package dev.parallelizable.internal.remote;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Pool;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.remote.RemoteEngineTest.Tasks;
import dev.parallelizable.internal.remote.WorkerSuccessionTest.StartingWorkers;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every bound on a worker's life is the engine's, enforced on the watchdog's tick: a worker that
 * is not ready within the start timeout, runs its initializer past the initializer timeout, or
 * outlives the shutdown timeout once asked to stop, is stopped at once. The fake adapter's workers
 * are names; nothing starts.
 */
@Timeout(value = 30, unit = SECONDS)
class WorkerBoundsTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final Duration SHORT = Duration.ofMillis(200);

  private static RemoteDispatcher<String> engine(StartingWorkers workers, RemoteSettings.Builder settings) {
    return RemoteDispatcher.create(settings.startsWorkers(1).build(), workers);
  }

  @Test
  void aWorkerNotReadyWithinTheStartTimeoutIsStoppedAndBreaksThePool() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1).startTimeout(SHORT));
    Pool pool = engine.pool();
    AsyncResult<Long> waiting = pool.applyAsync(Tasks.cube(2));
    assertEquals("w1", workers.nextLaunched());

    WorkerStartException failure = assertThrows(WorkerStartException.class, () -> waiting.get(BOUND));
    assertEquals(List.of("launched w1", "killed w1"), workers.events);
    assertInstanceOf(TimeoutException.class, failure.getCause(), failure.getMessage());
    assertTrue(failure.getMessage().contains("it was not ready within the start timeout of 200 ms"), failure.getMessage());
    assertTrue(engine.broken() != null, "the pool is broken: it starts no more workers");
    pool.terminate();
  }

  @Test
  void anInitializingWorkerIsHeldToTheInitializerTimeoutInstead() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers,
        RemoteSettings.builder("test pool", 1).startTimeout(BOUND).initializerTimeout(SHORT));
    Pool pool = engine.pool();
    AsyncResult<Long> waiting = pool.applyAsync(Tasks.cube(2));
    engine.initializing(workers.nextLaunched());

    WorkerStartException failure = assertThrows(WorkerStartException.class, () -> waiting.get(BOUND));
    assertEquals(List.of("launched w1", "killed w1"), workers.events);
    assertTrue(failure.getMessage().contains("its initializer did not return within the initializer timeout of 200 ms"),
        failure.getMessage());
    pool.terminate();
  }

  @Test
  void theStartTimeoutNoLongerAppliesOnceTheWorkerRunsItsInitializer() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers,
        RemoteSettings.builder("test pool", 1).startTimeout(SHORT).initializerTimeout(BOUND));
    Pool pool = engine.pool();
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(2));
    String worker = workers.nextLaunched();
    engine.initializing(worker);

    // Several ticks past the start timeout: the initializer's bound, not the start's, holds it.
    await().during(SHORT.multipliedBy(3)).atMost(BOUND).until(() -> workers.events.equals(List.of("launched w1")));
    engine.ready(worker, 1);
    workers.answer(workers.nextSent());
    assertEquals(8L, result.get(BOUND));
    pool.terminate();
  }

  @Test
  void aRetiringWorkerThatOutlivesTheShutdownTimeoutIsStoppedAtOnce() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1).shutdownTimeout(SHORT));
    Pool pool = engine.pool();
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(3));
    engine.ready(workers.nextLaunched(), 1);
    workers.answer(workers.nextSent());
    assertEquals(27L, result.get(BOUND));

    pool.shutdown(); // the idle worker is released; the fake adapter retires it, and it never exits
    await().atMost(BOUND).until(() -> workers.events.contains("killed w1"));
    assertEquals(List.of("launched w1", "released w1", "killed w1"), workers.events);
    pool.join(); // returns once the worker is gone
  }

  @Test
  void withoutBoundsAStartingWorkerIsNeverStopped() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers, RemoteSettings.builder("test pool", 1).startTimeout(null));
    Pool pool = engine.pool();
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(4));
    String worker = workers.nextLaunched();
    await().during(SHORT.multipliedBy(3)).atMost(BOUND).until(() -> workers.events.equals(List.of("launched w1")));
    engine.ready(worker, 1);
    workers.answer(workers.nextSent());
    assertEquals(64L, result.get(BOUND));
    pool.terminate();
  }
}
