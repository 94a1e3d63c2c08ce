package dev.parallelizable.process;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.SharedData;
import dev.parallelizable.fixtures.SharedReadsParallel;
import dev.parallelizable.fixtures.WorkParallel;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A parent JVM for {@link ParentDeathTest}: starts a pool of two workers, runs a task, prints {@code
 * WORKERS} and the workers' pids, and then either keeps both workers busy and waits to be killed
 * ({@code busy}: each worker prints {@code BUSY} when its task starts), or exits without closing
 * the pool ({@code exit}). In mode {@code apply} it prints {@code RESULT} and a task's result, and
 * closes the pool. In mode {@code shared} the pool first reads a {@link SharedData} handle and a
 * large array on both workers (so both have mapped their files), then keeps them busy.
 * closes the pool. In modes {@code kept} and {@code kept-exit} it closes a pool whose workers are
 * kept for reuse, prints {@code WORKERS} and their pids, and then waits to be killed ({@code kept})
 * or exits ({@code kept-exit}). In mode {@code closed-stdin} the workers' tasks close their standard
 * input, which then no longer tells them the parent is gone; it prints {@code WORKERS} and waits to
 * be killed.
 */
public final class ParentMain {
  private ParentMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args[0].startsWith("kept")) {
      try (Pool kept = Parallel.processPool().workers(2).reuseWorkersFor(Duration.ofMinutes(5)).build()) {
        kept.map(WorkParallel::sleepMillis, List.of(200L, 200L), 1); // both workers ran a task
      }
      System.out.println(
          "WORKERS " + Workers.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
      System.out.flush();
      if (args[0].equals("kept-exit")) {
        System.exit(0);
      }
      Thread.sleep(60_000);
      return;
    }
    Pool pool = Parallel.processPool().workers(2).prestartWorkers().build(); // both, whatever runs
    if (args[0].equals("apply")) {
      System.out.println("RESULT " + pool.apply(WorkParallel.cube(3)));
      pool.close();
      return;
    }
    pool.apply(WorkParallel.cube(2));
    if (args[0].equals("closed-stdin")) {
      pool.map(i -> WorkParallel.closeStandardInput(), List.of(1, 2, 3, 4), 1);
      System.out.println(
          "WORKERS " + Workers.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
      System.out.flush();
      Thread.sleep(60_000);
      return;
    }
    if (args[0].equals("shared")) {
      SharedData data = SharedData.of(new double[1 << 20]);
      double[] large = new double[1 << 18];
      pool.map(i -> SharedReadsParallel.checksum(data), List.of(1, 2, 3, 4), 1);
      pool.map(i -> SharedReadsParallel.arrayChecksum(large), List.of(1, 2, 3, 4), 1);
    }
    System.out.println(
        "WORKERS " + Workers.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
    System.out.flush();
    if (args[0].equals("exit")) {
      System.exit(0);
    }
    pool.map(i -> WorkParallel.announceAndSleep("BUSY", 60_000), List.of(1, 2), 1);
  }
}
