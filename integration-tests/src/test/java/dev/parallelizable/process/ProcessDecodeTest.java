package dev.parallelizable.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Codec;
import dev.parallelizable.DecodeLimits;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.fixtures.Hostile;
import dev.parallelizable.fixtures.HostileParallel;
import dev.parallelizable.fixtures.Work;
import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Values that must not be decoded, sent to a worker as arguments and back as results: each fails
 * its task with a clear error within seconds, and the same worker goes on serving.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessDecodeTest {
  /** Generous: a rejection takes milliseconds, but the machine may be busy. */
  private static final Duration REJECTED_WITHIN = Duration.ofSeconds(20);

  private static Pool pool;
  private static long worker;

  @BeforeAll
  static void startPool() {
    pool = Parallel.processes(1);
    worker = pool.apply(WorkParallel.pid());
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  /** The failure of {@code task}, with its whole cause chain as text. */
  private static String failureOf(Task<?> task) {
    AsyncResult<?> result = pool.applyAsync(task);
    TaskFailedException failure = assertThrows(TaskFailedException.class, () -> result.get(REJECTED_WITHIN));
    StringBuilder text = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }

  private static void assertSameWorkerServes() {
    assertEquals(worker, pool.apply(WorkParallel.pid()), "the worker was left in service");
    assertEquals(27L, pool.apply(WorkParallel.cube(3)));
  }

  @Test
  void aResultWhoseDecodingBlocksStallsOnlyTheThreadThatReadsIt() throws Exception {
    Hostile.BlocksWhenRead.reading = new CountDownLatch(1);
    Hostile.BlocksWhenRead.gate = new CountDownLatch(1);
    try {
      AsyncResult<Object> blocked = pool.applyAsync(HostileParallel.returnBlocksWhenRead());
      CompletableFuture<Object> reader = CompletableFuture.supplyAsync(blocked::get);
      assertTrue(Hostile.BlocksWhenRead.reading.await(20, TimeUnit.SECONDS), "its reader decodes it");
      // The one worker answered; its next tasks run while the first result is still being read.
      assertEquals(27L, pool.applyAsync(WorkParallel.cube(3)).get(REJECTED_WITHIN));
      assertEquals(List.of(1L, 8L, 27L), pool.map(WorkParallel::cube, List.of(1, 2, 3)));
      assertFalse(reader.isDone(), "the first result is still being decoded");
      Hostile.BlocksWhenRead.gate.countDown();
      assertInstanceOf(Hostile.BlocksWhenRead.class, reader.get(20, TimeUnit.SECONDS));
    } finally {
      Hostile.BlocksWhenRead.gate.countDown();
    }
    assertSameWorkerServes();
  }

  @Test
  void aFailureWhoseDecodingBlocksStallsOnlyTheThreadThatReadsIt() throws Exception {
    Hostile.FailsWhenRead.reading = new CountDownLatch(1);
    Hostile.FailsWhenRead.gate = new CountDownLatch(1);
    try {
      AsyncResult<Object> blocked = pool.applyAsync(HostileParallel.throwBlocksWhenRead());
      CompletableFuture<TaskFailedException> reader =
          CompletableFuture.supplyAsync(() -> assertThrows(TaskFailedException.class, blocked::get));
      assertTrue(Hostile.FailsWhenRead.reading.await(20, TimeUnit.SECONDS), "its reader decodes it");
      // The one worker answered; its next tasks run while the first failure is still being read.
      assertEquals(27L, pool.applyAsync(WorkParallel.cube(3)).get(REJECTED_WITHIN));
      assertEquals(List.of(1L, 8L, 27L), pool.map(WorkParallel::cube, List.of(1, 2, 3)));
      assertFalse(reader.isDone(), "the first failure is still being decoded");
      Hostile.FailsWhenRead.gate.countDown();
      TaskFailedException failure = reader.get(20, TimeUnit.SECONDS);
      assertInstanceOf(Hostile.FailsWhenRead.class, failure.getCause());
      assertEquals("thrown in the worker", failure.getCause().getMessage());
      assertTrue(failure.getMessage().contains("Hostile.throwBlocksWhenRead()"), failure.getMessage());
    } finally {
      Hostile.FailsWhenRead.gate.countDown();
    }
    assertSameWorkerServes();
  }

  @Test
  void aNestedSetBombAsAnArgumentFailsItsTaskInTheWorker() {
    String failure = failureOf(WorkParallel.echo(new Work.Sealed(Work.nestedSetBomb(100))));
    assertTrue(failure.contains("Argument 1 of echo"), failure);
    assertTrue(failure.contains("maxCollectionWorkPerObject"), failure);
    assertSameWorkerServes();
  }

  @Test
  void aNestedSetBombAsAResultFailsItsTaskInTheCaller() {
    String failure = failureOf(WorkParallel.hostile("nestedSets"));
    assertTrue(failure.contains("Work.hostile"), failure);
    assertTrue(failure.contains("could not be decoded in the caller"), failure);
    assertTrue(failure.contains("maxCollectionWorkPerObject"), failure);
    assertSameWorkerServes();
  }

  @Test
  void aGadgetClassAsAnArgumentIsRejected() {
    String failure = failureOf(WorkParallel.echo(new javax.management.BadAttributeValueExpException("x")));
    assertTrue(failure.contains("javax.management.BadAttributeValueExpException"), failure);
    assertTrue(failure.contains("gadget"), failure);
    assertSameWorkerServes();
  }

  @Test
  void aGadgetClassAsAResultIsRejected() {
    String failure = failureOf(WorkParallel.hostile("gadget"));
    assertTrue(failure.contains("Work.hostile"), failure);
    assertTrue(failure.contains("belongs to a library known for deserialization gadgets"), failure);
    assertSameWorkerServes();
  }

  @Test
  void anAssertionErrorInReadObjectOfAResultFailsTheTaskAndLeavesTheWorker() {
    String failure = failureOf(WorkParallel.hostile("assertingRead"));
    assertTrue(failure.contains("Work.hostile"), failure);
    assertTrue(failure.contains("AssertionError: AssertingRead refuses to be read"), failure);
    assertSameWorkerServes();
  }

  @Test
  void anAssertionErrorInReadObjectOfAnArgumentFailsTheTaskAndLeavesTheWorker() {
    String failure = failureOf(WorkParallel.echo(new Work.AssertingRead()));
    assertTrue(failure.contains("AssertionError: AssertingRead refuses to be read"), failure);
    assertSameWorkerServes();
  }

  @Test
  void theWorkersDecodeWithinTheLimitsOfThePoolsCodec() {
    Pool limited =
        Parallel.processPool()
            .codec(Codec.serialization(DecodeLimits.defaults().withMaxBytes(10_000)))
            .build();
    try (limited) {
      AsyncResult<Object> result = limited.applyAsync(WorkParallel.echo(new long[][] {new long[2_000]}));
      TaskFailedException failure = assertThrows(TaskFailedException.class, () -> result.get(REJECTED_WITHIN));
      assertTrue(
          failure.getCause().getMessage().contains("Argument 1 of echo"), failure.getCause().getMessage());
      assertTrue(
          failure.getCause().getMessage().contains("maxBytes = 10000"), failure.getCause().getMessage());
      Object[] small = (Object[]) limited.apply(WorkParallel.echo(new long[][] {new long[1_000]}));
      assertEquals(1_000, ((long[]) small[0]).length);
    }
    assertEquals(2_000, ((long[][]) pool.apply(WorkParallel.echo(new long[][] {new long[2_000]})))[0].length);
  }

  /**
   * The limits bound what a few bytes can claim, not what a value carries: 300 MB, more than
   * 2<sup>28</sup> elements, cross both ways with the default limits, as a result in its frame and
   * as an argument in a shared file.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void anArrayOfThreeHundredMegabytesCrossesBothWaysByDefault() {
    int length = 300 << 20;
    try (Pool large = Parallel.processPool().workers(1).maxHeap("1500m").build()) {
      byte[] result = large.apply(WorkParallel.countingBytes(length));
      assertEquals(length, result.length);
      for (int i : new int[] {0, 1, 255, 256, length / 2 + 3, length - 1}) {
        assertEquals((byte) i, result[i], "byte " + i);
      }
      assertEquals(length, large.apply(WorkParallel.length(result)));
    }
  }
}
