package dev.parallelizable.internal.process;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskTimeoutException;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.AbstractPool;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.Texts;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool whose workers are JVMs of their own ({@code Parallel.processes(n)}).
 *
 * <h2>Scheduling</h2>
 *
 * A submitted chunk is encoded in the submitting thread, then sent at once to an idle worker by
 * that thread, or queued. A worker runs one request at a time; when it answers, its result-reader
 * thread takes the next queued chunk and sends it before it completes the answered chunk, so the
 * worker is not idle while callbacks run. All scheduling state is guarded by one lock, never held
 * during I/O or while completing a chunk.
 *
 * <pre>{@code
 * Worker:  STARTING --ready--> IDLE <--> BUSY --+--> RETIRING --exited--> DEAD
 *             |                  |        |     |  (recycled after maxTasksPerWorker tasks,
 *             |                  |        |     |   idle timeout, or pool shut down)
 *             +------------------+--------+-----+--died--> DEAD (crash: replaced)
 * }</pre>
 *
 * <h2>Faults</h2>
 *
 * <ul>
 *   <li>A worker that dies while BUSY (its channel ends): the reader waits for the process to exit,
 *       drains its output, and fails the task it was running, named by the progress slot, with
 *       {@link WorkerCrashedException}, or requeues the chunk from its first task without a result
 *       under a retry policy. A replacement starts at once.
 *   <li>A task running longer than the timeout: the watchdog (a shared scheduler thread that polls
 *       the progress slots) kills the worker; the task fails with {@link TaskTimeoutException}.
 *   <li>A RETIRING worker still alive after the shutdown timeout (a shutdown hook blocks, or calls
 *       {@code System.exit}): the watchdog kills it, so that closing, joining and recycling end.
 *   <li>A worker that cannot start (bad option, initializer threw, no connection within {@link
 *       #START_TIMEOUT_SECONDS}, initializer past its own timeout): the pool is broken; queued and
 *       later tasks fail with {@link WorkerStartException}. The watchdog enforces both bounds.
 *   <li>{@code terminate()}: every pending result fails with {@link TaskCancelledException} and
 *       every worker is killed; returns once they are gone and the threads that served them (result
 *       readers, output pumps) have ended, and the watchdog has let go of the pool, or after 10 s
 *       (a process the worker started may hold its output pipes open).
 * </ul>
 *
 * <p>Thread-safe. A result is completed by the result-reader thread of the worker that answered
 * (or, for a crash, the one that noticed it); its callbacks then run on the pool's callback thread
 * (see {@code AbstractPool}), never on a reader thread.
 */
public final class ProcessPool extends AbstractPool {
  static final long START_TIMEOUT_SECONDS = 60;
  /**
   * A chunk whose tasks encode to more than this is sent in several requests, one after the other,
   * so that neither side holds more than a few megabytes of it at a time.
   */
  static final long MAX_REQUEST_BYTES = 4 << 20;
  private static final long TERMINATE_WAIT_SECONDS = 10;
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final AtomicInteger WORKERS = new AtomicInteger();

  private final WorkerConfig config;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition allGone = lock.newCondition();
  private final ArrayDeque<Dispatch> queue = new ArrayDeque<>();
  private final ArrayDeque<WorkerProcess> idle = new ArrayDeque<>();
  private final List<WorkerProcess> workers = new ArrayList<>();
  private final Map<Class<?>, Boolean> loadableInvokers = new ConcurrentHashMap<>();
  private final long watchMillis;
  private int live;
  private int starting;
  private long nextRequestId = 1;
  private WorkerStartException broken;

  private ProcessPool(String name, WorkerConfig config) {
    super(name, config.workers);
    this.config = config;
    long tickMillis = 100;
    if (config.taskTimeout != null) {
      tickMillis = Math.min(tickMillis, Math.max(5, config.taskTimeout.toMillis() / 10));
    }
    this.watchMillis = tickMillis;
  }

  /** Creates a pool and starts all its workers, in parallel; does not wait for them. */
  public static ProcessPool start(WorkerConfig config) {
    return start(
        "process pool " + POOLS.incrementAndGet() + " (" + Texts.count(config.workers, "worker") + ")", config);
  }

  static ProcessPool start(String name, WorkerConfig config) {
    ProcessPool pool = new ProcessPool(name, config);
    Watchdog.watch(pool);
    List<WorkerProcess> spawned;
    pool.lock.lock();
    try {
      spawned = pool.reserve(config.workers);
    } finally {
      pool.lock.unlock();
    }
    pool.launch(spawned);
    return pool;
  }

  /** The workers that have not exited, for jobs and tests. */
  List<WorkerProcess> workers() {
    lock.lock();
    try {
      return List.copyOf(workers);
    } finally {
      lock.unlock();
    }
  }

  /** The failure that broke the pool, or null. */
  WorkerStartException broken() {
    lock.lock();
    try {
      return broken;
    } finally {
      lock.unlock();
    }
  }

  @Override
  protected void dispatch(Chunk chunk) {
    Task<?>[] tasks = chunk.tasks();
    if (tasks == null) {
      return; // building a task failed, and failed the chunk
    }
    EncodedTasks encoded;
    try {
      requireLoadable(tasks);
      encoded = EncodedTasks.encode(tasks, config.codec);
    } catch (RuntimeException e) {
      chunk.abort(new TaskCancelledException("Not submitted: " + e.getMessage()));
      throw e;
    }
    Dispatch dispatch = new Dispatch(chunk, tasks, encoded);
    Request request = null;
    WorkerProcess worker = null;
    ParallelException refusal = null;
    List<WorkerProcess> spawned = List.of();
    lock.lock();
    try {
      if (broken != null) {
        refusal = broken;
      } else if (isTerminated()) {
        refusal = new TaskCancelledException(this + " was terminated before the task started");
      } else {
        worker = idle.poll();
        if (worker == null) {
          queue.add(dispatch);
          spawned = reserve(demand());
        } else {
          request = assign(worker, dispatch);
          if (request == null) {
            becomeIdle(worker); // the chunk was cancelled meanwhile
          }
        }
      }
    } finally {
      lock.unlock();
    }
    if (refusal != null) {
      chunk.abort(refusal);
    } else if (request != null) {
      worker.send(request);
    }
    launch(spawned);
  }

  private void requireLoadable(Task<?>[] tasks) {
    if (config.explicitClasspath) {
      return;
    }
    Class<?> last = null;
    for (Task<?> task : tasks) {
      Class<?> invoker = task.method().invoker().getClass();
      if (invoker != last && !loadableInvokers.containsKey(invoker)) {
        Classpaths.requireLoadable(config.classpath, invoker, "Task class");
        loadableInvokers.put(invoker, Boolean.TRUE);
      }
      last = invoker;
    }
  }

  // ---- Scheduling helpers, from here to reserve(): called with the lock held.

  /** Claims {@code dispatch} for {@code worker}; null if its chunk was cancelled or aborted. */
  private Request assign(WorkerProcess worker, Dispatch dispatch) {
    Chunk chunk = dispatch.chunk;
    if (!dispatch.started) {
      if (!chunk.start()) {
        return null;
      }
      dispatch.started = true;
    }
    if (chunk.isDone()) {
      return null;
    }
    int to = chunk.size();
    if (config.maxTasksPerWorker > 0) {
      to = Math.min(to, dispatch.from + (config.maxTasksPerWorker - worker.tasksRun));
    }
    to = dispatch.encoded.endWithin(dispatch.from, to, MAX_REQUEST_BYTES);
    Request request = new Request(nextRequestId++, dispatch, dispatch.from, to);
    worker.state = WorkerProcess.State.BUSY;
    worker.current = request;
    worker.lastStartedCount = worker.progress().startedCount();
    worker.lastProgressNanos = System.nanoTime();
    return request;
  }

  /** The next request for a worker that is free, or null after making it idle. */
  private Request nextRequest(WorkerProcess worker) {
    Dispatch dispatch;
    while ((dispatch = queue.poll()) != null) {
      Request request = assign(worker, dispatch);
      if (request != null) {
        return request;
      }
    }
    becomeIdle(worker);
    return null;
  }

  private void becomeIdle(WorkerProcess worker) {
    worker.state = WorkerProcess.State.IDLE;
    worker.current = null;
    worker.idleSinceNanos = System.nanoTime();
    idle.add(worker);
  }

  /** Marks a worker that is not busy as retiring; the caller then calls {@link WorkerProcess#retire()}. */
  private void markRetiring(WorkerProcess worker) {
    if (worker.state == WorkerProcess.State.IDLE) {
      idle.remove(worker);
    }
    worker.state = WorkerProcess.State.RETIRING;
    worker.current = null;
    worker.retiringSinceNanos = System.nanoTime();
    live--;
  }

  /** Whether a free worker should stop: nothing is queued and none will be. */
  private boolean noMoreWork() {
    return queue.isEmpty() && (isShutdown() || broken != null);
  }

  /** How many workers to start for the queued chunks no worker will take soon. */
  private int demand() {
    if (broken != null || isTerminated()) {
      return 0;
    }
    return Math.max(0, Math.min(queue.size() - starting, config.workers - live));
  }

  /** Whether a worker that left (crashed, recycled) is to be replaced. */
  private boolean replaceable() {
    return !config.jobMode && broken == null && !isTerminated() && (!isShutdown() || !queue.isEmpty());
  }

  /** Creates {@code count} workers in the STARTING state; {@link #launch} starts them. */
  private List<WorkerProcess> reserve(int count) {
    if (count <= 0) {
      return List.of();
    }
    List<WorkerProcess> reserved = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      WorkerProcess worker = new WorkerProcess(this, config, "worker-" + WORKERS.incrementAndGet());
      workers.add(worker);
      reserved.add(worker);
      live++;
      starting++;
    }
    return reserved;
  }

  /** Starts reserved workers; called without the lock. */
  private void launch(List<WorkerProcess> reserved) {
    for (WorkerProcess worker : reserved) {
      worker.startProcess();
    }
    for (WorkerProcess worker : reserved) {
      worker.connectLater();
    }
  }

  /** Called by a worker's reader thread once the worker took its initializer and is ready. */
  void ready(WorkerProcess worker) {
    Request request = null;
    boolean retire = false;
    lock.lock();
    try {
      starting--;
      if (isTerminated()) {
        worker.state = WorkerProcess.State.IDLE;
        markRetiring(worker);
        retire = true;
      } else {
        request = nextRequest(worker);
        if (request == null && noMoreWork()) {
          markRetiring(worker);
          retire = true;
        }
      }
    } finally {
      lock.unlock();
    }
    if (request != null) {
      worker.send(request);
    } else if (retire) {
      worker.retire();
    }
  }

  /** Called by a worker's reader thread when the worker answered a request in full. */
  void finished(WorkerProcess worker, Request request) {
    Dispatch dispatch = request.dispatch;
    Request next = null;
    boolean retire = false;
    List<WorkerProcess> spawned = List.of();
    lock.lock();
    try {
      worker.current = null;
      worker.tasksRun += (request.failedAt >= 0 ? request.failedAt + 1 : request.to) - request.from;
      if (request.failedAt < 0 && request.to < dispatch.chunk.size()) {
        dispatch.from = request.to;
        queue.addFirst(dispatch);
      }
      if (isTerminated()) {
        markRetiring(worker);
        retire = true;
      } else if (worker.timedOut != null
          || (config.maxTasksPerWorker > 0 && worker.tasksRun >= config.maxTasksPerWorker)) {
        // Recycled, or the watchdog is killing it: the task finished just as its time ran out.
        markRetiring(worker);
        retire = true;
        if (replaceable()) {
          spawned = reserve(1);
        }
      } else {
        next = nextRequest(worker);
        if (next == null && noMoreWork()) {
          markRetiring(worker);
          retire = true;
        }
      }
      spawned = merge(spawned, reserve(demand()));
    } finally {
      lock.unlock();
    }
    if (next != null) {
      worker.send(next);
    }
    if (retire) {
      worker.retire();
    }
    launch(spawned);
    if (request.failedAt >= 0) {
      dispatch.chunk.fail(request.failedAt, request.failure);
    } else if (request.to == dispatch.chunk.size()) {
      dispatch.chunk.succeed();
    }
  }

  private static List<WorkerProcess> merge(List<WorkerProcess> a, List<WorkerProcess> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    List<WorkerProcess> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  boolean isRetiring(WorkerProcess worker) {
    lock.lock();
    try {
      return worker.state == WorkerProcess.State.RETIRING || isTerminated();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Called once per worker, by its reader thread (or the thread that failed to launch it), after
   * the worker's process exited and its output was drained.
   */
  void gone(WorkerProcess worker, Throwable problem) {
    // Built after the lock is released: describing a task calls user code (its arguments' toString).
    java.util.function.Supplier<ParallelException> failure = null;
    Dispatch failed = null;
    int failedAt = 0;
    List<Dispatch> abandoned = List.of();
    List<WorkerProcess> spawned = List.of();
    boolean unexpectedIdleExit = false;
    lock.lock();
    try {
      WorkerProcess.State was = worker.state;
      worker.state = WorkerProcess.State.DEAD;
      workers.remove(worker);
      idle.remove(worker);
      if (was == WorkerProcess.State.STARTING) {
        starting--;
      }
      if (was != WorkerProcess.State.RETIRING) {
        live--;
      }
      Request request = worker.current;
      worker.current = null;
      if (!isTerminated()) {
        if (was == WorkerProcess.State.STARTING) {
          if (broken == null && !(isShutdown() && queue.isEmpty())) {
            broken = startFailure(worker, problem);
            abandoned = new ArrayList<>(queue);
            queue.clear();
          }
        } else if (request != null) {
          Dispatch dispatch = request.dispatch;
          int index = worker.runningIndex(request);
          if (worker.timedOut == request) {
            failure = () -> timeout(worker, dispatch, index);
          } else if (dispatch.crashed(index) <= config.retries) {
            dispatch.from = request.received;
            queue.addFirst(dispatch);
          } else {
            failure = () -> crash(worker, request, index);
          }
          if (failure != null) {
            failed = dispatch;
            failedAt = request.received;
          }
        } else if (was == WorkerProcess.State.IDLE) {
          unexpectedIdleExit = true;
        }
        if (was != WorkerProcess.State.STARTING && was != WorkerProcess.State.RETIRING && replaceable()) {
          spawned = reserve(1);
        }
        spawned = merge(spawned, reserve(demand()));
      }
      if (workers.isEmpty()) {
        allGone.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (unexpectedIdleExit) {
      System.getLogger("dev.parallelizable.ProcessPool").log(
          System.Logger.Level.WARNING,
          "[" + worker.name + "] exited while idle (" + WorkerProcess.describeExit(worker.exitStatus())
              + "); " + this + " replaces it");
    }
    if (failed != null) {
      failed.chunk.fail(failedAt, failure.get());
    }
    WorkerStartException brokenBy = broken();
    for (Dispatch dispatch : abandoned) {
      dispatch.chunk.abort(brokenBy);
    }
    launch(spawned);
  }

  private WorkerStartException startFailure(WorkerProcess worker, Throwable problem) {
    String reason =
        problem instanceof WorkerProcess.StartFailure ? problem.getMessage() : String.valueOf(problem);
    return new WorkerStartException(
        String.format(
            "Worker %s of %s could not start: %s%s. Command: %s%s. The pool starts no more"
                + " workers; create a new pool once the cause is fixed",
            worker, this, reason,
            worker.killedForStartTimeout()
                ? ""
                : " (" + WorkerProcess.describeExit(worker.exitStatus()) + ")",
            config.describeCommand(), stderrText(worker)),
        problem != null && problem.getCause() != null ? problem.getCause() : problem);
  }

  private TaskTimeoutException timeout(WorkerProcess worker, Dispatch dispatch, int index) {
    Task<?> task = dispatch.tasks[index];
    return new TaskTimeoutException(
        task.toString(),
        String.format(
            "Task %s%s ran longer than the per-task timeout of %s; its worker %s was killed and"
                + " replaced",
            task, positionText(dispatch, index), Texts.duration(config.taskTimeout), worker));
  }

  private WorkerCrashedException crash(WorkerProcess worker, Request request, int index) {
    Dispatch dispatch = request.dispatch;
    Task<?> task = dispatch.tasks[index];
    String what;
    if (config.jobMode) {
      // A job's JVM runs its one task and is never replaced: say what ended, not what a pool does.
      what = String.format(
          request.fatal instanceof OutOfMemoryError
              ? "The JVM of job %s, worker %s, ran out of memory and exited (%s): %s"
              : "The JVM of job %s, worker %s, died while running it: %s%s",
          task, worker, WorkerProcess.describeExit(worker.exitStatus()),
          request.fatal instanceof OutOfMemoryError ? request.fatal : "");
    } else if (request.fatal instanceof OutOfMemoryError) {
      what = String.format(
          "Task %s%s ran out of memory in worker %s, which exited (%s) since its heap may be"
              + " corrupt, and was replaced: %s",
          task, positionText(dispatch, index), worker,
          WorkerProcess.describeExit(worker.exitStatus()), request.fatal);
    } else {
      what = String.format(
          "Worker %s died while running task %s%s: %s%s. The worker was replaced",
          worker, task, positionText(dispatch, index),
          WorkerProcess.describeExit(worker.exitStatus()),
          config.retries > 0
              ? String.format("; the task crashed its worker %d times (%s)", config.retries + 1,
                  "the crash policy allows " + config.retries + " retries")
              : "");
    }
    return new WorkerCrashedException(
        task.toString(), worker.pid(), worker.exitStatus(), what + stderrText(worker), request.fatal);
  }

  private static String positionText(Dispatch dispatch, int index) {
    return dispatch.tasks.length == 1
        ? ""
        : " (task " + (index + 1) + " of " + dispatch.tasks.length + " in its chunk)";
  }

  private static String stderrText(WorkerProcess worker) {
    List<String> tail = worker.stderrTail();
    if (tail.isEmpty()) {
      return ". Its standard error was empty";
    }
    return ". Last lines of its standard error:\n  " + String.join("\n  ", tail);
  }

  /** How often {@link #watch()} is to run. */
  long watchMillis() {
    return watchMillis;
  }

  /**
   * Called by the {@link Watchdog} every {@link #watchMillis()}: times out tasks, retires idle
   * workers, kills retiring workers past the shutdown timeout, gives up on workers that do not
   * start. Returns false once the pool is stopped.
   */
  boolean watch() {
    long now = System.nanoTime();
    long timeoutNanos = config.taskTimeout == null ? 0 : config.taskTimeout.toNanos();
    long idleNanos = config.idleTimeout == null ? 0 : config.idleTimeout.toNanos();
    long shutdownNanos = config.shutdownTimeout.toNanos();
    long initializerNanos = config.initializerTimeout.toNanos();
    List<WorkerProcess> kill = new ArrayList<>(0);
    List<WorkerProcess> retire = new ArrayList<>(0);
    lock.lock();
    try {
      for (WorkerProcess worker : workers) {
        switch (worker.state) {
          case BUSY:
            if (timeoutNanos > 0 && worker.timedOut == null) {
              long started = worker.progress().startedCount();
              if (started != worker.lastStartedCount) {
                worker.lastStartedCount = started;
                worker.lastProgressNanos = now;
              } else if (now - worker.lastProgressNanos > timeoutNanos) {
                worker.timedOut = worker.current;
                kill.add(worker);
              }
            }
            break;
          case IDLE:
            if (idleNanos > 0 && now - worker.idleSinceNanos > idleNanos) {
              retire.add(worker);
            }
            break;
          case RETIRING:
            if (!worker.shutdownTimedOut && now - worker.retiringSinceNanos > shutdownNanos) {
              worker.shutdownTimedOut = true; // its shutdown hooks block, or call System.exit
              kill.add(worker);
            }
            break;
          case STARTING:
            worker.dropSilentPeer(now);
            if (worker.initializing) {
              if (!worker.initializerTimedOut
                  && now - worker.initializerSentNanos > initializerNanos) {
                worker.initializerTimedOut = true;
                kill.add(worker);
              }
            } else if (!worker.startTimedOut
                && now - worker.spawnedNanos > TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS)) {
              worker.startTimedOut = true;
              kill.add(worker);
            }
            break;
          default:
            break;
        }
      }
      for (WorkerProcess worker : retire) {
        markRetiring(worker);
      }
    } finally {
      lock.unlock();
    }
    for (WorkerProcess worker : kill) {
      worker.kill();
    }
    for (WorkerProcess worker : retire) {
      worker.retire();
    }
    return !(isShutdown() && workers().isEmpty());
  }

  @Override
  protected void stopWhenIdle() {
    List<WorkerProcess> retire;
    lock.lock();
    try {
      retire = new ArrayList<>(idle);
      for (WorkerProcess worker : retire) {
        markRetiring(worker);
      }
      if (workers.isEmpty()) {
        allGone.signalAll();
      }
    } finally {
      lock.unlock();
    }
    for (WorkerProcess worker : retire) {
      worker.retire();
    }
  }

  @Override
  protected void awaitStopped() throws InterruptedException {
    lock.lock();
    try {
      while (!workers.isEmpty()) {
        allGone.await();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  protected void stopNow() {
    List<WorkerProcess> all;
    lock.lock();
    try {
      queue.clear();
      all = List.copyOf(workers);
    } finally {
      lock.unlock();
    }
    for (WorkerProcess worker : all) {
      worker.kill();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TERMINATE_WAIT_SECONDS);
    lock.lock();
    try {
      long remaining = deadline - System.nanoTime();
      while (!workers.isEmpty() && remaining > 0) {
        remaining = allGone.awaitNanos(remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
    Watchdog.unwatch(this);
    awaitThreads(all, deadline);
  }

  /** Waits, until the deadline at most, for the threads that served {@code stopped} to end. */
  private static void awaitThreads(List<WorkerProcess> stopped, long deadlineNanos) {
    try {
      for (WorkerProcess worker : stopped) {
        worker.awaitThreads(deadlineNanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
