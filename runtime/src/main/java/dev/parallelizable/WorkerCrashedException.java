package dev.parallelizable;

/**
 * A {@link WorkerLostException} of a process pool: the worker JVM running a task died before
 * answering: {@code System.exit}, {@code Runtime.halt}, a
 * signal, an {@link OutOfMemoryError} or {@link StackOverflowError} that ended it, a native crash.
 * The message names the task, the worker's pid, its exit code or signal, and the last lines of its
 * stderr. The pool replaces the worker; the next call works.
 */
public class WorkerCrashedException extends WorkerLostException {
  private static final long serialVersionUID = 1L;
  private final long pid;
  private final Integer exitCode;

  public WorkerCrashedException(String task, long pid, Integer exitCode, String message) {
    this(task, pid, exitCode, message, null);
  }

  /**
   * With the error that ended the worker as the cause, where it is known: an {@link
   * OutOfMemoryError} the worker reported before it exited.
   */
  public WorkerCrashedException(String task, long pid, Integer exitCode, String message, Throwable cause) {
    super(task, "pid " + pid, message, cause);
    this.pid = pid;
    this.exitCode = exitCode;
  }

  /** The process id of the worker that died. */
  public long pid() {
    return pid;
  }

  /** Its exit code (negative: killed by that signal), or null if it could not be read. */
  public Integer exitCode() {
    return exitCode;
  }
}
