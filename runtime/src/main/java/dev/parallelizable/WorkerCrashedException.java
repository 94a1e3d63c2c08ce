package dev.parallelizable;

/**
 * A {@link WorkerLostException} of a process pool: the worker JVM running a task died before
 * answering: {@code System.exit}, {@code Runtime.halt}, a
 * signal, an {@link OutOfMemoryError} or {@link StackOverflowError} that ended it, a native crash.
 * The message names the task, the worker's pid, its exit code or signal, and the last lines of its
 * stderr. The pool replaces the worker; the next call works.
 *
 * <h2>Exit codes and signals</h2>
 *
 * {@link #exitCode()} is the code the worker exited with, or {@code -N} if signal {@code N} killed
 * it, as Python reports it. The JDK reports both alike on Linux and macOS ({@code
 * Process.exitValue()} is 128+N after signal N, the same as {@code System.exit(128+N)}), so the pool
 * tells them apart by whether the worker's JVM went through its own exit, which it traces to a file
 * as it exits:
 *
 * <ul>
 *   <li>Reliable: {@code System.exit(n)} and {@code Runtime.halt(n)} give {@code n}, whatever its
 *       value (137 included); SIGKILL (from the pool's timeouts, {@code terminate()}, another
 *       process, the kernel's out-of-memory killer) gives -9; a native crash gives the signal the JVM
 *       aborts with (-6, SIGABRT) or died of.
 *   <li>By the JVM's design: SIGTERM, SIGINT and SIGHUP make the JVM run its shutdown hooks and exit
 *       with 128+N itself, so they give 143, 130 and 129, exit codes, not -15, -2, -1.
 *   <li>Not reliable: if the trace cannot be written (a worker JVM that does not accept {@code
 *       -Xlog}, a full disk), a code above 128 given to {@code Runtime.halt} reads as a signal. On
 *       Windows there are no signals: every status is an exit code.
 * </ul>
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
