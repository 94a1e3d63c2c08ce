package dev.parallelizable.internal;

import dev.parallelizable.Job;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.TaskFailedException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A {@link Job} on a new platform thread of its own. Thread-safe; see {@link Job}. */
public final class ThreadJob<R> implements Job<R> {
  private static final int TERMINATED = -15;

  private final Task<R> task;
  private final CountDownLatch finished = new CountDownLatch(1);
  private Thread thread;
  private volatile Integer exitCode;
  private volatile R result;
  private volatile ParallelException failure;

  public ThreadJob(Task<R> task) {
    this.task = java.util.Objects.requireNonNull(task, "task must not be null");
  }

  @Override
  public synchronized Job<R> start() {
    if (thread != null) {
      throw new IllegalStateException("Job " + task + " was already started; a job starts once");
    }
    thread = new Thread(this::run, "parallelizable-job-" + task.method().shortName());
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void run() {
    try {
      result = task.call();
      finish(0, null);
    } catch (Throwable e) {
      finish(1, new TaskFailedException(task, e));
    }
  }

  private synchronized void finish(int code, ParallelException error) {
    if (exitCode == null) {
      failure = error;
      exitCode = code;
      finished.countDown();
    }
  }

  private synchronized Thread started() {
    if (thread == null) {
      throw new IllegalStateException("Job " + task + " was not started; call start() first");
    }
    return thread;
  }

  @Override
  public Job<R> join() {
    started();
    JobWaits.join(this, this::awaitFinished);
    return this;
  }

  @Override
  public boolean join(Duration timeout) {
    started();
    return JobWaits.join(this, this::awaitFinished, timeout);
  }

  private boolean awaitFinished(long nanos) throws InterruptedException {
    return finished.await(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized boolean isAlive() {
    return thread != null && exitCode == null;
  }

  @Override
  public Integer exitCode() {
    return exitCode;
  }

  @Override
  public R result() {
    if (exitCode == null) {
      throw new IllegalStateException("Job " + task + " has not finished; call join() first");
    }
    if (failure != null) {
      throw failure;
    }
    return result;
  }

  @Override
  public void terminate() {
    Thread running;
    synchronized (this) {
      running = thread;
    }
    if (running != null) {
      finish(TERMINATED, new TaskCancelledException("Job " + task + " was terminated"));
      running.interrupt();
    }
  }

  @Override
  public long pid() {
    return -1;
  }

  @Override
  public String toString() {
    return "Job[" + task + ", exitCode=" + exitCode + "]";
  }
}
