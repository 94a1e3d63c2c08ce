package dev.parallelizable.internal.remote;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Pool;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.remote.RemoteEngineTest.Tasks;
import dev.parallelizable.internal.remote.WorkerSuccessionTest.StartingWorkers;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.StartTimeoutException;
import java.time.Duration;
import java.util.List;
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

  /**
   * Starts one worker under {@code settings}, reports it initializing if asked, and returns the
   * start failure its waiting task gets once the engine stopped it, and only it.
   */
  private static WorkerStartException startFailureUnder(RemoteSettings.Builder settings, boolean initializing)
      throws InterruptedException {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers, settings);
    Pool pool = engine.pool();
    AsyncResult<Long> waiting = pool.applyAsync(Tasks.cube(2));
    String worker = workers.nextLaunched();
    if (initializing) {
      engine.initializing(worker);
    }
    WorkerStartException failure = assertThrows(WorkerStartException.class, () -> waiting.get(BOUND));
    assertEquals(List.of("launched w1", "killed w1"), workers.events);
    assertNotNull(engine.broken(), "the pool is broken: it starts no more workers");
    pool.terminate();
    return failure;
  }

  /**
   * Starts one worker under {@code settings}, reports it initializing if asked, checks that the
   * engine leaves it alone for several ticks past {@link #SHORT}, then that it serves once ready.
   */
  private static void notStoppedUnder(RemoteSettings.Builder settings, boolean initializing) throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = engine(workers, settings);
    Pool pool = engine.pool();
    AsyncResult<Long> result = pool.applyAsync(Tasks.cube(2));
    String worker = workers.nextLaunched();
    if (initializing) {
      engine.initializing(worker);
    }
    await().during(SHORT.multipliedBy(3)).atMost(BOUND).until(() -> workers.events.equals(List.of("launched w1")));
    engine.ready(worker, 1);
    workers.answer(workers.nextSent());
    assertEquals(8L, result.get(BOUND));
    pool.terminate();
  }

  @Test
  void aWorkerNotReadyWithinTheStartTimeoutIsStoppedAndBreaksThePool() throws Exception {
    WorkerStartException failure = startFailureUnder(RemoteSettings.builder("test pool", 1).startTimeout(SHORT), false);
    StartTimeoutException timeout = assertInstanceOf(StartTimeoutException.class, failure.getCause(), failure.getMessage());
    assertFalse(timeout.initializing(), "the phase the adapter is told");
    assertTrue(failure.getMessage().contains("it was not ready within the start timeout of 200 ms"), failure.getMessage());
  }

  @Test
  void anInitializingWorkerIsHeldToTheInitializerTimeoutInstead() throws Exception {
    WorkerStartException failure = startFailureUnder(
        RemoteSettings.builder("test pool", 1).startTimeout(BOUND).initializerTimeout(SHORT), true);
    StartTimeoutException timeout = assertInstanceOf(StartTimeoutException.class, failure.getCause(), failure.getMessage());
    assertTrue(timeout.initializing(), "the phase the adapter is told");
    assertTrue(failure.getMessage().contains("its initializer did not return within the initializer timeout of 200 ms"),
        failure.getMessage());
  }

  @Test
  void theStartTimeoutNoLongerAppliesOnceTheWorkerRunsItsInitializer() throws Exception {
    notStoppedUnder(RemoteSettings.builder("test pool", 1).startTimeout(SHORT).initializerTimeout(BOUND), true);
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

    pool.shutdown(); // the idle worker is released; the fake adapter neither keeps nor stops it, so it never exits
    await().atMost(BOUND).until(() -> workers.events.contains("killed w1"));
    assertEquals(List.of("launched w1", "released w1", "killed w1"), workers.events);
    pool.join(); // returns once the worker is gone
  }

  @Test
  void withoutBoundsAStartingWorkerIsNeverStopped() throws Exception {
    notStoppedUnder(RemoteSettings.builder("test pool", 1).startTimeout(null), false);
  }
}
