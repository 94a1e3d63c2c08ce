package dev.parallelizable.internal;

import dev.parallelizable.Task;

/**
 * An assignment ({@link dev.parallelizable.spi.Assignment}) that takes a run of results as one
 * column, as a worker sends a primitive result column, so that the reader stores them without
 * boxing each ({@link Chunk#storeColumn}), and whose chunk may have been sent as argument columns
 * with no task kept ({@link Chunk#argumentColumns()}, {@link Chunk#taskColumns()}). Implemented by
 * the engine's assignments; the same threading rules as {@link
 * dev.parallelizable.spi.Assignment#result}.
 */
public interface ResultColumns {
  /**
   * Stores {@code count} results of {@code column} as those of tasks {@code [index, index +
   * count)}, in order, as {@code count} calls of {@code result} would.
   *
   * @param index the first task's index within the assignment's tasks
   * @param column a primitive result column of at least {@code count} elements, or null for the
   *     results of a {@code void} method
   * @param count the number of results
   */
  void results(int index, Object column, int count);

  /**
   * Task {@code index}, as {@code tasks()[index]} but without building the others: a chunk sent as
   * its argument columns binds it from its row when it is asked for (to name a failure).
   *
   * @param index the task's index within the assignment's tasks
   * @return the task
   */
  Task<?> task(int index);
}
