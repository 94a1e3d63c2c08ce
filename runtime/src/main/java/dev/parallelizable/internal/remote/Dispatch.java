package dev.parallelizable.internal.remote;

import dev.parallelizable.Task;
import dev.parallelizable.internal.Chunk;

/**
 * A chunk waiting in the engine's queue, or being run: its tasks, encoded once by the adapter, and
 * where its next assignment starts. The assignments of a chunk run one after the other, never at
 * the same time: a chunk is in the queue or in exactly one worker's slot. Guarded by the engine's
 * lock.
 */
final class Dispatch {
  final Chunk chunk;
  final Task<?>[] tasks;
  final Object encoded;
  /** The first task the next assignment runs. */
  int from;
  /** Whether {@link Chunk#start()} claimed the chunk. */
  boolean started;
  /** The worker last lost while it ran this chunk, or null. */
  Object lostWith;
  private int[] losses;
  /** When it last joined the queue (its dispatch, or the end of its last assignment). */
  long queuedSinceNanos = System.nanoTime();

  Dispatch(Chunk chunk, Task<?>[] tasks, Object encoded) {
    this.chunk = chunk;
    this.tasks = tasks;
    this.encoded = encoded;
  }

  /** Counts a loss of task {@code index} with its worker and returns how many it has had. */
  int lost(int index) {
    if (losses == null) {
      losses = new int[tasks.length];
    }
    return ++losses[index];
  }

  /** Empty for a chunk of one task, else where task {@code index} is in it. */
  String position(int index) {
    return tasks.length == 1 ? "" : " (task " + (index + 1) + " of " + tasks.length + " in its chunk)";
  }
}
