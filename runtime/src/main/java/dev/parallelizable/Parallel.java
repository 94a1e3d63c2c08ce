package dev.parallelizable;

import dev.parallelizable.internal.ExecutorPool;
import dev.parallelizable.internal.SequentialPool;
import dev.parallelizable.internal.ThreadJob;
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
 * }</pre>
 *
 * <p>Thread-safe; every call creates a new, independent pool or job.
 */
public final class Parallel {
  private Parallel() {}

  /**
   * A pool of {@code n} platform threads. They are daemon threads, named {@code
   * parallelizable-threads-P-worker-K} (pool {@code P}, counted from 1 over all thread pools of the
   * JVM; thread {@code K} of that pool), created on demand and kept until the pool is shut down. For
   * threads of your own, use {@link #threadPool()}.
   *
   * @param n the number of threads; at least 1
   * @return a new thread pool
   * @throws IllegalArgumentException if {@code n} is not positive
   */
  public static ThreadPool threads(int n) {
    requirePositive("threads", n);
    return threadPool().threads(n).build();
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
   * A builder of a pool of threads with options: the number of threads and where they come from
   * ({@link ThreadPoolBuilder#threadFactory}).
   *
   * @return a new builder with every option at its default
   */
  public static ThreadPoolBuilder threadPool() {
    return new ThreadPoolBuilder();
  }

  /**
   * A pool of {@code n} virtual threads, for tasks that mostly wait (I/O): at most {@code n} tasks
   * run at once, each on a virtual thread named {@code parallelizable-virtual-P-K}.
   *
   * @param n the most tasks that run at once; at least 1
   * @return a new virtual-thread pool
   * @throws IllegalArgumentException if {@code n} is not positive
   * @throws UnsupportedOperationException on a JDK before 21, which has no virtual threads
   */
  public static ThreadPool virtualThreads(int n) {
    requirePositive("virtual threads", n);
    return ExecutorPool.create(
        "virtual thread pool", n, number -> virtualThreadFactory("parallelizable-virtual-" + number + "-"));
  }

  /**
   * {@link #virtualThreads(int)} of 256 threads.
   *
   * @return a new virtual-thread pool
   * @throws UnsupportedOperationException on a JDK before 21, which has no virtual threads
   */
  public static ThreadPool virtualThreads() {
    return virtualThreads(256);
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
   * the parent's classpath, starts at once, and is reused. Tasks are isolated from the caller and
   * from each other's crashes; see {@link ProcessPoolBuilder} for what crosses and what happens on
   * a crash or a timeout.
   *
   * @param n the number of worker JVMs; at least 1
   * @return a new process pool, its workers starting
   * @throws IllegalArgumentException if {@code n} is not positive
   * @throws IllegalStateException if the workers' classpath cannot be determined
   */
  public static Pool processes(int n) {
    return processPool().workers(n).build();
  }

  /**
   * A pool of one worker JVM per available processor ({@link Runtime#availableProcessors()}).
   *
   * @return a new process pool, its workers starting
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
   * A pool that runs every task in the calling thread, inside the call that submits it.
   *
   * @return a new sequential pool
   */
  public static Pool sequential() {
    return new SequentialPool();
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

  static void requirePositive(String what, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException(
          "Number of " + what + " must be positive, got " + n);
    }
  }
}
