package dev.parallelizable.internal;

import java.util.function.LongSupplier;

/**
 * Chooses how many tasks go into the next chunk of a map.
 *
 * <p>An explicit size is used as is. Otherwise the aim is chunks of about {@link
 * #TARGET_CHUNK_NANOS} of work, long enough to amortise a dispatch (microseconds for threads, tens
 * of microseconds for processes) and short enough to balance load:
 *
 * <ul>
 *   <li>when the number of inputs {@code n} is known, at most {@code ceil(n / (4 * workers))}
 *       (Python's {@code Pool.map} default: about four chunks per worker to balance uneven tasks),
 *       and fewer when the measured cost per task says that would exceed the target; a map
 *       measured to cost less than {@link #SMALL_MAP_NANOS} in all goes as one chunk per worker;
 *       a chunk that would leave one input behind takes it too, unless its tasks are measured to
 *       fill the target already or it holds a single task of unknown cost (ten naps on ten workers
 *       would otherwise run two on one worker), since a chunk of one costs a dispatch of its own
 *       and runs outside the batch loop;
 *   <li>when it is not known, chunks start at one task (or at the pool's estimate from earlier
 *       maps) and grow at most fourfold per chunk toward the target, and shrink when tasks turn
 *       slow (joblib's {@code batch_size='auto'}).
 * </ul>
 *
 * <p>The cost per task is read from the pool's {@link TaskCosts} at every chunk, so a map follows
 * what its own completed chunks measured. Used by the map's thread only.
 */
final class ChunkSizer {
  static final long TARGET_CHUNK_NANOS = 20_000_000L;
  /** A map whose tasks are measured to cost this much in all is cut into one chunk per worker. */
  static final long SMALL_MAP_NANOS = 1_000_000L;

  private static final int MAX_GROWTH = 4;
  private static final int MAX_CHUNK = 1 << 17;

  private final int fixed;
  private final long known;
  private final int workers;
  private final LongSupplier nanosPerTask;
  private int last = 1;
  /** How many inputs the chunks sized so far hold, when the count is known. */
  private long sized;

  /**
   * @param explicit the caller's chunk size, or 0
   * @param knownCount the number of inputs, or -1 if unknown
   * @param nanosPerTask the measured nanoseconds per task, or -1 while nothing is measured
   */
  ChunkSizer(int explicit, long knownCount, int workers, LongSupplier nanosPerTask) {
    this.fixed = explicit;
    this.known = knownCount;
    this.workers = workers;
    this.nanosPerTask = nanosPerTask;
  }

  int next() {
    if (fixed > 0) {
      return fixed;
    }
    long perTask = nanosPerTask.getAsLong();
    long ideal = perTask <= 0 ? -1 : Math.max(1, TARGET_CHUNK_NANOS / perTask);
    if (known >= 0) {
      // Four chunks per worker balance uneven tasks, but when the whole map is measured to be
      // tiny each extra chunk costs more (a round trip to a worker process) than balance saves.
      int chunksPerWorker = perTask > 0 && known * perTask <= SMALL_MAP_NANOS ? 1 : 4;
      long balanced =
          Math.max(1, (known + (long) chunksPerWorker * workers - 1) / ((long) chunksPerWorker * workers));
      int size = (int) Math.min(MAX_CHUNK, ideal < 0 ? balanced : Math.min(balanced, ideal));
      // A chunk that would leave one input behind takes it, unless that doubles a task's time
      // (chunks of one task of unknown cost: each may run on a worker of its own) or its tasks
      // fill the target already.
      if (known - sized - size == 1 && (ideal < 0 ? size > 1 : ideal > size)) {
        size++;
      }
      sized += size;
      return size;
    }
    if (ideal < 0) {
      return last;
    }
    last = (int) Math.max(1, Math.min(Math.min(MAX_CHUNK, ideal), (long) last * MAX_GROWTH));
    return last;
  }
}
