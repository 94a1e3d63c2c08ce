package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Pool;
import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * "Parallel is slower than my for-loop": {@link Cubes#cube} of 1 to n, timed as a for loop that
 * collects the cubes in a {@code List<Long>} (the baseline: a pool's {@code map} returns a list
 * too), as a for loop into a {@code long[]}, as a map on each kind of pool (the generated {@code
 * cubeMap}, and {@code pool.map(CubesParallel::cube, ...)}), and as one block of numbers per worker
 * written by hand; each with its ratio to the baseline.
 *
 * <p>Like is compared with like: every timed call reads each cube it computed, adding them up,
 * and the sum is checked. A map's list boxes a result only when it is read, so reading is where it
 * pays for boxing. Each round times every way once, in an order of its own, so a slow moment of
 * the machine or a garbage collection falls on every way alike. The table shows each way's median
 * round, its ratio, and its fastest and slowest rounds.
 *
 * <p>The {@code long[]} loop makes no boxes, so what it saves is what the baseline's boxes cost,
 * the collector's work included. It is also the least work any way does: every way on a pool
 * computes each cube, stores it in a {@code long[]} and has the caller read it, so no way on w
 * workers can take less than 1/w of the {@code long[]} loop's time. {@link #run} compares their
 * fastest rounds, the least disturbed by the machine, and fails if a way on a pool beat that bound:
 * a measuring error, which it will not print as a result. (The baseline is no such bound: a map's
 * results are not boxes that live as long as the list, so on threads a map can save more of the
 * baseline's time than its workers alone would.)
 */
public final class SlowerThanLoop {
  /** A warm-up computes at least this many cubes on each way, so that the JIT compiled them all. */
  private static final int WARM_UP_CUBES = 100_000;

  private SlowerThanLoop() {}

  /**
   * One way of computing the cubes of a list of numbers, then reading every one: {@code
   * sumOfCubes} returns their sum. {@code workers} is the size of the pool it runs on, 0 for a loop
   * in the calling thread.
   */
  private record Way(String name, int workers, ToLongFunction<List<Integer>> sumOfCubes) {}

  /** A way's times for one n, in milliseconds, sorted. */
  private record Times(double[] millis) {
    double median() {
      int rounds = millis.length;
      return rounds % 2 == 1
          ? millis[rounds / 2]
          : (millis[rounds / 2 - 1] + millis[rounds / 2]) / 2;
    }

    double fastest() {
      return millis[0];
    }

    double slowest() {
      return millis[millis.length - 1];
    }
  }

  /**
   * Times every way for each of {@code sizes} and prints the table.
   *
   * @throws IllegalStateException if some way's cubes do not add up to the sum of the cubes of 1
   *     to n, or if a way on a pool took less than 1/workers of the {@code long[]} loop's time in
   *     their fastest rounds (see {@link #checkSpeedup}); the table is printed first
   */
  public static void run(PrintStream out, int rounds, int... sizes) {
    int workers = Runtime.getRuntime().availableProcessors();
    Way boxingLoop = new Way("for loop into a List<Long>", 0, numbers -> sum(loop(numbers)));
    Way arrayLoop = new Way("for loop into a long[]", 0, numbers -> sum(arrayLoop(numbers)));
    List<Way> ways;
    Times[][] times;
    try (Pool threads = Isolation.THREADS.pool(workers);
        Pool processes = Isolation.PROCESSES.pool(workers)) {
      ways =
          List.of(
              boxingLoop,
              arrayLoop,
              new Way("threads(" + workers + "), cubeMap", workers, numbers -> sum(cubeMap(threads, numbers))),
              new Way("processes(" + workers + "), cubeMap", workers, numbers -> sum(cubeMap(processes, numbers))),
              new Way("threads(" + workers + "), map", workers, numbers -> sum(map(threads, numbers))),
              new Way("processes(" + workers + "), map", workers, numbers -> sum(map(processes, numbers))),
              new Way("threads(" + workers + "), a block per worker", workers,
                  numbers -> sum(blocks(threads, numbers))),
              new Way("processes(" + workers + "), a block per worker", workers,
                  numbers -> sum(blocks(processes, numbers))));
      times = new Times[sizes.length][];
      for (int i = 0; i < sizes.length; i++) {
        times[i] = time(ways, numbersUpTo(sizes[i]), rounds);
      }
    }
    out.printf(
        "cube(x) for x in 1..n, %d workers per pool; each timed call adds up the cubes it made.%n",
        workers);
    out.printf(
        "Median of %d rounds after warm-up, each round timing every way once; xN: N times the%n",
        rounds);
    out.println("List<Long> loop's median; (fastest..slowest) round, in ms.");
    StringBuilder header = new StringBuilder(String.format("%-34s", ""));
    for (int n : sizes) {
      header.append(String.format("%14s%28s", String.format("n = %,d", n), ""));
    }
    out.println(header.toString().stripTrailing());
    int baseline = ways.indexOf(boxingLoop);
    for (int w = 0; w < ways.size(); w++) {
      StringBuilder row = new StringBuilder(String.format("%-34s", ways.get(w).name()));
      for (Times[] timesOfSize : times) {
        Times way = timesOfSize[w];
        row.append(
            String.format(
                "%11.3f ms%8s  %-18s",
                way.median(),
                w == baseline ? "" : String.format("x%.2f", way.median() / timesOfSize[baseline].median()),
                "(" + brief(way.fastest()) + ".." + brief(way.slowest()) + ")"));
      }
      out.println(row.toString().stripTrailing());
    }
    out.flush();
    int least = ways.indexOf(arrayLoop);
    for (int i = 0; i < sizes.length; i++) {
      for (int w = 0; w < ways.size(); w++) {
        if (ways.get(w).workers() > 0) {
          checkSpeedup(
              ways.get(w).name(), sizes[i], times[i][w].fastest() / times[i][least].fastest(), ways.get(w).workers());
        }
      }
    }
    out.println("The long[] loop makes no boxes: the rest of the List<Long> loop's time is its");
    out.println("boxes, made and then copied by the collector while the list holds them. A map of");
    out.println("one @Parallelizable method runs in batches: a chunk of numbers travels as one int[],");
    out.println("a generated loop calls cube(x) directly, and the results come back as one long[],");
    out.println("each boxed only when read and dropped at once; so on threads a map can save more of");
    out.println("the List<Long> loop's time than its workers alone would. A block per worker does the");
    out.println("same by hand, then boxes into a list. The long[] loop is the work itself, and");
    out.println("sending a number costs more than cubing it. Work pays when each task outweighs its");
    out.println("sending: a whole image or PDF per task, as in `thumbnails` and `pdf-text`.");
  }

  public static void main(String[] args) {
    run(System.out, 5, 999, 999_999);
  }

  /**
   * Fails if a way on a pool of {@code workers} workers took {@code ratio} times the {@code long[]}
   * loop's time in their fastest rounds, with {@code ratio} below {@code 1 / workers}: the way does
   * at least the loop's work, so it would have shared it between the workers better than
   * perfectly, which only a measuring error shows.
   *
   * @throws IllegalStateException naming the way, n, the ratio and the bound
   */
  static void checkSpeedup(String way, int n, double ratio, int workers) {
    double bound = 1.0 / workers;
    if (ratio < bound) {
      throw new IllegalStateException(
          String.format(
              "%s took x%.3f the long[] loop's time for n = %,d (fastest rounds), below the bound of"
                  + " 1/%d = %.3f: it does at least the loop's work, so %d workers cannot take less; a"
                  + " measuring error (is every result read in the timed call, was every way warmed up?)",
              way, ratio, n, workers, bound, workers));
    }
  }

  /** A time in milliseconds to three significant digits or to the microsecond. */
  private static String brief(double millis) {
    return String.format(millis >= 100 ? "%.0f" : millis >= 10 ? "%.1f" : millis >= 1 ? "%.2f" : "%.3f", millis);
  }

  private static List<Integer> numbersUpTo(int n) {
    return IntStream.rangeClosed(1, n).boxed().collect(Collectors.toUnmodifiableList());
  }

  /**
   * Each way's times for {@code numbers}, in the order of {@code ways}, after enough warm-up rounds
   * for each way to compute {@link #WARM_UP_CUBES} cubes. Every round runs every way once, in an
   * order of its own, so that no way always follows the same one, whose garbage its allocations
   * would pay to collect.
   */
  private static Times[] time(List<Way> ways, List<Integer> numbers, int rounds) {
    int n = numbers.size();
    int warmUpRounds = Math.max(1, (WARM_UP_CUBES + n - 1) / n);
    List<Integer> order = new ArrayList<>(IntStream.range(0, ways.size()).boxed().toList());
    Random shuffle = new Random(n);
    double[][] millis = new double[ways.size()][rounds];
    for (int round = -warmUpRounds; round < rounds; round++) {
      Collections.shuffle(order, shuffle);
      for (int w : order) {
        Way way = ways.get(w);
        long start = System.nanoTime();
        long sum = way.sumOfCubes().applyAsLong(numbers);
        long nanos = System.nanoTime() - start;
        checkSum(way, n, sum);
        if (round >= 0) {
          millis[w][round] = nanos / 1e6;
        }
      }
    }
    Times[] times = new Times[ways.size()];
    for (int w = 0; w < ways.size(); w++) {
      Arrays.sort(millis[w]);
      times[w] = new Times(millis[w]);
    }
    return times;
  }

  /**
   * Fails unless {@code sum} is the sum of the cubes of 1 to n, (n(n + 1) / 2)²; both wrap around
   * alike past {@link Long#MAX_VALUE}.
   */
  private static void checkSum(Way way, int n, long sum) {
    long triangle = (long) n * (n + 1) / 2;
    if (sum != triangle * triangle) {
      throw new IllegalStateException(
          way.name() + " computed cubes of 1.." + n + " that add up to " + sum + ", not " + triangle * triangle);
    }
  }

  /** Reads every cube, as a caller that uses the results would. */
  private static long sum(List<Long> cubes) {
    long sum = 0;
    for (long cube : cubes) {
      sum += cube;
    }
    return sum;
  }

  private static long sum(long[] cubes) {
    long sum = 0;
    for (long cube : cubes) {
      sum += cube;
    }
    return sum;
  }

  /** The numbers are 1 to n: the loop counts, as Python's {@code for x in range(1, n + 1)} does. */
  private static List<Long> loop(List<Integer> numbers) {
    int n = numbers.size();
    List<Long> cubes = new ArrayList<>(n);
    for (int x = 1; x <= n; x++) {
      cubes.add(Cubes.cube(x));
    }
    return cubes;
  }

  /** The same loop without boxes. */
  private static long[] arrayLoop(List<Integer> numbers) {
    int n = numbers.size();
    long[] cubes = new long[n];
    for (int x = 1; x <= n; x++) {
      cubes[x - 1] = Cubes.cube(x);
    }
    return cubes;
  }

  private static List<Long> cubeMap(Pool pool, List<Integer> numbers) {
    return CubesParallel.on(pool).cubeMap(numbers);
  }

  private static List<Long> map(Pool pool, List<Integer> numbers) {
    return pool.map(CubesParallel::cube, numbers);
  }

  /** The numbers are 1 to n, so a block is a range: one task per worker. */
  private static List<Long> blocks(Pool pool, List<Integer> numbers) {
    int n = numbers.size();
    int workers = pool.size();
    List<int[]> ranges = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      ranges.add(new int[] {1 + (int) ((long) n * w / workers), 1 + (int) ((long) n * (w + 1) / workers)});
    }
    List<Long> cubes = new ArrayList<>(n);
    for (long[] block : pool.map(range -> CubesParallel.cubes(range[0], range[1]), ranges)) {
      for (long cube : block) {
        cubes.add(cube);
      }
    }
    return cubes;
  }
}
