package dev.parallelizable.spi;

import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.WorkerLostException;
import dev.parallelizable.WorkerStartException;
import java.util.List;

/**
 * A remote pool's workers as the dispatch engine sees them: implemented by the adapter of a kind of
 * worker (a JVM of the pool's own, a cluster member), called by the engine.
 *
 * <p><b>Threads.</b> {@link #encode} runs in the thread that submits tasks. Methods documented as
 * called under the engine's lock must be quick and must not call back into the {@link
 * RemoteDispatcher}; the others are called with no lock held and may. An adapter must never call
 * the dispatcher while it holds a lock of its own that these methods take.
 *
 * @param <W> the adapter's handle on one worker; compared with {@code equals}
 * @param <E> the adapter's encoded chunk, which the engine hands back in {@link
 *     Assignment#encoded()}
 */
public interface RemoteWorkers<W, E> {
  /**
   * Called once, first, with the dispatcher this adapter reports to: before the engine starts or
   * sends anything.
   *
   * @param dispatcher the engine, to report to
   */
  default void attach(RemoteDispatcher<W> dispatcher) {}

  /**
   * Encodes the tasks of a chunk, in the submitting thread.
   *
   * @param tasks the chunk's tasks
   * @return the encoded chunk, which the engine passes back in {@link Assignment#encoded()}
   * @throws IllegalArgumentException naming the method, the parameter and its type, if an argument
   *     cannot be encoded: the submit fails and nothing is sent
   */
  E encode(Task<?>[] tasks);

  /**
   * Whether the adapter also encodes a chunk of calls of one method as its argument columns
   * ({@link #encodeColumns}); false by default. The engine then never builds a {@link Task} per
   * call of such a chunk, unless a failure must name one ({@link Assignment#task(int)}).
   *
   * @return true if {@link #encodeColumns} is implemented
   */
  default boolean encodesColumns() {
    return false;
  }

  /**
   * Encodes {@code count} calls of {@code method}, in the submitting thread, from their arguments
   * as columns: one per parameter, an array of the parameter's primitive type ({@code int[]} for
   * an {@code int}, and so on) or an {@code Object[]}, each with at least {@code count} elements.
   * Called only if {@link #encodesColumns()}.
   *
   * @param method the method every call is of
   * @param columns the argument columns
   * @param count the number of calls
   * @return the encoded chunk, which the engine passes back in {@link Assignment#encoded()}
   * @throws IllegalArgumentException naming the method, the parameter and its type, if an argument
   *     cannot be encoded: the submit fails and nothing is sent
   */
  default E encodeColumns(TaskMethod<?> method, Object[] columns, int count) {
    throw new UnsupportedOperationException("this adapter encodes no columns");
  }

  /**
   * The end of the first assignment of tasks {@code [from, to)} of an encoded chunk, at least
   * {@code from + 1}: lets the adapter bound the size of one message. Under the engine's lock.
   *
   * @param encoded what {@link #encode} returned
   * @param from the first task to send
   * @param to one past the last task left in the chunk
   * @return one past the last task to send, between {@code from + 1} and {@code to}
   */
  default int end(E encoded, int from, int to) {
    return to;
  }

  /**
   * A new worker in its starting state, for a pool that starts its own workers ({@link
   * RemoteSettings.Builder#startsWorkers}); it starts in {@link #launch}. Under the engine's lock.
   *
   * @return the new worker, not started
   */
  default W newWorker() {
    throw new UnsupportedOperationException("this pool does not start workers");
  }

  /**
   * Starts workers made by {@link #newWorker}; each later reports {@link RemoteDispatcher#ready},
   * or {@link RemoteDispatcher#gone} if it could not start.
   *
   * @param workers the new workers to start
   */
  default void launch(List<W> workers) {}

  /**
   * Sends an assignment. A failure to send is reported like any other: the worker is {@link
   * RemoteDispatcher#gone}, or the assignment {@link RemoteDispatcher#returned}.
   *
   * @param worker a ready worker with room for another assignment
   * @param assignment the tasks to run
   */
  void send(W worker, Assignment<E> assignment);

  /**
   * Stops a worker: {@code now}, killing what it runs (terminate, a worker that did not start in
   * time), or once it has finished (retire). The adapter reports {@link RemoteDispatcher#gone} once
   * the worker no longer works for the pool.
   *
   * @param worker the worker to stop
   * @param now true to kill it at once, false to let it finish its assignments first
   */
  void stop(W worker, boolean now);

  /**
   * Stops a healthy, idle worker of a pool that was shut down: the adapter may keep it to serve
   * another pool instead of stopping it. Either way it reports {@link RemoteDispatcher#gone} once the
   * worker no longer works for this pool, which for a kept worker is at once. By default the same
   * as {@code stop(worker, false)}.
   *
   * @param worker the idle worker the pool no longer needs
   */
  default void release(W worker) {
    stop(worker, false);
  }

