package com.example.consumer;

import dev.parallelizable.Parallelizable;

/** The work of the application: plain static methods, run on worker JVMs through SquaresParallel. */
public final class Squares {
  private Squares() {}

  @Parallelizable
  public static long square(int x) {
    return (long) x * x;
  }

  /** The process id of the JVM that runs the task. */
  @Parallelizable
  public static long pid() {
    return ProcessHandle.current().pid();
  }
}
