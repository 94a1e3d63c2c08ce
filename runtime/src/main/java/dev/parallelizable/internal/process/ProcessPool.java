package dev.parallelizable.internal.process;

import dev.parallelizable.internal.Describe;
import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.WorkerCrashedException;
import dev.parallelizable.WorkerLostException;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.Loggers;
import dev.parallelizable.internal.PoolNames;
import dev.parallelizable.internal.Texts;
import dev.parallelizable.internal.protocol.ProgressSlot;
import dev.parallelizable.spi.Assignment;
import dev.parallelizable.spi.RemoteDispatcher;
import dev.parallelizable.spi.RemoteSettings;
import dev.parallelizable.spi.RemoteWorkers;
import dev.parallelizable.spi.StartTimeoutException;
import dev.parallelizable.internal.shared.SharedFiles;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The adapter of a pool whose workers are JVMs of their own ({@code Parallel.processes(n)}) to the
 * one remote dispatch engine ({@link RemoteDispatcher}), which queues, schedules, requeues under the
 * crash policy, times out and stops; this class starts worker JVMs, sends them assignments and
 * words their failures.
 *
 * <pre>{@code
 * Worker JVM:  STARTING --ready--> READY (runs one assignment at a time) --+--> RETIRING --exited--> gone
 *                 |                    |                                   |  (recycled after maxTasksPerWorker
 *                 |                    |                                   |   tasks, idle timeout, shut down)
 *                 +--------------------+--died, killed (timeout)-----------+--> gone (replaced)
 * READY, idle, of a closed pool that reuses workers --release()--> kept (WorkerCache) --taken by a
 *     pool of the same configuration--> STARTING in that pool --answered a PING--> READY in that pool
 *     (gone before it answered: replaced by a new worker, never given a task, never a start failure)
 * READY, idle, of a closed pool that keeps workers across runs --release()--> PARK sent --the worker
 *     closed its channel--> gone from this pool, parked (WarmWorkers) --claimed by a pool of the same
 *     key, in this JVM or another--> STARTING in that pool --answered INIT--> READY in that pool
 *     (gone before it answered: replaced by a new worker, never a start failure)
 * }</pre>
 *
 * A successor starts before its predecessor is gone: when the predecessor is given its last task
 * before recycling, when its task timed out (before the kill), or when its channel ended (before
 * it is reaped); see {@code RemoteEngine}.
 *
 * <h2>Faults</h2>
 *
 * <ul>
 *   <li>A worker that dies while running (its channel ends): its reader thread waits for the
 *       process to exit, drains its output, and reports it gone; the engine requeues its chunk from
 *       the first task without a result under a retry policy, or fails the task it was running,
 *       named by the progress slot, with {@link WorkerCrashedException}. A replacement starts.
 *   <li>A task running longer than the timeout: the engine's watchdog asks for the worker to be
 *       killed; the task fails with {@code TaskTimeoutException}.
 *   <li>A worker that cannot start (bad option, initializer threw, no connection within {@link
 *       #START_TIMEOUT_SECONDS}, initializer past its own timeout): the pool is broken; queued and
 *       later tasks fail with {@link WorkerStartException}. The engine enforces both bounds on
 *       its watchdog's tick, as it does the shutdown timeout: the adapter passes them in its
 *       {@link RemoteSettings} and reports when a worker starts its initializer ({@link
 *       RemoteDispatcher#initializing}).
 *   <li>A worker's pipe whose stream does not begin with the worker's token (another process of
 *       the user wrote to it first): the worker is killed, the pool logs it and starts another.
 *       Where the channel is a socket, such a connection is dropped and logged, and the worker is
 *       accepted next. See docs/process-faults.md for the same-user threat model.
 * </ul>
 *
 * <p>Thread-safe. A result is completed by the result-reader thread of the worker that answered
 * (or, for a crash, the one that noticed it; for a timeout, the watchdog's); its callbacks then run
 * on the pool's callback thread (see {@code AbstractPool}), never on a reader or watchdog thread.
 */
public final class ProcessPool implements RemoteWorkers<WorkerProcess, EncodedTasks> {
  static final long START_TIMEOUT_SECONDS = 60;
  /**
   * A chunk whose tasks encode to more than this is sent in several assignments, one after the
   * other, so that neither side holds more than a few megabytes of it at a time.
   */
  static final long MAX_REQUEST_BYTES = 4 << 20;
  private static final AtomicInteger POOLS = new AtomicInteger();
  private static final AtomicInteger WORKERS = new AtomicInteger();

  private final WorkerConfig config;
  /** The pool's directory of shared data and large arrays; deleted when the pool stops. */
  private final SharedFiles sharedFiles;
  private final Map<Class<?>, Boolean> loadableInvokers = new ConcurrentHashMap<>();
  private volatile RemoteDispatcher<WorkerProcess> engine;

  private ProcessPool(WorkerConfig config) {
    this.config = config;
    try {
      this.sharedFiles = SharedFiles.create(config.sharedArrayThreshold(), reuses());
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot create the process pool's directory for shared data in " + SharedFiles.root()
              + ": " + Describe.throwable(e) + ". Make it writable, or set java.io.tmpdir to a"
              + " writable directory",
          e);
    }
  }

  /** The pool's directory of shared data. */
  SharedFiles sharedFiles() {
    return sharedFiles;
  }

  /**
   * Creates a pool named {@code given} ({@code "process pool N"} if null), whose workers start as
   * tasks need them, or all at once, in parallel, if {@link WorkerConfig#prestartWorkers()}; does
   * not wait for them.
   */
  public static Pool start(WorkerConfig config, String given) {
    String kind = "process pool";
    String defaultName = kind + " " + POOLS.incrementAndGet();
    return start(
        given == null ? defaultName : given,
        PoolNames.shown(kind, given, defaultName) + " (" + Texts.count(config.workers, "worker") + ")",
        config).pool();
  }

  /** Creates a pool shown in messages as {@code name}, which is also its name. */
  static RemoteDispatcher<WorkerProcess> start(String name, WorkerConfig config) {
    return start(null, name, config);
  }

  /** {@code poolName} null: the pool's name is {@code name}. */
  private static RemoteDispatcher<WorkerProcess> start(String poolName, String name, WorkerConfig config) {
    RemoteSettings.Builder settings = RemoteSettings.builder(name, config.workers)
        .startsWorkers(config.workers)
        .startsWorkersOnDemand(!config.jobMode && !config.prestartWorkers())
        .replacesWorkers(!config.jobMode)
        .crashPolicy(config.crashPolicy())
        .retryPolicy(config.jobMode ? null : config.retryPolicy())
        .taskTimeout(config.taskTimeout)
        .idleTimeout(config.idleTimeout)
        .maxTasksPerWorker(config.maxTasksPerWorker)
        .startTimeout(Duration.ofSeconds(START_TIMEOUT_SECONDS))
        .initializerTimeout(config.initializerTimeout)
        .shutdownTimeout(config.shutdownTimeout);
    if (poolName != null) {
      settings.poolName(poolName);
    }
    return RemoteDispatcher.create(settings.build(), new ProcessPool(config));
  }

  RemoteDispatcher<WorkerProcess> engine() {
    return engine;
  }

  @Override
  public void attach(RemoteDispatcher<WorkerProcess> dispatcher) {
    this.engine = dispatcher;
  }

  @Override
  public EncodedTasks encode(Task<?>[] tasks) {
    requireLoadable(tasks);
    // A worker that recycles class loaders counts tasks one by one: it is sent no batch.
    return EncodedTasks.encode(tasks, config.codec, config.maxTasksPerClassLoader == 0, sharedFiles, null);
  }

  /** A chunk of one method's calls goes as its columns: a batch, unless class loaders are recycled. */
  @Override
  public boolean encodesColumns() {
    return true;
  }

  @Override
  public EncodedTasks encodeColumns(TaskMethod<?> method, Object[] columns, int count) {
    if (!config.explicitClasspath && !loadableInvokers.containsKey(method.invoker().getClass())) {
      Classpaths.requireLoadable(config.classpath, method.invoker().getClass(), "Task class");
      loadableInvokers.put(method.invoker().getClass(), Boolean.TRUE);
    }
    // A worker that recycles class loaders counts tasks one by one: it is sent the rows' tasks.
    return EncodedTasks.encodeColumns(
        method, columns, count, config.codec, config.maxTasksPerClassLoader == 0, sharedFiles, null);
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

  @Override
  public int end(EncodedTasks encoded, int from, int to) {
    return encoded.endWithin(from, to, MAX_REQUEST_BYTES);
  }

  /** A kept worker of the same configuration if this pool reuses workers, else a new one. */
  @Override
  public WorkerProcess newWorker() {
    if (reuses()) {
      WorkerProcess kept = WorkerCache.take(engine, config);
      if (kept != null) {
        return kept;
      }
    }
    return new WorkerProcess(engine, config, "worker-" + WORKERS.incrementAndGet(), sharedFiles.directory());
  }

  private boolean reuses() {
    return !config.jobMode && !config.reuseWorkersFor.isZero();
  }

  /** Starts new workers' JVMs, and pings kept workers, which are ready once they answer. */
  @Override
  public void launch(List<WorkerProcess> workers) {
    List<WorkerProcess> kept = new ArrayList<>(0);
    for (WorkerProcess worker : workers) {
      if (worker.startedBefore()) {
        kept.add(worker);
      } else {
        worker.startProcess();
      }
    }
    for (WorkerProcess worker : workers) {
      if (!kept.contains(worker)) {
        worker.connectLater();
      }
    }
    for (WorkerProcess worker : kept) {
      worker.confirmAlive();
    }
  }

  /**
   * Parks a healthy idle worker of this closed pool for a pool of the same configuration in this or
   * a later run, if this pool keeps workers across runs; keeps it for the next pool of this JVM, if
   * it reuses workers; otherwise, or if it is not healthy, stops it as {@link #stop} does.
   */
  @Override
  public void release(WorkerProcess worker) {
    if (worker.park(config.warmFor)) {
      return; // gone once it has parked and closed its channel
    }
    if (reuses() && WorkerCache.keep(worker, config.reuseWorkersFor)) {
      engine.gone(worker, null);
    } else {
      worker.retire();
    }
  }

  @Override
  public void send(WorkerProcess worker, Assignment<EncodedTasks> assignment) {
    worker.send(assignment);
  }

  @Override
  public void stop(WorkerProcess worker, boolean now) {
    if (now) {
      worker.kill();
    } else {
      worker.retire();
    }
  }

  @Override
  public void abandon(WorkerProcess worker, Assignment<EncodedTasks> assignment) {
    worker.kill();
  }

  @Override
  public long tasksStarted(WorkerProcess worker) {
    ProgressSlot slot = worker.progress();
    return slot == null ? 0 : slot.startedCount();
  }

  @Override
  public int runningIndex(WorkerProcess worker, Assignment<EncodedTasks> assignment) {
    return worker.runningIndex(assignment);
  }

  /** Drops a peer that connected to a starting worker's socket and did not present the token. */
  @Override
  public void watch(WorkerProcess worker, long nowNanos) {
    worker.dropSilentPeer(nowNanos);
  }

  @Override
  public void terminated(List<WorkerProcess> workers, long deadlineNanos) {
    try {
      for (WorkerProcess worker : workers) {
        worker.awaitThreads(deadlineNanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sharedFiles.close();
    }
  }

  /** Deletes the pool's shared data once every worker is gone. */
  @Override
  public void stopped() {
    sharedFiles.close();
  }

  @Override
  public String abandoned(WorkerProcess worker) {
    return "its worker " + worker + " was killed and replaced";
  }

  @Override
  public WorkerLostException lost(WorkerProcess worker, Task<?> task, String position, String why) {
    Throwable fatal = worker.fatal();
    String what;
    if (config.jobMode) {
      // A job's JVM runs its one task and is never replaced: say what ended, not what a pool does.
      what = String.format(
          fatal instanceof OutOfMemoryError
              ? "The JVM of job %s, worker %s, ran out of memory and exited (%s): %s"
              : "The JVM of job %s, worker %s, died while running it: %s%s",
          task, worker, WorkerProcess.describeExit(worker.exitStatus()),
          fatal instanceof OutOfMemoryError ? Describe.throwable(fatal) : "");
    } else if (fatal instanceof OutOfMemoryError) {
      what = String.format(
          "Task %s%s ran out of memory in worker %s, which exited (%s) since its heap may be"
              + " corrupt, and was replaced: %s",
          task, position, worker, WorkerProcess.describeExit(worker.exitStatus()), Describe.throwable(fatal));
    } else {
      what = String.format("Worker %s died while running task %s%s: %s%s. The worker was replaced",
          worker, task, position, WorkerProcess.describeExit(worker.exitStatus()), why);
    }
    return new WorkerCrashedException(
        task.toString(), worker.pid(), worker.exitStatus(), what + stderrText(worker), fatal);
  }

  /** Null for a kept worker that died before it answered this pool's ping: it is replaced. */
  @Override
  public WorkerStartException startFailure(WorkerProcess worker, Throwable problem) {
    if (worker.startedBefore()) {
      return null;
    }
    if (problem instanceof WorkerJvm.StartFailure failure && failure.replaceable) {
      System.getLogger(Loggers.PROCESS_POOL).log(
          System.Logger.Level.WARNING,
          "[" + worker.name + "] of " + engine + " did not start: " + failure.getMessage()
              + "; the pool starts another");
      return null;
    }
    boolean timedOut = problem instanceof StartTimeoutException; // the engine stopped it for a start bound
    String reason;
    if (timedOut && ((StartTimeoutException) problem).initializing()) {
      reason = "its initializer " + config.initializer + " did not return within the initializer timeout of "
          + Texts.duration(config.initializerTimeout) + ", so the pool killed it; if the initializer needs"
          + " longer, raise the bound with Parallel.processPool().initializerTimeout(Duration)";
    } else if (timedOut || problem instanceof WorkerJvm.StartFailure) {
      reason = problem.getMessage();
    } else {
      reason = Describe.throwable(problem);
    }
    return new WorkerStartException(
        String.format(
            "Worker %s of %s could not start: %s%s. Command: %s%s. The pool starts no more"
                + " workers; create a new pool once the cause is fixed",
            worker, engine, reason,
            timedOut
                ? ""
                : " (" + WorkerProcess.describeExit(worker.exitStatus()) + ")",
            config.describeCommand(), stderrText(worker)),
        problem != null && problem.getCause() != null ? problem.getCause() : problem);
  }

  @Override
  public void goneWhileIdle(WorkerProcess worker) {
    System.getLogger(Loggers.PROCESS_POOL).log(
        System.Logger.Level.WARNING,
        "[" + worker.name + "] exited while idle (" + WorkerProcess.describeExit(worker.exitStatus())
            + "); " + engine + " replaces it");
  }

  private static String stderrText(WorkerProcess worker) {
    List<String> tail = worker.stderrTail();
    if (tail.isEmpty()) {
      return ". Its standard error was empty";
    }
    return ". Last lines of its standard error:\n  " + String.join("\n  ", tail);
  }

  /** The pool's name, for messages about its workers. */
  @Override
  public String toString() {
    return String.valueOf(engine);
  }
}
