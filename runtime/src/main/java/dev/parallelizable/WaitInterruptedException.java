package dev.parallelizable;

/**
 * The thread waiting for a result or for a pool was interrupted. The thread's interrupt flag is set
 * again before this is thrown; the task itself is not affected.
 */
public class WaitInterruptedException extends ParallelException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception for a wait that was interrupted.
   *
   * @param message what the thread was waiting for
   * @param cause the interruption
   */
  public WaitInterruptedException(String message, InterruptedException cause) {
    super(message, cause);
  }
}
