package dev.parallelizable;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A kind of pool the contract suite runs against. Every kind must pass every contract test; a test
 * that depends on running in the caller or on shared memory says so with an assumption.
 */
public record PoolKind(String name, IntFunction<Pool> factory, boolean runsInCaller, boolean sharesMemory) {

  /** The kinds of pool the runtime offers on this JDK. */
  public static List<PoolKind> all() {
    List<PoolKind> kinds = new ArrayList<>();
    kinds.add(new PoolKind("sequential", n -> Parallel.sequential(), true, true));
    kinds.add(new PoolKind("threads", Parallel::threads, false, true));
    kinds.add(new PoolKind("processes", Parallel::processes, false, false));
    if (Runtime.version().feature() >= 21) {
      kinds.add(new PoolKind("virtual threads", Parallel::virtualThreads, false, true));
    }
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
