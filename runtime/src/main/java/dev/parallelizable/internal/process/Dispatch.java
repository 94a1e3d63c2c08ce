package dev.parallelizable.internal.process;

import dev.parallelizable.Task;
import dev.parallelizable.internal.Chunk;

/**
 * A chunk waiting in a process pool's queue, or being run: its tasks, encoded once, and where its
 * next request starts. A chunk runs as one request unless its tasks encode to more than {@link
 * ProcessPool#MAX_REQUEST_BYTES}, its worker is recycled within it, or the worker crashes and the
 * chunk is retried; the requests of a chunk run one after the other, never at the same time.
 * Guarded by the pool's lock.
 */
final class Dispatch {
  final Chunk chunk;
  final Task<?>[] tasks;
  final EncodedTasks encoded;
  /** The first task the next request runs. */
  int from;
  /** Whether {@link Chunk#start()} claimed the chunk. */
  boolean started;
  private int[] crashes;

  Dispatch(Chunk chunk, Task<?>[] tasks, EncodedTasks encoded) {
    this.chunk = chunk;
    this.tasks = tasks;
    this.encoded = encoded;
  }

  /** Counts a crash of task {@code index} and returns how many it has had. */
  int crashed(int index) {
    if (crashes == null) {
      crashes = new int[tasks.length];
    }
    return ++crashes[index];
  }
}
