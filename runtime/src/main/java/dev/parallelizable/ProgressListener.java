package dev.parallelizable;

/**
 * Hears about tasks as they finish on a pool, for a progress bar or a log line. Register with
 * {@link Pool#addProgressListener}.
 *
 * <p>Called on the thread that completes the tasks (a pool thread, the process pool's result thread,
 * or the caller for work run in the caller), possibly from several threads at once: implementations
 * must be thread-safe and quick. An exception it throws is ignored. Tasks cancelled before they ran
 * are not reported.
 */
@FunctionalInterface
public interface ProgressListener {
  /**
   * Some tasks finished.
   *
   * @param succeeded how many returned a result in this step
   * @param failed how many failed in this step (threw, crashed their worker, timed out, or were
   *     terminated while running)
   */
  void tasksDone(int succeeded, int failed);
}
