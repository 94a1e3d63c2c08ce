package dev.parallelizable;

import dev.parallelizable.internal.ExecutorPool;
import dev.parallelizable.internal.PoolNames;
import dev.parallelizable.internal.SequentialPool;
import dev.parallelizable.internal.ThreadJob;
import dev.parallelizable.internal.process.ThroughCodecPool;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * The entry point: creates pools and jobs. Switching where tasks run is one line:
 *
 * <pre>{@code
 * Pool pool = Parallel.threads(4);      // a thread pool
 * Pool pool = Parallel.processes(4);    // a pool of 4 worker JVMs
 * Pool pool = Parallel.sequential();    // the caller, for debugging (joblib's n_jobs=1)
 * Pool pool = Parallel.sequentialThroughCodec(); // the caller, encoding as processes do: for tests
 * }</pre>
 *
 * <p>Thread-safe; every call creates a new, independent pool or job.
 */
public final class Parallel {
  /** The most tasks a pool of virtual threads runs at once, unless told. */
  static final int DEFAULT_VIRTUAL_THREADS = 256;

  private Parallel() {}

  /**
   * A pool of {@code n} platform threads. They are daemon threads, named {@code
   * parallelizable-threads-P-worker-K} (pool {@code P}, counted from 1 over all thread pools of the
   * JVM; thread {@code K} of that pool), created on demand and kept until the pool is shut down. Its
   * name is {@code "thread pool P"}; to give it one, use {@link #threadPool()}.
   *
   * @param n the number of threads; at least 1
   * @return a new thread pool
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public static ThreadPool threads(int n) {
    return threadPool().threads(n).build();
  }

  /**
   * A pool of {@code n} platform threads, named {@code given} ({@code "thread pool P"} if null),
   * whose threads come from {@code factory} (daemon threads named after the pool if null).
   */
  static ThreadPool newThreadPool(String given, int n, ThreadFactory factory) {
    return ExecutorPool.create("thread pool", given, n, number -> factory != null
        ? ExecutorPool.checked(factory)
        : ExecutorPool.daemonThreads("parallelizable-" + (given == null ? "threads-" + number : given) + "-worker-"));
  }

  /**
   * A builder of a pool of platform threads with options: the number of threads, the pool's name.
   *
   * @return a new builder with every option at its default
   */
  public static ThreadPoolBuilder threadPool() {
    return new ThreadPoolBuilder(false);
  }

  /**
   * A pool of one thread per available processor ({@link Runtime#availableProcessors()}).
   *
   * @return a new thread pool
   */
  public static ThreadPool threads() {
    return threads(Runtime.getRuntime().availableProcessors());
  }

  /**
   * A pool of {@code n} virtual threads, for tasks that mostly wait (I/O): at most {@code n} tasks
   * run at once, each on a virtual thread named {@code parallelizable-virtual-P-K}. Its name is
   * {@code "virtual thread pool P"}; to give it one, use {@link #virtualThreadPool()}.
   *
   * @param n the most tasks that run at once; at least 1
   * @return a new virtual-thread pool
   * @throws IllegalArgumentException if {@code n} is not positive
   * @throws UnsupportedOperationException on a JDK before 21, which has no virtual threads
   */
  public static ThreadPool virtualThreads(int n) {
    return virtualThreadPool().threads(n).build();
  }

  /**
   * A pool of {@code n} virtual threads, named {@code given} ({@code "virtual thread pool P"} if
   * null), whose threads come from {@code factory} (virtual threads named after the pool if null).
   */
  static ThreadPool newVirtualThreadPool(String given, int n, ThreadFactory factory) {
    return ExecutorPool.create("virtual thread pool", given, n, number -> factory != null
        ? ExecutorPool.checked(factory)
        : virtualThreadFactory(
            given == null ? "parallelizable-virtual-" + number + "-" : "parallelizable-" + given + "-worker-"));
  }

  /**
   * A builder of a pool of virtual threads with options: the most tasks that run at once, the
   * pool's name.
   *
   * @return a new builder with every option at its default
   */
  public static ThreadPoolBuilder virtualThreadPool() {
    return new ThreadPoolBuilder(true);
  }

  /**
   * {@link #virtualThreads(int)} of 256 threads.
   *
   * @return a new virtual-thread pool
   * @throws UnsupportedOperationException on a JDK before 21, which has no virtual threads
   */
  public static ThreadPool virtualThreads() {
    return virtualThreads(DEFAULT_VIRTUAL_THREADS);
  }

