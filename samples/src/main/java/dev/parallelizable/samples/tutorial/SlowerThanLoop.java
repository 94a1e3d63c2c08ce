package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Pool;
import dev.parallelizable.samples.Isolation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * "Parallel is slower than my for-loop": {@link Cubes#cube} of 1 to n, timed as a plain loop, as a
 * map on each kind of pool (the generated {@code cubeMap}, and {@code pool.map(CubesParallel::cube,
 * ...)}), and as one block of numbers per worker written by hand, with each time's ratio to the
 * loop's. Each way runs once to warm up (start workers, compile), then {@code rounds} times; the
 * median is reported.
 *
 * <p>The lesson: a map of one {@code @Parallelizable} method runs in batches, a chunk of numbers
 * sent as one {@code int[]} and run by a generated loop that calls {@code cube} directly, so it
 * costs little more than the block per worker written by hand; what is left is moving the
 * numbers and boxing the results. Work that is not one method over many inputs still pays only
 * when each task outweighs its sending.
 */
public final class SlowerThanLoop {
  private SlowerThanLoop() {}

  /** One way of computing the cubes of a list of numbers. */
  private record Way(String name, Function<List<Integer>, List<Long>> cubes) {}

  /**
   * Times every way for each of {@code sizes} and prints the table.
   *
   * @throws IllegalStateException if some way's results differ from the loop's
   */
  public static void run(PrintStream out, int rounds, int... sizes) {
    int workers = Runtime.getRuntime().availableProcessors();
    try (Pool threads = Isolation.THREADS.pool(workers);
        Pool processes = Isolation.PROCESSES.pool(workers)) {
      List<Way> ways =
          List.of(
              new Way("for loop", SlowerThanLoop::loop),
              new Way("threads(" + workers + "), cubeMap", numbers -> cubeMap(threads, numbers)),
              new Way("processes(" + workers + "), cubeMap", numbers -> cubeMap(processes, numbers)),
              new Way("threads(" + workers + "), map", numbers -> map(threads, numbers)),
              new Way("processes(" + workers + "), map", numbers -> map(processes, numbers)),
              new Way("threads(" + workers + "), a block per worker", numbers -> blocks(threads, numbers)),
              new Way("processes(" + workers + "), a block per worker", numbers -> blocks(processes, numbers)));
      out.printf(
          "cube(x) for x in 1..n: median of %d rounds after one warm-up, %d workers per pool%n",
          rounds, workers);
      StringBuilder header = new StringBuilder(String.format("%-34s", ""));
      for (int n : sizes) {
        header.append(String.format("%14s%8s", String.format("n = %,d", n), ""));
      }
      out.println(header.toString().stripTrailing());
      double[] loopMillis = new double[sizes.length];
      for (Way way : ways) {
        StringBuilder row = new StringBuilder(String.format("%-34s", way.name()));
        for (int i = 0; i < sizes.length; i++) {
          double millis = medianMillis(way, numbersUpTo(sizes[i]), rounds);
          if (way == ways.get(0)) {
            loopMillis[i] = millis;
          }
          String ratio = way == ways.get(0) ? "" : String.format("x%.1f", millis / loopMillis[i]);
          row.append(String.format("%11.3f ms%8s", millis, ratio));
        }
        out.println(row.toString().stripTrailing());
      }
    }
    out.println("(xN: N times the loop's time; below 1 is faster.) A map of one @Parallelizable");
    out.println("method runs in batches: a chunk of numbers travels as one int[], a generated loop");
    out.println("calls cube(x) directly, and the results come back as one long[]; a block per worker");
    out.println("does the same by hand. Other work pays when each task outweighs its sending: a");
    out.println("whole image or PDF per task, as in `thumbnails` and `pdf-text`.");
  }

  public static void main(String[] args) {
    run(System.out, 5, 999, 999_999);
  }

  private static List<Integer> numbersUpTo(int n) {
    return IntStream.rangeClosed(1, n).boxed().collect(Collectors.toUnmodifiableList());
  }

  private static double medianMillis(Way way, List<Integer> numbers, int rounds) {
    if (!way.cubes().apply(numbers).equals(loop(numbers))) {
      throw new IllegalStateException(
          way.name() + " computed different cubes of 1.." + numbers.size() + " than the loop");
    }
    double[] millis = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      way.cubes().apply(numbers);
      millis[round] = (System.nanoTime() - start) / 1e6;
    }
    Arrays.sort(millis);
    return rounds % 2 == 1
        ? millis[rounds / 2]
        : (millis[rounds / 2 - 1] + millis[rounds / 2]) / 2;
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
