package dev.parallelizable;

/**
 * The worker running a task was lost before it answered, and the task was not run again: the
 * pool's {@link CrashPolicy} allowed no more runs, or no worker was left to run it. The message
 * names the task and the worker; subclasses say what kind of worker it was: {@link
 * WorkerCrashedException} for a worker JVM of a process pool (its pid and exit code), and the
 * cluster module's {@code MemberLostException} for a cluster member (its address). The pool
 * replaces a lost worker where it starts its own, and stays usable.
 */
public class WorkerLostException extends TaskFailedException {
  private static final long serialVersionUID = 1L;
  private final String worker;

  /**
   * @param task the task, as its method and arguments
   * @param worker the worker's name as the pool reports it, e.g. {@code worker-3 (pid 4711)}
   * @param message the whole message, naming the task and the worker
   * @param cause the error that ended the worker where it is known, or null
   */
  public WorkerLostException(String task, String worker, String message, Throwable cause) {
    super(task, message, cause);
    this.worker = worker;
  }

  /** The worker that was lost, as the pool names it. */
  public String worker() {
    return worker;
  }
}
