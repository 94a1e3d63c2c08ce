package dev.parallelizable;

import dev.parallelizable.cluster.LoopbackCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A kind of pool the contract suite runs against. Every kind must pass every contract test; a test
 * that depends on running in the caller, on shared memory, on encoding or on a per-task timeout says
 * so with an assumption or a branch.
 *
 * @param runsInCaller whether tasks run in the submitting thread (applyAsync returns a done result)
 * @param sharesMemory whether tasks see the test's static fields
 * @param encodes whether arguments, results and exceptions are encoded to cross to the worker
 * @param decodes whether what is encoded is decoded again, under the codec's filter and bounds (a
 *     cached view of threads encodes arguments and results for its keys and entries, and decodes
 *     only what it reads back on a hit)
 * @param withTaskTimeout a pool of two workers with that per-task timeout, or null if the kind has none
 */
public record PoolKind(
    String name,
    IntFunction<Pool> factory,
    boolean runsInCaller,
    boolean sharesMemory,
    boolean encodes,
    boolean decodes,
    Function<Duration, Pool> withTaskTimeout) {

  /**
   * The kinds of pool on this JDK: sequential, sequential through the codec, threads, virtual
   * threads, processes, processes that recycle class loaders, cluster.
   */
  public static List<PoolKind> all() {
    List<PoolKind> kinds = new ArrayList<>();
    kinds.add(new PoolKind("sequential", n -> Parallel.sequential(), true, true, false, false, null));
    // The caller, with every argument, result and exception through the codec, as processes do.
    kinds.add(new PoolKind("sequential through the codec", n -> Parallel.sequentialThroughCodec(), true, true,
        true, true, null));
    kinds.add(new PoolKind("threads", Parallel::threads, false, true, false, false, null));
    if (Runtime.version().feature() >= 21) {
      kinds.add(new PoolKind("virtual threads", Parallel::virtualThreads, false, true, false, false, null));
    }
    kinds.add(new PoolKind("processes", Parallel::processes, false, false, true, true,
        timeout -> Parallel.processPool().workers(2).taskTimeout(timeout).build()));
    // Every second task in a new class loader: no task may depend on static state a task before it left.
    kinds.add(new PoolKind("processes, a class loader per 2 tasks",
        n -> Parallel.processPool().workers(n).maxTasksPerClassLoader(2).build(), false, false, true, true,
        timeout -> Parallel.processPool().workers(2).maxTasksPerClassLoader(2).taskTimeout(timeout).build()));
    // Three members in this JVM: tasks share its memory, but every argument and result is encoded.
    kinds.add(new PoolKind("cluster", n -> LoopbackCluster.sharedPool(), false, true, true, true,
        timeout -> LoopbackCluster.sharedPool(timeout)));
    return kinds;
  }

  /**
   * {@link #all()}, and the threads and processes again, each behind a view of a new {@link
   * ResultCache} of its own: its misses reach the pool, a call already made with the same arguments
   * is answered from disk.
   */
  public static List<PoolKind> withCachedViews() {
    List<PoolKind> kinds = all();
    for (PoolKind kind : List.copyOf(kinds)) {
      if (kind.name().equals("threads") || kind.name().equals("processes")) {
        kinds.add(kind.cached());
      }
    }
    return kinds;
  }

  private static final AtomicInteger CACHES = new AtomicInteger();

  /** This kind behind a view of a new, empty {@link ResultCache}. */
  private PoolKind cached() {
    return new PoolKind(name + ", behind a ResultCache", n -> newCache().on(factory.apply(n)), runsInCaller,
        sharesMemory, true, decodes, withTaskTimeout == null ? null : timeout -> newCache().on(withTaskTimeout.apply(timeout)));
  }

  private static ResultCache newCache() {
    return ResultCache.open(Path.of("target", "result-caches", ProcessHandle.current().pid() + "-" + CACHES.incrementAndGet()));
  }

  public Pool create(int workers) {
    return factory.apply(workers);
  }

  @Override
  public String toString() {
    return name;
  }
}
