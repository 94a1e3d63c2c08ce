package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Parallelizable;
import dev.parallelizable.Pool;
import dev.parallelizable.PoolStats;
import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A pool you can watch: a {@code map} of slow cubes on two workers, with a progress line built
 * from {@link Pool#stats()} printed five times a second while it runs, and once more at the end.
 * Run it with {@code -XX:StartFlightRecording=filename=watched.jfr} to record the pool's JFR events
 * too (see docs/observability.md).
 */
public final class WatchedPool {
  private WatchedPool() {}

  /** {@code x} cubed, after {@code millis} of pretend work. */
  @Parallelizable
  public static long slowCube(int x, long millis) throws InterruptedException {
    Thread.sleep(millis);
    return (long) x * x * x;
  }

  /** One line of progress from a snapshot of a pool. */
  public static String progressLine(PoolStats stats) {
    long busyMillis = stats.workers().stream().mapToLong(w -> w.busyTime().toMillis()).sum();
    return String.format("%s: %d/%d done, %d failed, %d running, %d queued, %d workers busy %d ms",
        stats.pool(), stats.done(), stats.submitted(), stats.failed(), stats.running(),
        stats.queued(), stats.workers().size(), busyMillis);
  }

  /** Cubes 1 to {@code count}, each taking {@code millis}, printing progress to {@code out}. */
  public static void run(PrintStream out, Isolation isolation, int count, long millis) {
    List<Integer> numbers = IntStream.rangeClosed(1, count).boxed().collect(Collectors.toList());
    try (Pool pool = isolation.pool(2)) {
      ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
      ticker.scheduleAtFixedRate(
          () -> out.println(progressLine(pool.stats())), 0, 200, TimeUnit.MILLISECONDS);
      List<Long> cubes;
      try {
        cubes = pool.map(x -> WatchedPoolParallel.slowCube(x, millis), numbers, 4);
      } finally {
        ticker.shutdownNow();
        awaitQuietly(ticker);
      }
      out.println(progressLine(pool.stats()));
      out.println("sum of the cubes: " + cubes.stream().mapToLong(Long::longValue).sum());
    }
  }

  private static void awaitQuietly(ScheduledExecutorService ticker) {
    try {
      ticker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void main(String[] args) {
    run(System.out, Isolation.fromArguments(args, Isolation.PROCESSES), 200, 10);
  }
}
