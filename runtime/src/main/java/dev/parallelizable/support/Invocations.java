package dev.parallelizable.support;

import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.internal.ArgumentMaps;
import dev.parallelizable.internal.InvokerHandoff;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Helpers that generated code and worker processes call. This package, {@code
 * dev.parallelizable.support}, is the only one generated code uses besides the public API; its
 * contents are stable for generated code but are not meant for hand-written code.
 *
 * <p>All methods are thread-safe.
 */
public final class Invocations {
  private static final Map<String, TaskInvoker> INVOKERS = new ConcurrentHashMap<>();

  private Invocations() {}

  /**
   * The exception an invoker throws for a key it does not know, naming the key and the class.
   *
   * @param declaringClass the class whose invoker was called
   * @param key the key it does not know
   * @return the exception, for the invoker to throw
   */
  public static IllegalArgumentException unknownKey(Class<?> declaringClass, String key) {
    return new IllegalArgumentException(
        String.format(
            "%s has no @Parallelizable method with key '%s': the parent and the worker run different"
                + " versions of the class; give workers the same classpath as the application",
            declaringClass.getName(), key));
  }

  /**
   * What a generated {@code ...Map} method of a static method of one parameter does: {@code
   * pool.map(toTask, inputs)}, where each input is the one argument of {@code method}. Pools of
   * this library use that to fill a batch's argument column from the inputs themselves, without a
   * task per input, wherever they run batches in this JVM; they build the tasks with {@code toTask}
   * wherever they need them, and for every input if an input does not fit the column (a null for
   * a primitive parameter), so that results and failures are exactly those of {@code pool.map}.
   *
   * @param pool the pool to run on
   * @param method the method; each input is its one argument
   * @param toTask the generated factory of the method's tasks
   * @param inputs the inputs
   * @param <T> the input type
   * @param <R> the result type
   * @return the results in input order, as {@link Pool#map(Function, Iterable)} returns them
   * @throws dev.parallelizable.ParallelException as {@link Pool#map(Function, Iterable)} does
   */
  public static <T, R> List<R> map(
      Pool pool, TaskMethod<R> method, Function<? super T, Task<R>> toTask, Iterable<? extends T> inputs) {
    ArgumentMaps ours = ArgumentMaps.behind(pool);
    return ours != null ? ours.mapArguments(method, toTask, inputs) : pool.map(toTask, inputs);
  }

  /**
   * The invoker of the given class name, created once per class loader run and then reused. Loading
   * is the only reflective step; calls through the invoker are direct.
   *
   * @param invokerClassName the binary name of a generated invoker class
   * @return the shared invoker
   * @throws IllegalStateException naming the class if it is missing or cannot be instantiated
   */
  public static TaskInvoker invoker(String invokerClassName) {
    TaskInvoker cached = INVOKERS.get(invokerClassName);
    if (cached != null) {
      return cached;
    }
    // No computeIfAbsent: a lambda here would bootstrap the JDK's lambda machinery on every worker
    // JVM's first task, milliseconds of its start. Two threads may both create an invoker; one
    // is kept.
    TaskInvoker created = newInvoker(invokerClassName, Thread.currentThread().getContextClassLoader());
    TaskInvoker raced = INVOKERS.putIfAbsent(invokerClassName, created);
    return raced != null ? raced : created;
  }

  /**
   * An invoker of the given class name as {@code loader} loads it, not cached: for a worker that
   * runs tasks in class loaders of its own, each with its own invokers. It is the one the generated
   * class that declares it created, if this call initializes that class (see {@link
   * dev.parallelizable.internal.InvokerHandoff}), and otherwise a new one, made by its constructor.
   *
   * @param className the binary name of a generated invoker class
   * @param loader the class loader to load it with
   * @return a new invoker
   * @throws IllegalStateException naming the class if it is missing or cannot be instantiated
   */
  public static TaskInvoker newInvoker(String className, ClassLoader loader) {
    try {
      Class<?> type = Class.forName(className, true, loader);
      TaskInvoker handed = InvokerHandoff.byInitializing(type);
      if (handed != null) {
        return handed;
      }
      var constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return (TaskInvoker) constructor.newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          String.format(
              "Task class %s is not on this JVM's classpath (%s); start workers with the"
                  + " application's classpath",
              className, System.getProperty("java.class.path")),
          e);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          String.format("Cannot create task invoker %s: %s", className, e), e);
    }
  }
}
