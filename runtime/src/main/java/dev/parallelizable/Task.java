package dev.parallelizable;

import dev.parallelizable.internal.Describe;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A deferred call of a {@code @Parallelizable} method: the method's identity plus its arguments
 * (joblib's {@code delayed(f)(x)}). Creating a task runs nothing. Generated code creates tasks, for
 * example {@code CubesParallel.cube(3)}; any {@link Pool} runs them.
 *
 * <p>A task is never a lambda: it names its method by class and key, so it can cross a process
 * boundary and be run by a worker JVM that shares only the classpath.
 *
 * <p>Tasks are immutable as long as their arguments are, and may be run any number of times, on any
 * pool, from any thread.
 *
 * @param <R> the result type ({@link Void} for a {@code void} method)
 */
public final class Task<R> implements Callable<R> {
  private final TaskMethod<R> method;
  /**
   * The argument itself if the method takes one, else the array of them: a map over a million
   * inputs builds a million tasks of one argument, and these allocate no array each.
   */
  private final Object arguments;
  /** The task's own retry policy, or null for the pool's. */
  private final RetryPolicy retryPolicy;

  /** A task of {@code method}, whose arguments are as {@link #arguments} holds them. */
  Task(TaskMethod<R> method, Object arguments) {
    this(method, arguments, null);
  }

  private Task(TaskMethod<R> method, Object arguments, RetryPolicy retryPolicy) {
    this.method = method;
    this.arguments = arguments;
    this.retryPolicy = retryPolicy;
  }

  /**
   * This task with a retry policy of its own, which replaces the pool's when a pool runs it (see
   * {@link RetryPolicy}): {@code pool.map(u -> FetchParallel.fetch(u).withRetry(policy), urls)}.
   * The policy stays with the caller's copy of the task and is never sent to a worker. {@link
   * #call()} and jobs run the task once.
   *
   * @param policy the policy; not null
   * @return a new task with the same method and arguments and this policy
   * @throws NullPointerException if {@code policy} is null
   */
  public Task<R> withRetry(RetryPolicy policy) {
    return new Task<>(method, arguments, java.util.Objects.requireNonNull(policy, "policy"));
  }

  /**
   * The task's own retry policy, set by {@link #withRetry}.
   *
   * @return the policy, or null if the pool's applies
   */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /**
   * The method this task calls.
   *
   * @return the method this task calls
   */
  public TaskMethod<R> method() {
    return method;
  }

  /**
   * The arguments, in parameter order (for an instance method the receiver comes first).
   *
   * @return a copy of the arguments; elements may be null
   */
  public List<Object> arguments() {
    return Arrays.asList(argumentArray().clone());
  }

  /**
   * The number of arguments.
   *
   * @return the number of arguments, the receiver included
   */
  public int argumentCount() {
    return method.parameterCount();
  }

  /**
   * The argument at {@code index}.
   *
   * @param index the argument's position, from 0
   * @return the argument; may be null
   * @throws IndexOutOfBoundsException if {@code index} is negative or not less than {@link
   *     #argumentCount()}
   */
  public Object argument(int index) {
    if (method.parameterCount() != 1) {
      return ((Object[]) arguments)[index];
    }
    if (index != 0) {
      throw new IndexOutOfBoundsException("argument " + index + " of a task of one argument");
    }
    return arguments;
  }

  /** The arguments as an array, in parameter order: this task's own, which callers only read. */
  private Object[] argumentArray() {
    return method.parameterCount() == 1 ? new Object[] {arguments} : (Object[]) arguments;
  }

  /**
   * Runs the method in the calling thread and returns its result. This is what a thread pool does
   * with a task; it also lets a task run on any {@link java.util.concurrent.ExecutorService}.
   *
   * @throws Exception whatever the method throws; an {@link Error} propagates as is
   */
  @Override
  @SuppressWarnings("unchecked")
  public R call() throws Exception {
    try {
      return (R) method.invoker().invoke(method.key(), argumentArray());
    } catch (Exception | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new TaskFailedException(this, t);
    }
  }

  /**
   * Method and arguments, e.g. {@code Cubes.cube(3)}. Each argument is described safely and briefly
   * ({@link Describe#value(Object)}): long values are cut, large collections show their first
   * elements and their size, and an argument whose {@code toString()} throws or recurses is shown by
   * its class name and identity.
   */
  @Override
  public String toString() {
    return Describe.call(method.shortName(), argumentArray());
  }
}
