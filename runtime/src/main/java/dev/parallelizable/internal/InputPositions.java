package dev.parallelizable.internal;

/**
 * The results of a lazy map that say which input each came from, as an unordered map's outcomes do,
 * without an outcome per result: the iterator that {@code imapUnordered} of every pool of the
 * runtime returns ({@link ArgumentMaps}), which the cached view reads to store each miss under its
 * own key.
 *
 * <p>For the thread that iterates the results, as the iterator itself.
 */
public interface InputPositions {
  /**
   * The position in the map's input of the result that {@code next()} returned last, or of the
   * task whose failure {@code hasNext()} or {@code next()} threw.
   *
   * @return the position, from 0; -1 before the first result or failure
   */
  long lastPosition();
}
