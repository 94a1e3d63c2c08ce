package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How many tasks go into a chunk, from the count of inputs and the measured cost per task. */
class ChunkSizerTest {
  private static final int WORKERS = 2;

  @Test
  void anExplicitSizeIsUsedAsIs() {
    assertEquals(7, new ChunkSizer(7, 1_000, WORKERS, () -> 10).next());
  }

  @Test
  void aKnownCountWithoutEstimateMakesFourChunksPerWorker() {
    assertEquals(125, new ChunkSizer(0, 999, WORKERS, () -> -1).next());
  }

  @Test
  void aMapMeasuredToBeTinyGoesAsOneChunkPerWorker() {
    // 999 tasks of 500 ns: half a millisecond in all
    assertEquals(500, new ChunkSizer(0, 999, WORKERS, () -> 500).next());
  }

  @Test
  void aMapAboveTheSmallThresholdKeepsFourChunksPerWorker() {
    // 999 tasks of 2 µs: two milliseconds in all
    assertEquals(125, new ChunkSizer(0, 999, WORKERS, () -> 2_000).next());
  }

  @Test
  void slowTasksGetChunksOfAboutTheTargetDuration() {
    // 40 tasks of 50 ms: one per chunk, not five
    assertEquals(1, new ChunkSizer(0, 40, WORKERS, () -> 50_000_000).next());
    // 10,000 tasks of 100 µs: 200 make the 20 ms target, fewer than the 1,250 of balance
    assertEquals(200, new ChunkSizer(0, 10_000, WORKERS, () -> 100_000).next());
  }

  @Test
  void anUnknownCountStartsAtOneTaskAndGrowsAtMostFourfold() {
    AtomicLong measured = new AtomicLong(-1);
    ChunkSizer sizer = new ChunkSizer(0, -1, WORKERS, measured::get);
    assertEquals(1, sizer.next());
    measured.set(1_000);
    assertEquals(4, sizer.next());
    assertEquals(16, sizer.next());
    measured.set(10_000_000);
    assertEquals(2, sizer.next(), "tasks turned slow: back to the 20 ms target");
  }

  @Test
  void aChunkThatWouldLeaveOneInputBehindTakesIt() {
    ChunkSizer sizer = new ChunkSizer(0, 13, 1, () -> -1);
    assertEquals(4, sizer.next());
    assertEquals(4, sizer.next());
    assertEquals(5, sizer.next(), "4 would leave the 13th input to a chunk of its own");
  }

  @Test
  void tasksOfUnknownCostThatGetAChunkEachAreNotFolded() {
    ChunkSizer sizer = new ChunkSizer(0, 10, 10, () -> -1);
    for (int i = 0; i < 10; i++) {
      assertEquals(1, sizer.next(), "chunk " + i + ": ten tasks for ten workers, one each");
    }
  }

  @Test
  void slowTasksAreNotFoldedIntoAChunkThatIsFullAlready() {
    ChunkSizer sizer = new ChunkSizer(0, 2, 2, () -> 25_000_000);
    assertEquals(1, sizer.next());
    assertEquals(1, sizer.next());
  }

  @Test
  void anExplicitSizeMayLeaveOneBehind() {
    ChunkSizer sizer = new ChunkSizer(4, 5, 1, () -> -1);
    assertEquals(4, sizer.next());
    assertEquals(4, sizer.next());
  }
}
