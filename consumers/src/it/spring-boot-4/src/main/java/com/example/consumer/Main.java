package com.example.consumer;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.util.List;

/**
 * Runs a pool of two worker JVMs as a Spring Boot executable jar, and exits with an error unless they computed the
 * right results in JVMs of their own.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    long parent = ProcessHandle.current().pid();
    check(
        Main.class.getClassLoader().getClass().getName().endsWith("LaunchedClassLoader"),
        "not started from a Spring Boot jar: " + Main.class.getClassLoader());
    try (Pool pool = Parallel.processes(2)) {
      List<Long> squares = pool.map(SquaresParallel::square, List.of(1, 2, 3, 4));
      long worker = pool.apply(SquaresParallel.pid());
      String loadedBy = pool.apply(SquaresParallel.loadedBy());
      check(squares.equals(List.of(1L, 4L, 9L, 16L)), "wrong squares " + squares);
      check(worker != parent, "the task ran in the parent JVM " + parent);
      check(loadedBy.startsWith("org.springframework.boot.loader.launch.LaunchedClassLoader in unnamed module"), "the worker loaded the task as " + loadedBy);
      System.out.println("consumer OK: squares " + squares + " from worker JVM " + worker + ", " + loadedBy);
    }
    // Each task in a class loader of its own over the jar's nested jars, in a worker that lives on.
    try (Pool pool = Parallel.processPool().workers(1).maxTasksPerClassLoader(1).build()) {
      List<Long> squares = pool.map(SquaresParallel::square, List.of(1, 2, 3, 4));
      String loadedBy = pool.apply(SquaresParallel.loadedBy());
      check(squares.equals(List.of(1L, 4L, 9L, 16L)), "wrong squares in fresh class loaders " + squares);
      check(loadedBy.startsWith("dev.parallelizable.internal.process.child.TaskLoaders$TaskLoader in unnamed module"), "the recycled worker loaded the task as " + loadedBy);
      System.out.println("consumer OK: squares " + squares + " in fresh class loaders, " + loadedBy);
    }
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException(problem);
    }
  }
}
