package dev.parallelizable;

import dev.parallelizable.internal.ExecutorPool;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;

/**
 * Configures and creates a pool of threads ({@link Parallel#threadPool()}).
 *
 * <pre>{@code
 * try (ThreadPool pool = Parallel.threadPool()
 *     .threads(4)
 *     .threadFactory(task -> new Thread(task, "renderer"))
 *     .build()) {
 *   List<Long> cubes = pool.map(CubesParallel::cube, List.of(1, 2, 3));
 * }
 * }</pre>
 *
 * <p>Each option may be set once; a setter checks its argument at once and names the option and the
 * value it rejects. Not thread-safe: configure a builder in one thread. {@link #build()} may be
 * called more than once, for pools of the same configuration.
 */
public final class ThreadPoolBuilder {
  private static final int UNSET = -1;

  private int threads = UNSET;
  private ThreadFactory threadFactory;

  ThreadPoolBuilder() {}

  /**
   * The number of threads. Default: one per available processor ({@link
   * Runtime#availableProcessors()}).
   *
   * @param n the number of threads; at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code n} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ThreadPoolBuilder threads(int n) {
    requireUnset(threads == UNSET, "threads was already set to %d", threads);
    requireArgument(n > 0, "threads must be positive, got %d", n);
    threads = n;
    return this;
  }

  /**
   * Where the pool's worker threads come from: the pool asks {@code factory} for a thread each time
   * it needs one more worker, up to {@link #threads(int)}, and for no other thread (its callbacks
   * and {@code CompletableFuture} views run on threads of the library's own, see {@link
   * AsyncResult}). The factory decides the threads' names, daemon status, priority, context class
   * loader and uncaught-exception handler; a factory of virtual threads ({@code
   * Thread.ofVirtual().factory()}) makes a pool of virtual threads. A factory that returns null or
   * throws fails the submission that needed the thread. Default: daemon platform threads named
   * {@code parallelizable-threads-P-worker-K}.
   *
   * <p>Threads that are not daemons keep the JVM alive until the pool is shut down.
   *
   * @param factory makes the pool's worker threads; not null
   * @return this builder
   * @throws IllegalArgumentException if {@code factory} is null
   * @throws IllegalStateException if it was already set
   */
  public ThreadPoolBuilder threadFactory(ThreadFactory factory) {
    requireUnset(threadFactory == null, "threadFactory was already set to %s", threadFactory);
    requireArgument(factory != null, "threadFactory must not be null");
    threadFactory = factory;
    return this;
  }

  /**
   * Creates the pool. Its threads start as tasks arrive.
   *
   * @return a new thread pool
   */
  public ThreadPool build() {
    int n = threads == UNSET ? Runtime.getRuntime().availableProcessors() : threads;
    ThreadFactory factory = threadFactory;
    return ExecutorPool.create("thread pool", n, number -> factory != null
        ? ExecutorPool.checked(factory)
        : ExecutorPool.daemonThreads("parallelizable-threads-" + number + "-worker-"));
  }

  private static void requireArgument(boolean valid, String format, Object... values) {
    if (!valid) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, format, values));
    }
  }

  private static void requireUnset(boolean unset, String format, Object... values) {
    if (!unset) {
      throw new IllegalStateException(String.format(Locale.ROOT, format, values));
    }
  }

  @Override
  public String toString() {
    return "ThreadPoolBuilder[threads=" + (threads == UNSET ? "one per processor" : threads)
        + ", threadFactory=" + (threadFactory == null ? "default" : threadFactory) + "]";
  }
}
