package dev.parallelizable.internal.process;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Job;
import dev.parallelizable.Task;
import dev.parallelizable.WorkerStartException;
import dev.parallelizable.internal.JobWaits;
import dev.parallelizable.spi.RemoteDispatcher;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@link Job} in a JVM of its own ({@code Parallel.process(task)}): a process pool of one worker
 * in job mode, where the worker runs the one task, sends its result, and exits with 0 if the task
 * returned or 1 if it threw. The job is finished when that JVM has exited; its exit code is then
 * the JVM's, or {@code -N} if signal {@code N} killed it. Thread-safe; see {@link Job}.
 */
public final class ProcessJob<R> implements Job<R> {
  private final WorkerConfig config;
  private final Task<R> task;
  private RemoteDispatcher<WorkerProcess> pool;
  private WorkerProcess worker;
  private AsyncResult<R> result;

  /** A job of {@code task} on a worker configured by {@code config} (in job mode). */
  public ProcessJob(WorkerConfig config, Task<R> task) {
    this.config = config;
    this.task = Objects.requireNonNull(task, "task must not be null");
  }

  @Override
  public synchronized Job<R> start() {
    if (pool != null) {
      throw new IllegalStateException("Job " + task + " was already started; a job starts once");
    }
    pool = ProcessPool.start("process job " + task, config);
    worker = pool.workers().isEmpty() ? null : pool.workers().get(0);
    WorkerStartException broken = pool.broken();
    if (worker == null || broken != null) {
      throw broken != null
          ? broken
          : new WorkerStartException("The JVM of job " + task + " could not start", null);
    }
    result = pool.pool().applyAsync(task);
    pool.pool().shutdown();
    return this;
  }

  private synchronized WorkerProcess started() {
    if (pool == null) {
      throw new IllegalStateException("Job " + task + " was not started; call start() first");
    }
    return worker;
  }

  @Override
  public Job<R> join() {
    JobWaits.join(this, started()::awaitExit);
    return this;
  }

  @Override
  public boolean join(Duration timeout) {
    return JobWaits.join(this, started()::awaitExit, timeout);
  }

  @Override
  public synchronized boolean isAlive() {
    return pool != null && worker.exitStatus() == null;
  }

  @Override
  public synchronized Integer exitCode() {
    return worker == null ? null : finishedStatus();
  }

  private Integer finishedStatus() {
    try {
      return worker.awaitExit(0) ? worker.exitStatus() : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public R result() {
    if (exitCode() == null) {
      throw new IllegalStateException("Job " + task + " has not finished; call join() first");
    }
    return result.get();
  }

  @Override
  public void terminate() {
    RemoteDispatcher<WorkerProcess> p;
    synchronized (this) {
      p = pool;
    }
    if (p != null) {
      p.pool().terminate();
    }
  }

  @Override
  public synchronized long pid() {
    return worker == null ? -1 : worker.pid();
  }

  @Override
  public String toString() {
    return "Job[" + task + ", pid=" + pid() + ", exitCode=" + exitCode() + "]";
  }
}
