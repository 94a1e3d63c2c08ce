package dev.parallelizable.spi;

import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;

/**
 * A run of consecutive tasks of one chunk, {@code [from(), to())}, that the engine gave one worker
 * ({@link RemoteWorkers#send}). The adapter stores the answers with {@link #result} and {@link
 * #fail}, then ends the assignment with {@link RemoteDispatcher#answered}; the engine completes the
 * chunk, or requeues what is left of it.
 *
 * <p>A chunk of calls of one method may have been encoded as its argument columns ({@link
 * RemoteWorkers#encodeColumns}), with no {@link Task} built per call: {@link #task(int)} builds the
 * one a message names, and {@link #results(int, Object, int)} stores a run of primitive results
 * without boxing each.
 *
 * <p>Implemented by the engine. Answers of one assignment must be reported by one thread at a time
 * (the thread that reads the worker's answer); different assignments may be reported concurrently.
 *
 * @param <E> the adapter's encoded chunk, what {@link RemoteWorkers#encode} returned
 */
public interface Assignment<E> {
  /**
   * A number unique within the pool, for matching answers to requests on the wire.
   *
   * @return the assignment's id
   */
  long id();

  /**
   * Every task of the chunk; this assignment runs {@code [from(), to())} of them. A chunk encoded
   * as columns builds them all here: to name one task, use {@link #task(int)}.
   *
   * @return the chunk's tasks; do not modify
   */
  Task<?>[] tasks();

  /**
   * Task {@code index} of the chunk, as {@code tasks()[index]}, without building the others.
   *
   * @param index the task's index within the chunk
   * @return the task
   */
  Task<?> task(int index);

  /**
   * What {@link RemoteWorkers#encode} or {@link RemoteWorkers#encodeColumns} returned for the
   * chunk.
   *
   * @return the chunk's encoded form, as the adapter made it
   */
  E encoded();

  /**
   * The first task this assignment runs.
   *
   * @return the index of the first task, within {@link #tasks()}
   */
  int from();

  /**
   * One past the last task this assignment runs.
   *
   * @return the index after the last task, within {@link #tasks()}
   */
  int to();

  /**
   * One past the last task whose answer arrived ({@code from()} before any).
   *
   * @return the index after the last answered task
   */
  int received();

  /**
   * Stores the result of task {@code index}, in order; ignored once the chunk is done.
   *
   * @param index the task's index within {@link #tasks()}; the next one after {@link #received()}
   * @param value the task's result; may be null
   */
  void result(int index, Object value);

  /**
   * Stores the results of tasks {@code [index, index + count)}, in order, from one column, as
   * {@code count} calls of {@link #result} would, without boxing each.
   *
   * @param index the first task's index within the chunk; the next one after {@link #received()}
   * @param column the results: an array of the method's primitive result type ({@code int[]} for
   *     an {@code int} method, and so on) with at least {@code count} elements, an {@code Object[]},
   *     or null for the results of a {@code void} method
   * @param count the number of results
   */
  void results(int index, Object column, int count);

  /**
   * Records the failure of task {@code index}; the first one recorded wins.
   *
   * @param index the task's index within {@link #tasks()}
   * @param failure the task's failure, naming the task; not null
   */
  void fail(int index, ParallelException failure);

  /**
   * Reports how long the worker spent on this assignment's tasks, from reading them to writing the
   * last answer, without the time the assignment and its answers spent on their way. The engine
   * sizes the chunks of later maps by the cost of a task, and a round trip counted as the tasks'
   * own (slow under load) would cut every later map into chunks of one. Called once, with the last
   * answer, before {@link RemoteDispatcher#answered}; an adapter that cannot tell does not call it,
   * and the engine counts the round trip. A value below zero or above the time since the assignment
   * was sent is taken as that time.
   *
   * @param nanos the worker's nanoseconds on the assignment
   */
  void ranFor(long nanos);

  /**
   * Whether the engine still waits for this assignment (false once it ended or was lost).
   *
   * @return true while the engine waits for this assignment's answers
   */
  boolean isActive();
}
