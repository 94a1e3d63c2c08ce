package dev.parallelizable.internal.remote;

import dev.parallelizable.TaskMethod;

/**
 * A {@link dev.parallelizable.spi.RemoteWorkers} adapter whose workers also take a chunk as a batch
 * of argument columns: the engine then gives it the columns a chunk took from its inputs ({@link
 * dev.parallelizable.internal.Chunk#argumentColumns()}) or from its tasks as they were built ({@link
 * dev.parallelizable.internal.Chunk#taskColumns()}), and no task of the chunk is kept, or built from
 * its row, unless a failure must name it. Called in the thread that submits the chunk, as {@code
 * encode} is.
 */
public interface BatchEncoder {
  /**
   * Encodes {@code count} calls of {@code method} whose arguments are {@code columns}, one per
   * parameter, as {@link dev.parallelizable.internal.Columns} makes them.
   *
   * @param method the method every row calls
   * @param columns the argument columns
   * @param count the number of rows
   * @return the encoded chunk, which the engine passes back in {@code Assignment.encoded()}
   * @throws IllegalArgumentException if an argument cannot be encoded: the submit fails
   */
  Object encodeBatch(TaskMethod<?> method, Object[] columns, int count);
}
