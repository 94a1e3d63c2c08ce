package dev.parallelizable.spi;

import dev.parallelizable.Pool;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.remote.RemoteEngine;
import java.util.List;

/**
 * The runtime's dispatch engine for a pool of remote workers, as its adapter sees it: the callbacks
 * through which the adapter reports what its workers do, and apart from them the {@link #pool()} to
 * hand to applications, which carries none of these callbacks.
 * See {@link RemoteWorkers} for the other direction, and the engine's overview for the states of a
 * chunk and of a worker.
 *
 * <p>Thread-safe: every callback may be called from any thread, and never blocks on the
 * application. The thread that reports an answer or a lost worker completes the results it
 * settles, as the engine's watchdog thread does for a task past its timeout; the application's
 * callbacks on those results ({@code AsyncResult.onSuccess} and the like, progress listeners) then
 * run on the pool's callback thread, never in the reporting thread. The adapters of the runtime and
 * of the cluster module call them from these threads:
 *
 * <table>
 *   <caption>The threads that call the callbacks</caption>
 *   <tr><th>Callback</th><th>Process pool</th><th>Cluster pool</th></tr>
 *   <tr><td>{@link #ready}</td><td>the worker's reader thread, once the worker has connected (or
 *       a kept worker has answered)</td><td>the pool's result thread, once a member's session is
 *       open</td></tr>
 *   <tr><td>{@link #initializing}</td><td>the worker's reader thread, as it sends the
 *       initializer</td><td>not called</td></tr>
 *   <tr><td>{@link #answered}</td><td>the worker's reader thread</td><td>the pool's result
 *       thread</td></tr>
 *   <tr><td>{@link #returned}</td><td>not called</td><td>the pool's result thread</td></tr>
 *   <tr><td>{@link #leaving}</td><td>the worker's reader thread, as its channel ends</td><td>not
 *       called</td></tr>
 *   <tr><td>{@link #gone}</td><td>the worker's reader thread once the JVM is reaped (the launching
 *       thread if the reader never started); for a worker kept for another pool, the thread in
 *       which the engine releases it ({@link RemoteWorkers#release}), the one whose event left the
 *       shut-down pool's queue empty: the thread that shut the pool down, a worker's reader thread
 *       (an answer, a worker ready or gone), or the engine's watchdog thread (a retry sent once its
 *       backoff was over)</td><td>the pool's result thread (a member left, or its
 *       call failed); the thread in which the engine stops a member ({@link
 *       RemoteWorkers#stop})</td></tr>
 *   <tr><td>{@link #workersChanged}</td><td>not called</td><td>the pool's result thread, after
 *       each member's probe</td></tr>
 * </table>
 *
 * @param <W> the adapter's handle on one worker
 */
public interface RemoteDispatcher<W> {
  /**
   * An engine that dispatches to {@code workers}; starts its workers if it starts its own (and
   * they do not start on demand). The adapter is given the same object through {@link
   * RemoteWorkers#attach} before any worker starts.
   *
   * @param <W> the adapter's handle on one worker
   * @param settings the pool's settings; not null
   * @param workers the adapter; not null
   * @return the new engine, whose {@link #pool()} is to be handed to applications
   */
  static <W> RemoteDispatcher<W> create(RemoteSettings settings, RemoteWorkers<W, ?> workers) {
    return RemoteEngine.start(settings, workers);
  }

  /**
   * The pool to hand to applications: a {@link Pool} and nothing else, the same object on every
   * call. Its {@code toString()} is the pool's name as messages show it.
   *
   * @return the engine's pool
   */
  Pool pool();

  /**
   * A worker is ready to run up to {@code capacity} assignments at once: one the engine started, or
   * one that joined on its own (a new cluster member).
   *
   * @param worker the worker
   * @param capacity how many assignments it may run at once; at least 1
   */
  void ready(W worker, int capacity);

  /**
   * A worker the engine started has connected and runs the pool's initializer now: from here its
   * start is bounded by {@link RemoteSettings#initializerTimeout()} instead of {@link
   * RemoteSettings#startTimeout()}. {@link #ready} follows once the initializer returned, or {@link
   * #gone} if it failed. A worker not starting, or not seen, does nothing.
   *
   * @param worker the worker that runs its initializer
   */
  void initializing(W worker);

  /**
   * The worker answered every task of the assignment, or up to a failure recorded in it.
   *
   * @param assignment the answered assignment
   */
  void answered(Assignment<?> assignment);

  /**
   * The assignment ended unanswered and its worker stays: cancelled after a timeout, or never
   * delivered. A timed-out assignment fails with the timeout; another is queued again, not counted
   * as a loss.
   *
   * @param assignment the assignment that ended
   */
  void returned(Assignment<?> assignment);

  /**
   * The worker no longer works for the pool: it exited, crashed, left, could not start, or was
   * stopped. Its assignments are run again under the crash policy or fail; a pool that starts its
   * own workers replaces it. Reporting a worker twice, or one never seen, does nothing.
   *
   * @param worker the worker that is gone
   * @param problem why, for the failure of its tasks; may be null
   */
  void gone(W worker, Throwable problem);

  /**
   * The worker is known to be leaving (its channel to the pool ended) but is not gone yet: the
   * engine sends it nothing more and, if the pool starts its own workers, starts its replacement
   * now rather than once the worker is reaped. {@link #gone} follows. A worker not seen, or already
   * leaving, does nothing.
   *
   * @param worker the worker that is leaving
   */
  void leaving(W worker);

  /**
   * Whether the worker is being retired (or the pool terminated): its exit is expected.
   *
   * @param worker the worker
   * @return true if the engine asked the worker to stop
   */
  boolean isRetiring(W worker);

  /**
   * The workers that are not gone.
   *
   * @return a snapshot of the live workers
   */
  List<W> workers();

  /**
   * The failure that broke the pool (a worker could not start), or null.
   *
   * @return the failure that broke the pool, or null if it is not broken
   */
  WorkerStartException broken();

  /** Workers stopped joining: fails queued tasks if no worker is left to run them. */
  void workersChanged();
}
