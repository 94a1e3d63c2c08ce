package dev.parallelizable.internal;

import dev.parallelizable.TaskMethod;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one task of each method has cost on one pool, measured on completed chunks: the memory
 * that lets a warm pool size chunks well from the first one and run a map too small to pay for a
 * dispatch in the caller. Thread-safe; a lost update only makes an estimate a little older.
 */
final class TaskCosts {
  private final ConcurrentHashMap<TaskMethod<?>, Long> nanosPerTask = new ConcurrentHashMap<>();

  /** The estimated nanoseconds per task of {@code method}, or -1 if it never ran on this pool. */
  long estimate(TaskMethod<?> method) {
    Long nanos = method == null ? null : nanosPerTask.get(method);
    return nanos == null ? -1 : nanos;
  }

  void record(TaskMethod<?> method, int tasks, long nanos) {
    if (method != null && tasks > 0 && nanos > 0) {
      long sample = Math.max(1, nanos / tasks);
      // An even blend of old and new: follows a change in task cost within a few chunks.
      nanosPerTask.merge(method, sample, (old, now) -> (old + now) / 2);
    }
  }
}
