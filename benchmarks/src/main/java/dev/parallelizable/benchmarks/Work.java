package dev.parallelizable.benchmarks;

import dev.parallelizable.Parallelizable;

/** The tasks the benchmarks run: as small as a task gets, so that only the overhead is measured. */
public final class Work {
  private Work() {}

  @Parallelizable
  public static long cube(int x) {
    return (long) x * x * x;
  }

  @Parallelizable
  public static int trivial(int x) {
    return x + 1;
  }
}
