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

  /** Which class loader and module loaded this class in the JVM that runs the task. */
  @Parallelizable
  public static String loadedBy() {
    return Squares.class.getClassLoader().getClass().getName() + " in " + Squares.class.getModule();
  }

  /** Prints a line to the worker's standard output. */
  @Parallelizable
  public static void say(String text) {
    System.out.println(text);
  }
}
