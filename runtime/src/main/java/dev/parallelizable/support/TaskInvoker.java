package dev.parallelizable.support;

/**
 * Calls the {@code @Parallelizable} methods of one class by key: implemented by the generated
 * {@code ...Parallel.Invoker} classes, never by hand.
 *
 * <p>A worker process receives a task as (invoker class name, method key, arguments). It creates one
 * invoker per class, once, through the public no-argument constructor every implementation has, and
 * then calls {@link #invoke} directly: no reflection per call, and no lambda crosses a process.
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
}
