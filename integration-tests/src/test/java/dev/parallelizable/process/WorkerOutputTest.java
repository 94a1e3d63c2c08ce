package dev.parallelizable.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.WorkerOutput;
import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where the output of workers goes: a consumer of lines, or nowhere, instead of the parent's streams. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkerOutputTest {

  @Test
  void aConsumerGetsEachLineOfBothStreamsPrefixedAndTheParentsStreamsGetNothing() {
    List<String> lines = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    try (Workers.Capture capture = new Workers.Capture();
        Pool pool =
            Parallel.processPool()
                .workers(1)
                .workerOutput(
                    WorkerOutput.lines(
                        line -> {
                          lines.add(line);
                          threads.add(Thread.currentThread().getName());
                        }))
                .build()) {
      assertEquals("hello", pool.apply(WorkParallel.print("hello")));
      await().atMost(Duration.ofSeconds(10)).until(() -> lines.size() >= 3);
      assertTrue(lines.stream().anyMatch(l -> l.matches("\\[worker-\\d+] hello")), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.matches("\\[worker-\\d+] raw hello")), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.matches("\\[worker-\\d+] err hello")), lines.toString());
      assertTrue(threads.stream().allMatch(t -> t.matches("parallelizable-worker-\\d+-std(out|err)")), threads.toString());
      assertFalse(capture.out().contains("hello"), capture.out());
      assertFalse(capture.err().contains("hello"), capture.err());
    }
  }

  @Test
  void aConsumerThatThrowsIsLoggedOnceAndGetsTheNextLines() {
    AtomicInteger calls = new AtomicInteger();
    List<String> kept = new CopyOnWriteArrayList<>();
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger("dev.parallelizable.WorkerOutput");
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    logger.setUseParentHandlers(false);
    try (Pool pool =
        Parallel.processPool()
            .workers(1)
            .workerOutput(
                WorkerOutput.lines(
                    line -> {
                      calls.incrementAndGet();
                      if (line.endsWith("boom")) {
                        throw new IllegalStateException("consumer failed on " + line);
                      }
                      kept.add(line);
                    }))
            .build()) {
      pool.apply(WorkParallel.announceAndSleep("boom", 0));
      pool.apply(WorkParallel.announceAndSleep("boom", 0));
      assertEquals("after", pool.apply(WorkParallel.print("after")));
      await().atMost(Duration.ofSeconds(10)).until(() -> kept.stream().anyMatch(l -> l.endsWith("] after")));
      assertTrue(calls.get() >= 3, "the consumer is called again after it threw");
      assertEquals(1, records.size(), "one report per stream");
      assertTrue(records.get(0).getMessage().contains("threw on a line of parallelizable-worker-"), records.get(0).getMessage());
      assertEquals("consumer failed on [worker-" , records.get(0).getThrown().getMessage().replaceAll("\\d+] boom$", ""));
    } finally {
      logger.removeHandler(handler);
      logger.setUseParentHandlers(true);
    }
  }

  @Test
  void discardDropsOutputAndTheWorkerCarriesOn() {
    try (Workers.Capture capture = new Workers.Capture();
        Pool pool = Parallel.processPool().workers(1).workerOutput(WorkerOutput.discard()).build()) {
      for (int i = 0; i < 5; i++) {
        assertEquals("dropped " + i, pool.apply(WorkParallel.print("dropped " + i)));
      }
      assertEquals(27L, pool.apply(WorkParallel.cube(3)));
      assertFalse(capture.out().contains("dropped"), capture.out());
      assertFalse(capture.err().contains("dropped"), capture.err());
    }
  }

  @Test
  void theOptionIsSetOnceAndNotNull() {
    IllegalStateException twice =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class,
            () -> Parallel.processPool().workerOutput(WorkerOutput.discard()).workerOutput(WorkerOutput.inherit()));
    assertEquals("workerOutput was already set to WorkerOutput.discard()", twice.getMessage());
    IllegalArgumentException none =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Parallel.processPool().workerOutput(null));
    assertEquals("workerOutput must not be null", none.getMessage());
  }
}
