package dev.parallelizable;

/**
 * Hears about tasks as they finish on a pool, for a progress bar or a log line. Register with
 * {@link Pool#addProgressListener}.
 *
 * <p>Called on the pool's callback thread, the one that runs the pool's {@link AsyncResult}
 * callbacks (never a thread that runs tasks or reads results, on every kind of pool): one call at a
 * time per pool, in the order the tasks finished, asynchronously to the delivery of results: a
 * count may lag behind what {@code map} has already returned. A listener registered on several
 * pools is called from their callback threads at once and must be thread-safe. A listener may wait
 * on the pool, but a slow one delays the pool's other callbacks. An exception or error it throws is
 * logged through {@link System.Logger} (level WARNING) and the other listeners are still called.
 * Tasks cancelled before they ran are not reported. The pool's {@link Pool#close()} and {@link
 * Pool#join()} return only after every call of its listeners has run, so a count a listener keeps
 * is final then. A process pool's task whose result cannot be decoded in the caller counts as
 * succeeded: its task ran, and the failure is the reader's.
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
