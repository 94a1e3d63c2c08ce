package dev.parallelizable;

import java.util.concurrent.ExecutorService;

/**
 * A {@link Pool} whose workers are threads of this JVM ({@link Parallel#threads(int)}, {@link
 * Parallel#virtualThreads(int)}, {@link Parallel#threadPool()}), which can therefore also run plain
 * {@link Runnable}s and {@link java.util.concurrent.Callable}s: {@link #executorService()}.
 *
 * <p>Only pools of threads offer it. A worker JVM or a cluster member runs {@link Task}s, the calls
 * of {@code @Parallelizable} methods that the generated classes describe so that they can cross to
 * another JVM; a lambda cannot cross. {@link Pool#applyAsync(Task)} is every pool's way to submit a
 * task, and its {@link AsyncResult} is a {@link java.util.concurrent.Future}.
 *
 * <p>Thread-safe.
 */
public interface ThreadPool extends Pool {
  /**
   * An {@link ExecutorService} that runs {@link Runnable}s and {@link java.util.concurrent.Callable}s
   * on this pool's threads, in the same queue as its tasks, for APIs that take an {@link
   * java.util.concurrent.Executor} or an {@code ExecutorService} (for example {@code
   * CompletableFuture.supplyAsync(supplier, pool.executorService())}). What it runs is not a task of
   * the pool: {@link #stats()} and progress listeners do not count it, and no callback of the pool
   * runs for it.
   *
   * <p>Its lifecycle is the pool's: {@code shutdown()} is {@link #shutdown()}, {@code shutdownNow()}
   * is {@link #terminate()} (it interrupts the running tasks and returns once the pool's threads
   * stopped, or after two seconds) and returns what was submitted through this view and never
   * started; {@code awaitTermination} waits for the pool's threads; after the pool is shut down,
   * {@code execute} and {@code submit} throw {@link java.util.concurrent.RejectedExecutionException}.
   * Every call returns a view of the same pool. Thread-safe.
   *
   * @return an executor service over this pool's threads
   */
  ExecutorService executorService();
}
