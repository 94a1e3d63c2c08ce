package dev.parallelizable.samples.tutorial;

import dev.parallelizable.AsyncResult;
import dev.parallelizable.Pool;
import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The tutorial's pool program: {@link Cubes#cube} of 1 to 999 on a pool of three workers, first
 * one {@code apply_async} per number, then one {@code map}. Python's
 *
 * <pre>{@code
 * pool = multiprocessing.Pool(3)               # multiprocessing.pool.ThreadPool(3) for threads
 * processes = [pool.apply_async(cube, args=(x,)) for x in range(1, 1000)]
 * result = [p.get() for p in processes]
 * result = pool.map(cube, range(1, 1000))
 * }</pre>
 *
 * Moving from processes to threads changes one line: the {@code isolation.pool(3)} below, that
 * is {@code Parallel.processes(3)} or {@code Parallel.threads(3)}.
 */
public final class CubePool {
  static final List<Integer> NUMBERS =
      IntStream.range(1, 1000).boxed().collect(Collectors.toUnmodifiableList());

  private CubePool() {}

  /** Runs the program on a pool of the given kind, printing to {@code out}. */
  public static void run(PrintStream out, Isolation isolation) {
    try (Pool pool = isolation.pool(3)) {
      out.println("cube(x) for x in 1..999 on " + isolation + "(3), apply_async then get:");
      Report clock = Report.start();
      CubesParallel cubes = CubesParallel.on(pool);
      List<AsyncResult<Long>> pending = new ArrayList<>();
      for (int x : NUMBERS) {
        pending.add(cubes.cubeAsync(x));
      }
      List<Long> results = new ArrayList<>();
      for (AsyncResult<Long> result : pending) {
        results.add(result.get());
      }
      clock.finished(out);
      out.println(Report.cubes(results));

      out.println("The same with map:");
      clock = Report.start();
      results = pool.map(CubesParallel::cube, NUMBERS);
      clock.finished(out);
      out.println(Report.cubes(results));
    }
  }

  public static void main(String[] args) {
    run(System.out, Isolation.fromArguments(args, Isolation.PROCESSES));
  }
}
