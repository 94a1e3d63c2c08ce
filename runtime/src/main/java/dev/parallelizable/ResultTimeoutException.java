package dev.parallelizable;

/**
 * A wait for a result ran out of time ({@link AsyncResult#get(java.time.Duration)}). The task is not
 * affected: it keeps running and its result can be waited for again. Compare {@link
 * TaskTimeoutException}, where the pool stopped the task.
 */
public class ResultTimeoutException extends ParallelException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message naming the wait and its timeout.
   *
   * @param message what timed out
   */
  public ResultTimeoutException(String message) {
    super(message);
  }
}
