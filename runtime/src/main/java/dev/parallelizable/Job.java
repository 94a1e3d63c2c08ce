package dev.parallelizable;

import java.time.Duration;

/**
 * One task run by a worker of its own (Python's {@code multiprocessing.Process}): a new thread for
 * {@link Parallel#thread(Task)}, a new JVM for {@link Parallel#process(Task)}. Nothing runs until
 * {@link #start()}.
 *
 * <p><b>Thread safety.</b> All methods are thread-safe.
 *
 * <p><b>Exit codes.</b> {@link #exitCode()} is {@code null} while the job has not finished; 0 when
 * the task returned; 1 when it threw; for a process job, the JVM's real exit code otherwise (such as
 * the status passed to {@code System.exit}), or {@code -N} when it was killed by signal {@code N}, as
 * Python reports it. {@link #terminate()} of a running thread job interrupts it and reports {@code
 * -15}.
 *
 * @param <R> the task's result type
 */
public interface Job<R> {
  /**
   * Starts the task. A job starts once.
   *
   * @return this job
   * @throws IllegalStateException if it was already started
   */
  Job<R> start();

  /**
   * Waits for the job to finish.
   *
   * @return this job
   * @throws IllegalStateException if it was not started
   * @throws WaitInterruptedException if the waiting thread is interrupted
   */
  Job<R> join();

  /**
   * Waits at most {@code timeout} for the job to finish.
   *
   * @param timeout the longest time to wait; not negative
   * @return whether the job finished
   */
  boolean join(Duration timeout);

  /**
   * Whether the job was started and has not finished.
   *
   * @return true between {@link #start()} and the end of the task
   */
  boolean isAlive();

  /**
   * The exit code, or {@code null} if not finished (see the class comment).
   *
   * @return the exit code, or {@code null} while the job runs or was not started
   */
  Integer exitCode();

  /**
   * The task's result, once finished.
   *
   * @return the task's result
   * @throws IllegalStateException if the job has not finished
   * @throws TaskFailedException if the task threw, or the worker died ({@link
   *     WorkerCrashedException}), or was terminated ({@link TaskCancelledException})
   */
  R result();

  /** Stops the job now: interrupts its thread or kills its JVM. Idempotent. */
  void terminate();

  /**
   * The operating system's process id of a process job, or -1 for a thread job or before start.
   *
   * @return the process id, or -1
   */
  long pid();
}
