package dev.parallelizable.support;

/**
 * Told by a generated batch loop ({@link TaskInvoker#invokeBatch}) which row it is about to run, so
 * that a worker process can name the row that crashed or ran too long. Called on the thread that
 * runs the batch, once per row, in order; implementations must be cheap and must not throw.
 */
public interface BatchProgress {
  /**
   * Row {@code index} of the batch starts.
   *
   * @param index the row, from 0
   */
  void started(int index);
}
