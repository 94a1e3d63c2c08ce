package dev.parallelizable.internal;

/**
 * Chooses how many tasks go into the next chunk of a map.
 *
 * <p>An explicit size is used as is. Otherwise, when the number of inputs is known, chunks start at
 * {@code ceil(n / (4 * workers))} (Python's {@code Pool.map} default), so each worker gets about four
 * chunks to balance uneven tasks. When it is not known, chunks start at one task and grow, from the
 * measured time per task, toward {@link #TARGET_CHUNK_NANOS} of work (joblib's {@code
 * batch_size='auto'}), and shrink again when tasks turn slow.
 *
 * <p>Used by one map from one thread, apart from {@link #record}, which workers may call: its
 * fields are plain and the estimate tolerates a lost update.
 */
final class ChunkSizer {
  /** Long enough to amortise a dispatch (microseconds), short enough to balance load. */
  static final long TARGET_CHUNK_NANOS = 20_000_000L;

  private static final int MAX_GROWTH = 4;
  private static final int MAX_CHUNK = 1 << 16;

  private final int fixed;
  private final long known;
  private final int workers;
  private volatile long nanosPerTask = -1;
  private int last = 1;

  ChunkSizer(int explicit, long knownCount, int workers) {
    this.fixed = explicit;
    this.known = knownCount;
    this.workers = workers;
  }

  int next() {
    if (fixed > 0) {
      return fixed;
    }
    if (known >= 0) {
      return (int) Math.max(1, Math.min(MAX_CHUNK, (known + 4L * workers - 1) / (4L * workers)));
    }
    long perTask = nanosPerTask;
    if (perTask < 0) {
      return 1;
    }
    long ideal = Math.max(1, TARGET_CHUNK_NANOS / Math.max(1, perTask));
    last = (int) Math.max(1, Math.min(Math.min(MAX_CHUNK, ideal), (long) last * MAX_GROWTH));
    return last;
  }

  void record(int tasks, long nanos) {
    if (tasks > 0 && nanos > 0) {
      long sample = nanos / tasks;
      long previous = nanosPerTask;
      nanosPerTask = previous < 0 ? sample : (previous + sample) / 2;
    }
  }
}
