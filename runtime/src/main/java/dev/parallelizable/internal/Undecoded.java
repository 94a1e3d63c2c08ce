package dev.parallelizable.internal;

import dev.parallelizable.ParallelException;

/**
 * A result that crossed from a worker as bytes, stored in its {@link Chunk} as it came and decoded
 * only where it is read ({@link Chunk#decode()}): in the caller's {@code get()}, in the map's
 * iterator, or on the pool's callback thread for a callback. Decoding runs user code (a {@code
 * readObject}, a {@code readResolve}); a thread that reads a worker's answers must never run it, or
 * one slow or blocked result would stall every later answer of that worker. Implemented by the
 * pools whose workers encode their results; a primitive result column is never one. A failure is
 * stored the same way, as an {@link UndecodedFailure}.
 */
public interface Undecoded {
  /**
   * Decodes the result. Called at most once, by whichever thread reads the chunk first.
   *
   * @return the result
   * @throws ParallelException the task's failure, naming it, if the result cannot be decoded here
   */
  Object decode();
}
