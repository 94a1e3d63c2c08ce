package dev.parallelizable.spi;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;

/**
 * A run of consecutive tasks of one chunk, {@code [from(), to())}, that the engine gave one worker
 * ({@link RemoteWorkers#send}). The adapter stores the answers with {@link #result} and {@link
 * #fail}, then ends the assignment with {@link RemoteDispatcher#answered}; the engine completes the
 * chunk, or requeues what is left of it.
 *
 * <p>Implemented by the engine. Answers of one assignment must be reported by one thread at a time
 * (the thread that reads the worker's answer); different assignments may be reported concurrently.
 */
public interface Assignment {
  /** A number unique within the pool, for matching answers to requests on the wire. */
  long id();

  /** Every task of the chunk; this assignment runs {@code [from(), to())} of them. */
  Task<?>[] tasks();

  /** What {@link RemoteWorkers#encode} returned for the chunk's tasks. */
  Object encoded();

  /** The first task this assignment runs. */
  int from();

  /** One past the last task this assignment runs. */
  int to();

  /** One past the last task whose answer arrived ({@code from()} before any). */
  int received();

  /** Stores the result of task {@code index}, in order; ignored once the chunk is done. */
  void result(int index, Object value);

  /** Records the failure of task {@code index}; the first one recorded wins. */
  void fail(int index, ParallelException failure);

  /** Whether the engine still waits for this assignment (false once it ended or was lost). */
  boolean isActive();
}
