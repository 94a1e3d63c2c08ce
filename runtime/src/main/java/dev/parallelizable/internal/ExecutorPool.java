package dev.parallelizable.internal;

import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.ThreadPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A pool whose workers are the threads of an {@link ExecutorService}: platform threads for {@code
 * Parallel.threads(n)}, virtual threads for {@code Parallel.virtualThreads()}. Each chunk is one
 * runnable that runs its tasks in order on one thread, so a task costs no allocation of its own
 * beyond the task and its result.
 *
 * <p>Each thread gets its row in {@link #stats()} (and a WorkerStart event) when it runs its first
 * chunk; threads are never lost or replaced.
 *
 * <p>{@link #executorService()} runs plain runnables in the same executor, each marked ({@link
 * Submitted}) so that a {@code shutdownNow()} returns those that never started.
 */
public final class ExecutorPool extends AbstractPool implements ThreadPool {
  /** How long {@link #terminate()} waits for interrupted threads before giving up on them. */
  private static final long TERMINATE_WAIT_MILLIS = 2_000;
  /** Numbers the thread pools of the JVM, platform and virtual alike, from 1. */
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ThreadPoolExecutor executor;
  /** The row of the pool thread that reads it; set at its first chunk. */
  private final ThreadLocal<PoolCounters.Worker> worker = new ThreadLocal<>();
  /** What the executor held and never started when the pool was terminated; set once. */
  private volatile List<Runnable> neverStarted = List.of();

  /**
   * A pool named {@code poolName} ({@code Pool.name()}), shown in messages as {@code name}, of
   * {@code size} threads of {@code executor}.
   */
  private ExecutorPool(String poolName, String name, int size, ThreadPoolExecutor executor) {
    super(poolName, name, size);
    this.executor = executor;
  }

  /**
   * A pool of {@code n} threads named {@code given}, or {@code "<kind> P"} if null, P being the
   * pool's number, whose threads come from {@code threads.apply(P)}.
   */
  public static ExecutorPool create(String kind, String given, int n, IntFunction<ThreadFactory> threads) {
    int number = POOLS.incrementAndGet();
    ThreadFactory factory = threads.apply(number);
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(n, n, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), factory);
    String numbered = kind + " " + number;
    return new ExecutorPool(given == null ? numbered : given,
        PoolNames.shown(kind, given, numbered) + " (" + Texts.count(n, "thread") + ")", n, executor);
  }

  /**
   * A factory of daemon platform threads named {@code prefix} and a count from 1; the default of
   * a thread pool.
   */
  public static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * A user's thread factory, checked: one that returns null fails the submission that needed the
   * thread, naming the factory, instead of leaving the work queued with no thread to run it.
   */
  public static ThreadFactory checked(ThreadFactory factory) {
    return runnable -> {
      Thread thread = factory.newThread(runnable);
      if (thread == null) {
        throw new IllegalStateException(
            "The threadFactory " + factory + " returned null instead of a new thread; it must return an"
                + " unstarted thread that runs the runnable it is given");
      }
      return thread;
    };
  }

  /** Threads isolate nothing from the caller, so a tiny map may as well run there. */
  @Override
  protected boolean mayRunInCaller() {
    return true;
  }

  @Override
  protected void dispatch(Chunk chunk) {
    var event = beginDispatch();
    try {
      executor.execute(() -> runOn(chunk, thisWorker()));
      endDispatch(event, chunk, "executor queue");
    } catch (RejectedExecutionException e) {
      // shutdown() or terminate() raced with this submit: the executor stopped accepting after our
      // own check. A terminated pool fails the chunk as it failed those in flight.
      if (abortIfTerminated(chunk)) {
        return;
      }
      chunk.cancel(this + " was shut down");
      throw new IllegalStateException(this + " was shut down; create a new pool to run more tasks", e);
    } catch (RuntimeException | Error e) {
      // The thread factory failed to make the thread this chunk needed: the chunk never runs.
      chunk.abort(new TaskCancelledException("Not submitted: " + Describe.throwable(e)));
      throw e;
    }
  }

  private PoolCounters.Worker thisWorker() {
    PoolCounters.Worker row = worker.get();
    if (row == null) {
      row = newLocalWorker(Thread.currentThread().getName());
      worker.set(row);
    }
    return row;
  }

  @Override
  protected void stopWhenIdle() {
    executor.shutdown();
  }

  @Override
  protected void awaitStopped() throws InterruptedException {
    while (!executor.awaitTermination(1, TimeUnit.DAYS)) {
      // keep waiting: join() has no deadline, as in Python
    }
  }

  @Override
  protected void stopNow() {
    neverStarted = executor.shutdownNow();
    try {
      // A task that ignores interrupts keeps its thread; its result has already failed.
      executor.awaitTermination(TERMINATE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public ExecutorService executorService() {
    return new Service();
  }

  /** A runnable submitted through {@link #executorService()}. */
  private record Submitted(Runnable runnable) implements Runnable {
    @Override
    public void run() {
      runnable.run();
    }
  }

  /** The {@link ThreadPool#executorService()} view: this pool's executor and lifecycle. */
  private final class Service extends AbstractExecutorService {
    @Override
    public void execute(Runnable command) {
      if (command == null) {
        throw new NullPointerException("command must not be null");
      }
      if (isShutdown()) {
        throw new RejectedExecutionException(ExecutorPool.this + " was shut down; it runs nothing more");
      }
      executor.execute(new Submitted(command));
    }

    @Override
    public void shutdown() {
      ExecutorPool.this.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
      terminate();
      List<Runnable> submitted = new ArrayList<>();
      for (Runnable queued : neverStarted) {
        if (queued instanceof Submitted mine) {
          submitted.add(mine.runnable());
        }
      }
      return submitted;
    }

    @Override
    public boolean isShutdown() {
      return ExecutorPool.this.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return executor.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return executor.awaitTermination(timeout, unit);
    }

    @Override
    public String toString() {
      return "ExecutorService[" + ExecutorPool.this + "]";
    }
  }
}