  /**
   * Gives up on an assignment that ran past the per-task timeout: kills the worker, or cancels the
   * assignment where the worker survives that ({@link #timeoutStopsWorker()}). Then reports the
   * worker gone or the assignment returned (or answered, if the answer won the race).
   *
   * @param worker the worker running {@code assignment}
   * @param assignment the assignment that timed out
   */
  void abandon(W worker, Assignment<E> assignment);

  /**
   * Whether {@link #abandon} stops the worker; the engine then sends it nothing more.
   *
   * @return true if a timed-out worker is killed, false if only its assignment is cancelled
   */
  default boolean timeoutStopsWorker() {
    return true;
  }

  /**
   * The number of tasks the worker has started, ever, if it reports that while it runs; a change
   * restarts the per-task timeout. Under the engine's lock; 0 if unknown, when the timeout runs
   * from the sending of the assignment.
   *
   * @param worker the worker
   * @return the tasks it has started, or 0 if unknown
   */
  default long tasksStarted(W worker) {
    return 0;
  }

  /**
   * The index of the task the worker was running when it was lost. Under the engine's lock. The
   * tasks before it, from {@link Assignment#received()} on, had returned but their results were
   * lost with the worker: the engine counts each of them as lost too, under the crash policy.
   *
   * @param worker the lost worker
   * @param assignment the assignment it was running
   * @return the index of the task it was running, within {@link Assignment#tasks()}
   */
  default int runningIndex(W worker, Assignment<E> assignment) {
    return assignment.received();
  }

  /**
   * The exception for a task lost with its worker and not run again. Under the engine's lock.
   *
   * @param worker the lost worker
   * @param task the task to fail
   * @param position empty, or where the task is in its chunk, e.g. {@code " (task 3 of 4 in its
   *     chunk)"}
   * @param why why it is not run again, as a sentence fragment starting with a semicolon
   * @return the exception the task fails with, naming the task and the worker
   */
  WorkerLostException lost(W worker, Task<?> task, String position, String why);

  /**
   * The exception that breaks the pool when a started worker could not start: queued and later
   * tasks fail with it; or null if the worker's loss before it was ready is no start failure (it
   * had started before, for another pool that kept it): the engine then replaces it. Under the
   * engine's lock.
   *
   * @param worker the worker that could not start
   * @param problem why it could not start: what the adapter reported with {@link
   *     RemoteDispatcher#gone}, or a {@link StartTimeoutException} if the engine stopped the worker
   *     for passing {@link RemoteSettings#startTimeout()} or {@link
   *     RemoteSettings#initializerTimeout()}, which says which
   * @return the exception the pool fails with, or null to replace the worker instead
   */
  default WorkerStartException startFailure(W worker, Throwable problem) {
    return new WorkerStartException("Worker " + worker + " could not start: " + problem, problem);
  }

  /**
   * What {@link #abandon} did, for the timeout's message, e.g. "its worker w-1 was killed".
   *
   * @param worker the worker whose assignment was abandoned
   * @return a sentence fragment for the timeout's message
   */
  String abandoned(W worker);

  /**
   * Why no worker is left and how to fix it, for the failure of queued tasks. Under the lock.
   *
   * @return a sentence fragment for the failure's message
   */
  default String noWorkerLeft() {
    return "no worker is left";
  }

  /**
   * Whether a worker may still join on its own (one is being probed). Under the engine's lock.
   *
   * @return true if a worker may still join
   */
  default boolean workersMayJoin() {
    return false;
  }

  /**
   * Called by the engine's watchdog for every worker, on every tick, with no lock held: lets the
   * adapter keep the worker's channel, e.g. drop a peer that connected to a worker's socket and
   * does not identify itself. The worker's own bounds (start, initializer, shutdown, idle, task
   * timeout) are the engine's, set in {@link RemoteSettings}.
   *
   * @param worker a worker that is not gone
   * @param nowNanos the tick's {@link System#nanoTime()}
   */
  default void watch(W worker, long nowNanos) {}

  /**
   * Called at the end of {@code terminate()}, once every worker is gone or the engine gave up
   * waiting: the adapter may wait, until {@code deadlineNanos} at most, for the threads that served
   * {@code workers} to end.
   *
   * @param workers the workers the pool had
   * @param deadlineNanos the {@link System#nanoTime()} by which to return
   */
  default void terminated(List<W> workers, long deadlineNanos) {}

  /**
   * A worker that had no assignment left unexpectedly; the engine replaced it if it starts its own.
   *
   * @param worker the worker that left
   */
  default void goneWhileIdle(W worker) {}

  /** Called once, when the pool was shut down or terminated and every worker is gone. */
  default void stopped() {}
}
