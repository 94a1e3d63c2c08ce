package dev.parallelizable.internal.remote;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Pool;
import dev.parallelizable.internal.remote.RemoteEngineTest.Tasks;
import dev.parallelizable.internal.remote.WorkerSuccessionTest.StartingWorkers;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An engine whose workers start on demand starts one when a task is queued and no worker is free
 * to take it, never more than its size; one that starts them at once starts them all on creation.
 */
@Timeout(value = 30, unit = SECONDS)
class WorkersOnDemandTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @Test
  void aWorkerStartsForEachTaskNoWorkerIsFreeToTakeUpToTheSize() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = RemoteDispatcher.create(
        RemoteSettings.builder("test pool", 3).startsWorkers(3).startsWorkersOnDemand(true).build(), workers);
    Pool pool = engine.pool();
    assertEquals(0, workers.created.get(), "no task, no worker");

    AsyncResult<Long> first = pool.applyAsync(Tasks.cube(2));
    assertEquals("w1", workers.nextLaunched());
    assertNull(workers.launched.poll(), "one task, one worker");
    engine.ready("w1", 1);
    Assignment<?> running = workers.nextSent();
    workers.answer(running);
    assertEquals(8L, first.get(BOUND));

    AsyncResult<Long> second = pool.applyAsync(Tasks.cube(3));
    Assignment<?> onTheIdleWorker = workers.nextSent();
    assertNull(workers.launched.poll(), "an idle worker takes the task: no new worker");

    List<AsyncResult<Long>> waiting = List.of(
        pool.applyAsync(Tasks.cube(4)), pool.applyAsync(Tasks.cube(5)), pool.applyAsync(Tasks.cube(6)));
    assertEquals("w2", workers.nextLaunched());
    assertEquals("w3", workers.nextLaunched());
    assertNull(workers.launched.poll(), "never more workers than the size: " + workers.events);
    assertEquals(3, workers.created.get());

    workers.answer(onTheIdleWorker);
    assertEquals(27L, second.get(BOUND));
    engine.ready("w2", 1);
    engine.ready("w3", 1);
    for (int i = 0; i < 3; i++) {
      workers.answer(workers.nextSent());
    }
    assertEquals(List.of(64L, 125L, 216L), List.of(
        waiting.get(0).get(BOUND), waiting.get(1).get(BOUND), waiting.get(2).get(BOUND)));
    pool.terminate();
  }

  @Test
  void byDefaultEveryWorkerStartsWhenTheEngineIsCreated() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = RemoteDispatcher.create(
        RemoteSettings.builder("test pool", 3).startsWorkers(3).build(), workers);
    Pool pool = engine.pool();
    assertEquals(List.of("w1", "w2", "w3"),
        List.of(workers.nextLaunched(), workers.nextLaunched(), workers.nextLaunched()));
    assertNull(workers.launched.poll());
    pool.terminate();
  }

  @Test
  void anEngineOnDemandThatIsGivenNoTaskShutsDownWithoutStartingAWorker() throws Exception {
    StartingWorkers workers = new StartingWorkers();
    RemoteDispatcher<String> engine = RemoteDispatcher.create(
        RemoteSettings.builder("test pool", 2).startsWorkers(2).startsWorkersOnDemand(true).build(), workers);
    Pool pool = engine.pool();
    pool.shutdown();
    pool.join();
    assertEquals(0, workers.created.get());
    assertEquals(List.of(), workers.events);
  }
}
