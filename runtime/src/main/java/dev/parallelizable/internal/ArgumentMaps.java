package dev.parallelizable.internal;

import dev.parallelizable.Pool;
import dev.parallelizable.ResultIterator;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.spi.ForwardingPool;
import java.util.List;
import java.util.function.Function;

/**
 * A pool of this library that runs a map of one method of one parameter from its inputs as the
 * argument column, without a task per input: what a generated {@code ...Map} method calls through
 * {@link dev.parallelizable.support.Invocations#map}. Every pool of the runtime implements it,
 * the cached view ({@code ResultCache.on}) included, and is reached through a pool that forwards
 * to one ({@link #behind}); a pool that does not is given {@code pool.map(toTask, inputs)}. Results and failures are exactly those of {@code pool.map}: the
 * tasks are built with {@code toTask} wherever they are needed (to name a failure, or for every
 * input if an input does not fit the column).
 *
 * <p>The iterator that {@code imapUnordered} of such a pool returns says which input each result
 * came from ({@link InputPositions}).
 *
 * <p>Thread-safe, as the pools that implement it: any thread may call it, and the calling thread
 * waits for (or iterates) the results. A failure, a timeout, a cancellation or a worker's crash
 * reaches the caller as it does through {@code map} and {@code imap} of the same pool.
 */
public interface ArgumentMaps {
  /**
   * The pool of this library behind {@code pool}: {@code pool} itself, or the pool it forwards to
   * ({@link ForwardingPool}), which may forward in turn; null if there is none.
   *
   * @param pool a pool
   * @return the pool that runs generated maps from their inputs, or null
   */
  static ArgumentMaps behind(Pool pool) {
    Pool target = pool;
    for (int depth = 0; depth < 16 && target instanceof ForwardingPool forwarding; depth++) {
      Pool next = forwarding.delegate();
      if (next == null || next == target) {
        return null; // not what the interface promises: the map takes the pool's own way
      }
      target = next;
    }
    return target instanceof ArgumentMaps ours ? ours : null;
  }

  /**
   * {@code map(toTask, inputs)} with the pool's chunk size, where each input is the one argument of
   * {@code method}.
   *
   * @param method the method; each input is its one argument
   * @param toTask the generated factory of the method's tasks
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results in input order
   */
  <T, R> List<R> mapArguments(TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs);

  /**
   * As {@link #mapArguments}, lazily: {@code imap(toTask, inputs)} with the pool's chunk size.
   *
   * @param method the method; each input is its one argument
   * @param toTask the generated factory of the method's tasks
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results in input order, as they arrive
   */
  <T, R> ResultIterator<R> imapArguments(
      TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs);
}
