package dev.parallelizable.internal.remote;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.EarlierRuns;
import dev.parallelizable.internal.Retries;
import dev.parallelizable.internal.UndecodedFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A chunk waiting in the engine's queue, or being run: its tasks, encoded once by the adapter, and
 * where its next assignment starts. The assignments of a chunk run one after the other, never at
 * the same time: a chunk is in the queue or in exactly one worker's slot. Guarded by the engine's
 * lock.
 *
 * <p>A task of the chunk may be <em>settled</em> before the chunk ends: in a chunk that keeps going,
 * its failure is final and the tasks after it still run. Assignments never include a settled task
 * ({@link #end}); {@link #from} never rests on one ({@link #skipSettled}). A task that failed and
 * is to run again under its retry policy makes the chunk <em>due</em> only at {@link
 * #notBeforeNanos}: it waits in the queue, skipped by the scheduler until then.
 */
final class Dispatch {
  final Chunk chunk;
  /** The tasks, or null for a batch encoded from its argument columns: see {@link #task(int)}. */
  private volatile Task<?>[] tasks;
  /** The number of tasks. */
  final int size;
  final Object encoded;
  /** The first task the next assignment runs. */
  int from;
  /** Whether {@link Chunk#start()} claimed the chunk. */
  boolean started;
  /** The worker last lost while it ran this chunk, or null. */
  Object lostWith;
  private int[] losses;
  /** Settled tasks (see above); null while there are none. */
  private boolean[] settled;
  /** The final failures of settled tasks, built once the lock is released; null entries: none. */
  private List<Settled> settledFailures;
  /** Failed runs of each task under its retry policy, and what they failed with; null if none. */
  private EarlierRuns<Supplier<ParallelException>>[] earlierRuns;
  /** When the next assignment may start (System.nanoTime()), if {@link #delayed}. */
  long notBeforeNanos;
  /** Whether the chunk waits in the queue for a retry's delay. */
  boolean delayed;
  /** When it last joined the queue (its dispatch, or the end of its last assignment). */
  long queuedSinceNanos = System.nanoTime();

  /** @param tasks the tasks {@code encoded} holds; null if it holds the chunk's argument columns */
  Dispatch(Chunk chunk, Task<?>[] tasks, Object encoded) {
    this.chunk = chunk;
    this.tasks = tasks;
    this.size = chunk.size();
    this.encoded = encoded;
  }

  /**
   * Task {@code index}: for a batch of argument columns, bound from its row when it is needed (to
   * name a failure, to find its retry policy), without calling the map's function, so also under
   * the engine's lock.
   */
  Task<?> task(int index) {
    Task<?>[] built = tasks;
    return built != null ? built[index] : chunk.task(index);
  }

  /** All the tasks, bound on first use for a batch of argument columns. */
  Task<?>[] tasks() {
    Task<?>[] built = tasks;
    if (built == null) {
      built = new Task<?>[size];
      for (int i = 0; i < size; i++) {
        built[i] = chunk.task(i);
      }
      tasks = built;
    }
    return built;
  }

  /** Counts a loss of task {@code index} with its worker and returns how many it has had. */
  int lost(int index) {
    if (losses == null) {
      losses = new int[size];
    }
    return ++losses[index];
  }

  /**
   * Counts a failed run of task {@code index} that is to run again, remembering its failure for the
   * final one, and returns how many failed runs it has had.
   */
  @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type cannot be created otherwise
  int failedRun(int index, Supplier<ParallelException> failure) {
    if (earlierRuns == null) {
      earlierRuns = new EarlierRuns[size];
    }
    if (earlierRuns[index] == null) {
      earlierRuns[index] = new EarlierRuns<>();
    }
    return earlierRuns[index].add(failure);
  }

  /** How many failed runs task {@code index} has had under its retry policy. */
  int failedRuns(int index) {
    return earlierRuns == null || earlierRuns[index] == null ? 0 : earlierRuns[index].count();
  }

  /**
   * The final failure of task {@code index}: {@code failure}, with the kept failures of its earlier
   * runs suppressed on it. Built outside the lock.
   */
  Supplier<ParallelException> withEarlierRuns(int index, Supplier<ParallelException> failure) {
    if (earlierRuns == null || earlierRuns[index] == null) {
      return failure;
    }
    List<Supplier<ParallelException>> earlier = earlierRuns[index].kept();
    return () -> {
      List<Throwable> thrown = new ArrayList<>(earlier.size());
      for (Supplier<ParallelException> run : earlier) {
        thrown.add(Retries.attempt(run.get()));
      }
      return Retries.withEarlier(failure.get(), thrown);
    };
  }

  /** Settles task {@code index}: its outcome is {@code failure} (null: already on the chunk). */
  void settle(int index, Supplier<ParallelException> failure) {
    if (settled == null) {
      settled = new boolean[size];
      settledFailures = new ArrayList<>(1);
    }
    settled[index] = true;
    if (failure != null) {
      settledFailures.add(new Settled(index, failure));
    }
  }

  /** Moves {@link #from} past settled tasks; false if no task is left to run. */
  boolean skipSettled() {
    while (settled != null && from < size && settled[from]) {
      from++;
    }
    return from < size;
  }

  /** One past the last task an assignment starting at {@link #from} may include: the next settled. */
  int end() {
    int end = from;
    while (end < size && (settled == null || !settled[end])) {
      end++;
    }
    return end;
  }

  /**
   * Records the failures of the settled tasks on the chunk, to be built where the chunk is read
   * ({@link UndecodedFailure}). Called once the lock is released, by the thread that completes the
   * chunk, before it completes it.
   */
  void recordSettled() {
    if (settledFailures != null) {
      for (Settled each : settledFailures) {
        chunk.failElement(each.index(), new UndecodedFailure(null, each.failure()));
      }
    }
  }

  private record Settled(int index, Supplier<ParallelException> failure) {}

  /** Empty for a chunk of one task, else where task {@code index} is in it. */
  String position(int index) {
    return size == 1 ? "" : " (task " + (index + 1) + " of " + size + " in its chunk)";
  }
}
