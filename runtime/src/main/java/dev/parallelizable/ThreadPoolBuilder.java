package dev.parallelizable;

import dev.parallelizable.internal.PoolNames;
import java.util.concurrent.ThreadFactory;

/**
 * Configures and creates a pool of platform threads ({@link Parallel#threadPool()}) or of virtual
 * threads ({@link Parallel#virtualThreadPool()}), for the options that {@link Parallel#threads(int)}
 * and {@link Parallel#virtualThreads(int)} do not take.
 *
 * <pre>{@code
 * try (ThreadPool pool = Parallel.threadPool().threads(8).name("thumbnails").build()) {
 *   List<Path> thumbnails = pool.map(p -> ImagesParallel.thumbnail(p, 128), paths);
 * }
 * }</pre>
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>Option</th><th>Default</th></tr>
 *   <tr><td>{@link #threads(int)}</td><td>one per available processor; 256 for virtual
 *       threads</td></tr>
 *   <tr><td>{@link #threadFactory(ThreadFactory)}</td><td>daemon platform threads, or virtual
 *       threads, named after the pool</td></tr>
 *   <tr><td>{@link #name(String)}</td><td>{@code "thread pool N"} or {@code "virtual thread pool
 *       N"}, {@code N} counted from 1 over the thread pools of the JVM</td></tr>
 * </table>
 *
 * <p>Each option is set at most once, and each setter checks its argument at once, with a message
 * naming the option and the value. The pool built is the one the {@link Parallel} factories
 * create, with the same contract.
 *
 * <p>Not thread-safe: configure a builder from one thread. It may build any number of pools; each
 * is a new pool, and pools built from one builder share its name.
 */
public final class ThreadPoolBuilder {
  private static final int UNSET = -1;

  private final boolean virtual;
  private int threads = UNSET;
  private String name;
  private ThreadFactory threadFactory;

  ThreadPoolBuilder(boolean virtual) {
    this.virtual = virtual;
  }

  /**
   * The number of threads: of a pool of virtual threads, the most tasks that run at once.
   *
   * @param n the number of threads; at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code n} is not positive
   * @throws IllegalStateException if it was already set
   */
  public ThreadPoolBuilder threads(int n) {
    if (threads != UNSET) {
      throw new IllegalStateException("threads was already set to " + threads);
    }
    if (n <= 0) {
      throw new IllegalArgumentException("threads must be positive, got " + n);
    }
    threads = n;
    return this;
  }

  /**
   * The pool's name ({@link Pool#name()}): in its messages, in its JFR events and stats, in its
   * threads' names ({@code parallelizable-NAME-worker-K}, thread {@code K} of the pool, counted from
   * 1), and the tag of its metrics. Two pools may share a name; see {@link Pool#name()}.
   *
   * @param name the name; not blank, at most 64 characters, no control character
   * @return this builder
   * @throws IllegalArgumentException if {@code name} is null, blank, longer than 64 characters or
   *     holds a control character (a line break, a tab...)
   * @throws IllegalStateException if it was already set
   */
  public ThreadPoolBuilder name(String name) {
    if (this.name != null) {
      throw new IllegalStateException("name was already set to '" + this.name + "'");
    }
    this.name = PoolNames.check(name);
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
   * {@code parallelizable-threads-P-worker-K} (of a pool of virtual threads, virtual threads named
   * {@code parallelizable-virtual-P-K}), or {@code parallelizable-NAME-worker-K} for a named pool.
   *
   * <p>Threads that are not daemons keep the JVM alive until the pool is shut down.
   *
   * @param factory makes the pool's worker threads; not null
   * @return this builder
   * @throws IllegalArgumentException if {@code factory} is null
   * @throws IllegalStateException if it was already set
   */
  public ThreadPoolBuilder threadFactory(ThreadFactory factory) {
    if (threadFactory != null) {
      throw new IllegalStateException("threadFactory was already set to " + threadFactory);
    }
    if (factory == null) {
      throw new IllegalArgumentException("threadFactory must not be null");
    }
    threadFactory = factory;
    return this;
  }

  /**
   * Creates the pool. Its threads are created on demand and kept until the pool is shut down.
   *
   * @return a new pool
   * @throws UnsupportedOperationException for virtual threads on a JDK before 21, which has none,
   *     unless a {@link #threadFactory(ThreadFactory)} makes the threads
   */
  public ThreadPool build() {
    if (virtual) {
      return Parallel.newVirtualThreadPool(
          name, threads == UNSET ? Parallel.DEFAULT_VIRTUAL_THREADS : threads, threadFactory);
    }
    return Parallel.newThreadPool(
        name, threads == UNSET ? Runtime.getRuntime().availableProcessors() : threads, threadFactory);
  }

  @Override
  public String toString() {
    return "ThreadPoolBuilder[" + (virtual ? "virtual" : "platform") + ", threads="
        + (threads == UNSET ? "default" : threads) + ", name=" + (name == null ? "default" : "'" + name + "'")
        + ", threadFactory=" + (threadFactory == null ? "default" : threadFactory) + "]";
  }
}
