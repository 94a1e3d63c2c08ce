package dev.parallelizable;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of what a {@link Pool} has done and is doing, from {@link Pool#stats()}: task counts,
 * worker counts and one row per worker. Immutable and thread-safe; a snapshot never changes, so
 * take a new one to see progress.
 *
 * <p><b>Counts are of tasks</b>, and every task submitted is in exactly one of five states, so
 * {@code submitted == queued + running + completed + failed + cancelled} holds in every snapshot.
 * The counts are taken together, under one lock, and move at the granularity of a chunk (see
 * {@link Pool}'s batching): a task is {@code queued} until its chunk is handed to a worker, {@code
 * running} from then until the chunk is done (even while an earlier task of the same chunk runs),
 * and then {@code completed} (it returned), {@code failed} (it threw, timed out, was lost with its
 * worker, or its pool could not start a worker) or {@code cancelled} (it never ran to an outcome of
 * its own: cancelled before it started, skipped after an earlier failure of its chunk or map, or
 * failed by {@link Pool#terminate()}). An input whose task the function given to a map could not
 * build counts as a failed task. In a map that keeps going ({@link Pool#mapOutcomes} and its lazy
 * forms) every task is counted as its {@link Outcome} says: {@code completed} if it succeeded,
 * {@code failed} if it failed, {@code cancelled} if its failure is a {@link
 * TaskCancelledException}; so a {@code mapOutcomes} of 70 inputs of which 10 fail adds 70 to
 * {@code submitted}, 60 to {@code completed} and 10 to {@code failed}, on every kind of pool. When
 * a {@code map} returns, none of its tasks is queued or
 * running any more, and its workers' rows count its tasks; when it throws, its chunks that had not
 * started are cancelled, and those that had may still be finishing. A tiny map that a thread pool
 * runs in the calling thread is counted like any other, but in no worker's row.
 *
 * <p><b>Workers.</b> {@link #workers()} has a row per worker that is working for the pool now: a
 * pool thread once it has run a chunk, a worker JVM or a cluster member once it is ready. A worker
 * that left takes its row with it; the pool's totals keep what it did. {@link #workersLost()}
 * counts workers that left unexpectedly (a worker JVM that crashed or was killed for a timeout, a
 * cluster member that left while the pool used it); {@link #workersReplaced()} counts workers a
 * pool started in place of one that left or was recycled ({@code maxTasksPerWorker}).
 *
 * <p>Per kind of pool: the sequential pool has one worker, the calling thread; thread and
 * virtual-thread pools have their threads; a process pool its worker JVMs; a cluster pool the
 * members it uses. Thread pools never lose or replace a worker.
 *
 * @param pool the pool as its messages show it, e.g. {@code "process pool 1 (4 workers)"}, or
 *     {@code "process pool 'thumbnails' (4 workers)"} for a pool given a name
 * @param name the pool's name ({@link Pool#name()}), e.g. {@code "process pool 1"} or {@code
 *     "thumbnails"}: what a metrics system tags the pool's meters with
 * @param size the pool's size ({@link Pool#size()})
 * @param submitted tasks submitted since the pool was created
 * @param queued tasks waiting for a worker
 * @param running tasks whose chunk a worker is running
 * @param completed tasks that returned a result
 * @param failed tasks that failed
 * @param cancelled tasks that were cancelled or skipped
 * @param workersStarted workers that became ready since the pool was created
 * @param workersLost workers that left unexpectedly
 * @param workersReplaced workers started in place of one that left or was recycled
 * @param workers one row per worker working for the pool now, in the order they started
 */
public record PoolStats(
    String pool,
    String name,
    int size,
    long submitted,
    long queued,
    long running,
    long completed,
    long failed,
    long cancelled,
    long workersStarted,
    long workersLost,
    long workersReplaced,
    List<WorkerStats> workers) {

  /**
   * Checks and copies the components.
   *
   * @param pool the pool as its messages show it; not null
   * @param name the pool's name; not null
   * @param size the pool's size
   * @param submitted tasks submitted
   * @param queued tasks waiting for a worker
   * @param running tasks whose chunk a worker is running
   * @param completed tasks that returned a result
   * @param failed tasks that failed
   * @param cancelled tasks that were cancelled or skipped
   * @param workersStarted workers that became ready
   * @param workersLost workers that left unexpectedly
   * @param workersReplaced workers started in place of another
   * @param workers the rows of the workers; not null, copied
   */
  public PoolStats {
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(name, "name");
    workers = List.copyOf(workers);
  }

  /**
   * Tasks that are done: {@code completed + failed + cancelled}.
   *
   * @return the number of tasks with an outcome
   */
  public long done() {
    return completed + failed + cancelled;
  }

  /**
   * One line for a log or a console, e.g. {@code "process pool 1 (2 workers): 950/1000 done (3
   * failed, 0 cancelled), 40 running, 10 queued, 2 workers, 1 replaced"}.
   *
   * @return a summary of the counts
   */
  public String summary() {
    return pool + ": " + done() + "/" + submitted + " done (" + failed + " failed, " + cancelled
        + " cancelled), " + running + " running, " + queued + " queued, " + workers.size()
        + (workers.size() == 1 ? " worker" : " workers") + ", " + workersReplaced + " replaced";
  }

  /**
   * What one worker has done while it worked for the pool.
   *
   * @param name the worker's name: a thread's name, a worker JVM's name and pid, a cluster member's
   *     address
   * @param tasks tasks it ran to an outcome of their own (returned or threw)
   * @param busyTime the time it spent running chunks, up to the end of its last one
   * @param busy whether it is running a chunk now
   */
  public record WorkerStats(String name, long tasks, Duration busyTime, boolean busy) {
    /**
     * Checks the components.
     *
     * @param name the worker's name; not null
     * @param tasks tasks it ran
     * @param busyTime the time it spent running chunks; not null
     * @param busy whether it is running a chunk now
     */
    public WorkerStats {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(busyTime, "busyTime");
    }
  }
}
