package dev.parallelizable.support;

/**
 * Calls the {@code @Parallelizable} methods of one class by key: implemented by the generated
 * {@code ...Parallel.Invoker} classes, never by hand.
 *
 * <p>A worker process receives a task as (invoker class name, method key, arguments). It creates one
 * invoker per class, once, through the public no-argument constructor every implementation has, and
 * then calls {@link #invoke} directly: no reflection per call, and no lambda crosses a process.
 *
 * <p>A batch of calls of one method runs through {@link #invokeBatch}: the arguments come as
 * columns and a generated loop calls the method directly, row after row.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface TaskInvoker {
  /**
   * Calls the method identified by {@code key} (its name and erased parameter types, such as {@code
   * "cube(int)"}) with {@code arguments}, in the current thread. For an instance method the receiver
   * is {@code arguments[0]}.
   *
   * @param key the method's key
   * @param arguments the arguments, in parameter order
   * @return the method's result, boxed; {@code null} for a {@code void} method
   * @throws Throwable whatever the method throws, unwrapped
   * @throws IllegalArgumentException if no method has this key (see {@link Invocations#unknownKey})
   */
  Object invoke(String key, Object[] arguments) throws Throwable;

  /**
   * Whether this invoker implements {@link #invokeBatch} for every key. False for invokers generated
   * before batches existed; the runtime then calls {@link #invoke} once per task.
   *
   * @return true if {@link #invokeBatch} is implemented
   */
  default boolean batches() {
    return false;
  }

  /**
   * Calls the method identified by {@code key} once per row of {@code columns}, rows {@code 0} to
   * {@code count - 1} in order, in the current thread, and stops at the first row that throws.
   *
   * <p>Columns, one per parameter (for an instance method the receiver's column comes first): a
   * primitive array of the parameter's type for a parameter of primitive type ({@code int[]} for
   * {@code int}), an {@code Object[]} otherwise. The result column is a primitive array for a
   * primitive result ({@code long[]} for {@code long}), an {@code Object[]} for a reference and
   * null for {@code void}.
   *
   * @param key the method's key
   * @param columns the argument columns, each at least {@code count} long
   * @param count the number of rows to run
   * @param progress told which row starts, or null
   * @return the result column, {@code count} long; null for a {@code void} method
   * @throws BatchFailure naming the first row that threw, with what it threw as the cause
   * @throws IllegalArgumentException if no method has this key
   * @throws UnsupportedOperationException if {@link #batches()} is false
   */
  default Object invokeBatch(String key, Object[] columns, int count, BatchProgress progress)
      throws BatchFailure {
    throw new UnsupportedOperationException(
        getClass().getName() + " runs no batches; regenerate it with the current annotation processor");
  }
}
