package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Parallelizable;

/** The tutorial's {@code cube(x)}, and the same work done a block at a time. */
public final class Cubes {
  private Cubes() {}

  /** {@code x} cubed: far less work than sending it to another thread or process costs. */
  @Parallelizable
  public static long cube(int x) {
    return (long) x * x * x;
  }

  /**
   * The cubes of {@code from} (inclusive) to {@code to} (exclusive): one task that does enough work
   * to pay for being sent.
   */
  @Parallelizable
  public static long[] cubes(int from, int to) {
    long[] cubes = new long[to - from];
    for (int x = from; x < to; x++) {
      cubes[x - from] = cube(x);
    }
    return cubes;
  }
}
