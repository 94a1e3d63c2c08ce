package dev.parallelizable;

/**
 * The root of the exceptions the runtime throws for a task or a pool. All are unchecked, like
 * Python's: the failure of a task is an outcome to handle where it matters, not at every call.
 *
 * <p>These exceptions carry only strings and their cause, set when they are created: they may be
 * passed between threads, and the same instance may reach several callers (every {@code get()} of
 * a failed result throws the one exception that failed it).
 */
public class ParallelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and no cause.
   *
   * @param message what failed, naming the task or pool
   */
  public ParallelException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what failed, naming the task or pool
   * @param cause the exception that caused it; may be null
   */
  public ParallelException(String message, Throwable cause) {
    super(message, cause);
  }
}
