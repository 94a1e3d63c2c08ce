package dev.parallelizable;

import dev.parallelizable.cluster.LoopbackCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * @param withTaskTimeout a pool of two workers with that per-task timeout, or null if the kind has none
 */
public record PoolKind(
    String name,
    IntFunction<Pool> factory,
    boolean runsInCaller,
    boolean sharesMemory,
    boolean encodes,
    Function<Duration, Pool> withTaskTimeout) {

  /**
   * The kinds of pool on this JDK: sequential, sequential through the codec, threads, virtual
   * threads, processes, processes that recycle class loaders, cluster.
   */
  public static List<PoolKind> all() {
    List<PoolKind> kinds = new ArrayList<>();
    kinds.add(new PoolKind("sequential", n -> Parallel.sequential(), true, true, false, null));
    // The caller, with every argument, result and exception through the codec, as processes do.
    kinds.add(new PoolKind("sequential through the codec", n -> Parallel.sequentialThroughCodec(), true, true,
        true, null));
    kinds.add(new PoolKind("threads", Parallel::threads, false, true, false, null));
    if (Runtime.version().feature() >= 21) {
      kinds.add(new PoolKind("virtual threads", Parallel::virtualThreads, false, true, false, null));
    }
    kinds.add(new PoolKind("processes", Parallel::processes, false, false, true,
        timeout -> Parallel.processPool().workers(2).taskTimeout(timeout).build()));
    // Every second task in a new class loader: no task may depend on static state a task before it left.
    kinds.add(new PoolKind("processes, a class loader per 2 tasks",
        n -> Parallel.processPool().workers(n).maxTasksPerClassLoader(2).build(), false, false, true,
        timeout -> Parallel.processPool().workers(2).maxTasksPerClassLoader(2).taskTimeout(timeout).build()));
    // Three members in this JVM: tasks share its memory, but every argument and result is encoded.
    kinds.add(new PoolKind("cluster", n -> LoopbackCluster.sharedPool(), false, true, true,
        timeout -> LoopbackCluster.sharedPool(timeout)));
    return kinds;
  }

  public Pool create(int workers) {
    return factory.apply(workers);
  }

  @Override
  public String toString() {
    return name;
  }
}
