package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Pool;
import dev.parallelizable.Task;
import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tutorial's joblib program: a list of deferred calls run by three workers. Python's
 *
 * <pre>{@code
 * from joblib import Parallel, delayed
 * results = Parallel(n_jobs=3)(delayed(cube)(x) for x in range(1, 1000))
 * results = Parallel(n_jobs=3, prefer="threads")(delayed(cube)(x) for x in range(1, 1000))
 * }</pre>
 *
 * {@code CubesParallel.cube(x)} is {@code delayed(cube)(x)}: it runs nothing, it only names the
 * call.
 */
public final class DelayedCalls {
  private DelayedCalls() {}

  /** Runs the program on a pool of the given kind, printing to {@code out}. */
  public static void run(PrintStream out, Isolation isolation) {
    List<Task<Long>> calls =
        CubePool.NUMBERS.stream().map(CubesParallel::cube).collect(Collectors.toList());
    out.println(calls.size() + " deferred calls, " + calls.get(0) + " to "
        + calls.get(calls.size() - 1) + ", run on " + isolation + "(3):");
    Report clock = Report.start();
    List<Long> results;
    try (Pool pool = isolation.pool(3)) {
      results = pool.run(calls);
    }
    clock.finished(out);
    out.println(Report.cubes(results));
  }

  public static void main(String[] args) {
    run(System.out, Isolation.fromArguments(args, Isolation.PROCESSES));
  }
}
