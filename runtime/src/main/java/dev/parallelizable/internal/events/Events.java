package dev.parallelizable.internal.events;

import dev.parallelizable.ParallelException;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.WorkerLostException;
import jdk.jfr.FlightRecorder;

/**
 * The pools' JDK Flight Recorder events, all in category "Parallelizable", and the one way the
 * runtime records them.
 *
 * <pre>
 * dev.parallelizable.TaskExecution      a run of tasks of one chunk on one worker, with its queue wait
 * dev.parallelizable.ChunkDispatch      a chunk (or a run of its tasks) handed to a worker
 * dev.parallelizable.WorkerStart        a worker became ready (a pool thread: at its first chunk)
 * dev.parallelizable.WorkerExit         a worker left, and why
 * dev.parallelizable.WorkerCrash        a worker left unexpectedly, with the tasks it was running
 * dev.parallelizable.WorkerReplacement  a worker started in place of one that left or was recycled
 * </pre>
 *
 * <p><b>Granularity.</b> A task event is per run of a chunk, not per task: a map of a million tiny
 * tasks would otherwise record a million events, each costing more than its task. An {@code
 * applyAsync} is a chunk of one task, so it has an event of its own.
 *
 * <p><b>Where.</b> Every event is recorded in the JVM that owns the pool, so one recording of the
 * application shows everything: a process pool records a run of tasks when its worker JVM answers
 * it, from the time it was sent to the time the answer arrived (so it includes the transfer of
 * arguments and results), and worker JVMs record nothing.
 *
 * <p><b>Cost when off.</b> A hook asks {@code isEnabled()} before it creates its event, and {@code
 * shouldCommit()} before it computes any field: with no recording, or with these events disabled,
 * a hook costs a read of a flag per chunk and allocates nothing; until a recording starts, no
 * event class is even loaded. Thread-safe: every method may be
 * called from any thread.
 */
public final class Events {
  private Events() {}

  /**
   * Whether the JVM's flight recorder has started (a recording was started, now or before). Until
   * then no hook touches an event class: the first use of one sets up the recorder's machinery,
   * which costs a fresh JVM about 100 ms, and every pool would pay it in every application.
   */
  private static boolean recorderStarted() {
    return FlightRecorder.isInitialized();
  }

  /**
   * Asked whether their kind of event is enabled, so that a hook allocates nothing when it is not:
   * {@code isEnabled()} reads the settings of the event's class, never the instance. Initialized
   * only once the recorder has started.
   */
  private static final class Probes {
    static final TaskExecutionEvent TASKS = new TaskExecutionEvent();
    static final ChunkDispatchEvent DISPATCHES = new ChunkDispatchEvent();
  }

  /** A task event begun now, or null when no recording wants it. */
  public static TaskExecutionEvent beginTask() {
    if (!recorderStarted() || !Probes.TASKS.isEnabled()) {
      return null;
    }
    TaskExecutionEvent event = new TaskExecutionEvent();
    event.begin();
    return event;
  }

  /**
   * Ends and commits {@code event} (no effect if null): {@code tasks} consecutive tasks of a chunk,
   * of {@code method} (null if unknown), the first of which is at {@code firstTask} in its map's
   * input.
   */
  public static void endTask(TaskExecutionEvent event, String pool, String worker, TaskMethod<?> method,
      long firstTask, int tasks, int succeeded, String outcome, long queueWaitNanos) {
    if (event == null) {
      return;
    }
    event.end();
    if (event.shouldCommit()) {
      event.pool = pool;
      event.worker = worker;
      event.method = name(method);
      event.firstTask = firstTask;
      event.tasks = tasks;
      event.succeeded = succeeded;
      event.outcome = outcome;
      event.queueWait = Math.max(0, queueWaitNanos);
      event.commit();
    }
  }

  /** The outcome of a chunk or run whose first failure, if any, is {@code failure}. */
  public static String outcome(ParallelException failure) {
    if (failure == null) {
      return "succeeded";
    }
    if (failure instanceof TaskCancelledException) {
      return "cancelled";
    }
    return failure instanceof WorkerLostException ? "lost" : "failed";
  }

  /** A dispatch event begun now, or null when no recording wants it. */
  public static ChunkDispatchEvent beginDispatch() {
    if (!recorderStarted() || !Probes.DISPATCHES.isEnabled()) {
      return null;
    }
    ChunkDispatchEvent event = new ChunkDispatchEvent();
    event.begin();
    return event;
  }

  /** Ends and commits {@code event} (no effect if null). */
  public static void endDispatch(ChunkDispatchEvent event, String pool, String worker, TaskMethod<?> method,
      long firstTask, int tasks) {
    if (event == null) {
      return;
    }
    event.end();
    if (event.shouldCommit()) {
      event.pool = pool;
      event.worker = worker;
      event.method = name(method);
      event.firstTask = firstTask;
      event.tasks = tasks;
      event.commit();
    }
  }

  /** Records that {@code worker} became ready after {@code startupNanos}. */
  public static void workerStarted(String pool, String worker, long startupNanos) {
    if (!recorderStarted()) {
      return;
    }
    WorkerStartEvent event = new WorkerStartEvent();
    if (event.shouldCommit()) {
      event.pool = pool;
      event.worker = worker;
      event.startup = Math.max(0, startupNanos);
      event.commit();
    }
  }

  /** Records that {@code worker} left for {@code reason} after running {@code tasks}. */
  public static void workerExited(String pool, String worker, String reason, long tasks) {
    if (!recorderStarted()) {
      return;
    }
    WorkerExitEvent event = new WorkerExitEvent();
    if (event.shouldCommit()) {
      event.pool = pool;
      event.worker = worker;
      event.reason = reason;
      event.tasks = tasks;
      event.commit();
    }
  }

  /** Records that {@code worker} was lost while running {@code tasksRunning} tasks. */
  public static void workerCrashed(String pool, String worker, Throwable problem, int tasksRunning) {
    if (!recorderStarted()) {
      return;
    }
    WorkerCrashEvent event = new WorkerCrashEvent();
    if (event.shouldCommit()) {
      event.pool = pool;
      event.worker = worker;
      event.problem = problem == null ? null : problem.toString();
      event.tasksRunning = tasksRunning;
      event.commit();
    }
  }

  /** Records that {@code replacement} was started in place of {@code replaced}. */
  public static void workerReplaced(String pool, String replaced, String replacement, String reason) {
    if (!recorderStarted()) {
      return;
    }
    WorkerReplacementEvent event = new WorkerReplacementEvent();
    if (event.shouldCommit()) {
      event.pool = pool;
      event.replaced = replaced;
      event.replacement = replacement;
      event.reason = reason;
      event.commit();
    }
  }

  private static String name(TaskMethod<?> method) {
    return method == null ? null : method.declaringClass() + '.' + method.methodName();
  }
}