  private static ThreadFactory virtualThreadFactory(String prefix) {
    // Looked up once per pool, so that this class still compiles for and runs on Java 17.
    try {
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Object virtualBuilder =
          lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
      virtualBuilder =
          lookup
              .findVirtual(builder, "name", MethodType.methodType(builder, String.class, long.class))
              .invoke(virtualBuilder, prefix, 1L);
      return (ThreadFactory)
          lookup
              .findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))
              .invoke(virtualBuilder);
    } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
      throw new UnsupportedOperationException(
          "Virtual threads need JDK 21 or newer; this is Java "
              + Runtime.version()
              + ". Use Parallel.threads(n) instead, or run on JDK 21+",
          e);
    } catch (Throwable e) {
      throw new IllegalStateException("Could not create a virtual-thread factory", e);
    }
  }

  /**
   * A pool of {@code n} worker JVMs, with the defaults of {@link #processPool()}: each worker runs
   * the parent's classpath, starts when a task needs it, and is reused. Tasks are isolated from the caller and
   * from each other's crashes; see {@link ProcessPoolBuilder} for what crosses and what happens on
   * a crash or a timeout.
   *
   * @param n the number of worker JVMs; at least 1
   * @return a new process pool, whose workers start as its tasks need them
   * @throws IllegalArgumentException if {@code n} is not positive
   * @throws IllegalStateException if the workers' classpath cannot be determined
   */
  public static Pool processes(int n) {
    return processPool().workers(n).build();
  }

  /**
   * A pool of one worker JVM per available processor ({@link Runtime#availableProcessors()}).
   *
   * @return a new process pool, whose workers start as its tasks need them
   * @throws IllegalStateException if the workers' classpath cannot be determined
   */
  public static Pool processes() {
    return processPool().build();
  }

  /**
   * A builder of a pool of worker JVMs with options: heap, timeouts, recycling, crash policy.
   *
   * @return a new builder with every option at its default
   */
  public static ProcessPoolBuilder processPool() {
    return new ProcessPoolBuilder();
  }

  /**
   * A job that runs {@code task} in a new JVM of its own once started (Python's {@code
   * multiprocessing.Process}). Its {@link Job#exitCode()} is the JVM's: 0 when the task returned, 1
   * when it threw, the status of a {@code System.exit} in the task, or {@code -N} when signal
   * {@code N} killed it. For JVM options, use {@code processPool()...job(task)}.
   *
   * @param <R> the task's result type
   * @param task the task to run; not null
   * @return a new job, not started
   * @throws IllegalStateException if the worker's classpath cannot be determined
   */
  public static <R> Job<R> process(Task<R> task) {
    return processPool().job(task);
  }

  /**
   * A pool that runs every task in the calling thread, inside the call that submits it. Its name is
   * {@code "sequential pool"}.
   *
   * @return a new sequential pool
   */
  public static Pool sequential() {
    return new SequentialPool(null);
  }

  /**
   * A pool that runs every task in the calling thread, named {@code name} ({@link Pool#name()}): in
   * its messages, JFR events and stats, and the tag of its metrics.
   *
   * @param name the pool's name; not blank, at most 64 characters, no control character
   * @return a new sequential pool
   * @throws IllegalArgumentException if {@code name} is null, blank, longer than 64 characters or
   *     holds a control character
   */
  public static Pool sequential(String name) {
    return new SequentialPool(PoolNames.check(name));
  }

  /**
   * A pool that runs every task in the calling thread, as {@link #sequential()} does, but sends it
   * through the {@linkplain Codec#serialization() default codec} as a process pool does: for tests,
   * so that code tested on it fails where it would fail on {@link #processes(int)}. Each argument is
   * encoded when the task is submitted and decoded for the task; its result, or the exception it
   * throws, is encoded and decoded back. The failures, their types and their messages are a process
   * pool's, made by the same code:
   *
   * <ul>
   *   <li>an argument the codec cannot encode (a class that is not {@code Serializable}, an {@code
   *       Optional}, a lambda) fails the submit with an {@link IllegalArgumentException} naming the
   *       method, the parameter and its type;
   *   <li>a result the codec cannot encode fails its task with a {@link TaskFailedException} naming
   *       it; an exception it cannot encode crosses as a {@link RemoteException} with the original
   *       class name, message and stack trace, as the cause of the task's {@link
   *       TaskFailedException};
   *   <li>a task sees copies of its arguments, and the caller gets a copy of the result: changing
   *       one never changes the other.
   * </ul>
   *
   * <p>What it does not imitate: tasks run in the caller's JVM, so they share its static state; an
   * {@link OutOfMemoryError} fails its task instead of replacing a worker; there is no per-task
   * timeout, and {@code terminate()} does not stop a task that runs. {@code applyAsync} returns a
   * completed result. Thread-safe: each submitting thread runs its own tasks.
   *
   * @return a new sequential pool that encodes as a process pool does
   */
  public static Pool sequentialThroughCodec() {
    return sequentialThroughCodec(Codec.serialization());
  }

  /**
   * {@link #sequentialThroughCodec()} with {@code codec}, the one the process pool under test is
   * built with ({@link ProcessPoolBuilder#codec(Codec)}).
   *
   * @param codec the codec every argument, result and exception goes through; not null
   * @return a new sequential pool that encodes as a process pool with {@code codec} does
   * @throws IllegalArgumentException if {@code codec} is null
   */
  public static Pool sequentialThroughCodec(Codec codec) {
    if (codec == null) {
      throw new IllegalArgumentException(
          "codec must not be null; pass Codec.serialization() or the process pool's codec");
    }
    return new ThroughCodecPool(codec);
  }

  /**
   * A job that runs {@code task} on a new thread of its own once started (Python's {@code
   * threading.Thread}, or {@code multiprocessing.Process} without the isolation).
   *
   * @param <R> the task's result type
   * @param task the task to run; not null
   * @return a new job, not started
   */
  public static <R> Job<R> thread(Task<R> task) {
    return new ThreadJob<>(task);
  }
}
