package com.example.consumer;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.util.List;

/**
 * Runs a pool of two worker JVMs as a named module on the module path, and exits with an error unless they computed the
 * right results in JVMs of their own.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    long parent = ProcessHandle.current().pid();
    check(Main.class.getModule().isNamed(), "not started as a module: " + Main.class.getModule());
    try (Pool pool = Parallel.processes(2)) {
      List<Long> squares = pool.map(SquaresParallel::square, List.of(1, 2, 3, 4));
      long worker = pool.apply(SquaresParallel.pid());
      String loadedBy = pool.apply(SquaresParallel.loadedBy());
      check(squares.equals(List.of(1L, 4L, 9L, 16L)), "wrong squares " + squares);
      check(worker != parent, "the task ran in the parent JVM " + parent);
      check(loadedBy.equals("jdk.internal.loader.ClassLoaders$AppClassLoader in module com.example.consumer"), "the worker loaded the task as " + loadedBy);
      System.out.println("consumer OK: squares " + squares + " from worker JVM " + worker + ", " + loadedBy);
    }
    // Modules cannot be loaded again by another class loader: recycling loaders is refused, naming the way out.
    try (Pool pool = Parallel.processPool().workers(1).maxTasksPerClassLoader(1).build()) {
      throw new IllegalStateException("a pool recycling class loaders was built from the module path: " + pool);
    } catch (IllegalStateException e) {
      check(e.getMessage().contains("maxTasksPerClassLoader needs workers started from a classpath")
          && e.getMessage().contains("classpath(...)"), "refused with the wrong message: " + e.getMessage());
      System.out.println("consumer OK: maxTasksPerClassLoader refused on the module path");
    }
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException(problem);
    }
  }
}
