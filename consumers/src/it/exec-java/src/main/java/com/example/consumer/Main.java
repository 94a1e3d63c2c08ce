package com.example.consumer;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.util.List;

/**
 * Runs a pool of two worker JVMs as mvn exec:java does, in Maven's JVM, and exits with an error unless they computed the
 * right results in JVMs of their own. Once the pool is closed no thread of the library is left for exec:java to wait
 * for (checked by postbuild.groovy).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    long parent = ProcessHandle.current().pid();
    check(
        Main.class.getClassLoader() != ClassLoader.getSystemClassLoader(),
        "not started by a launcher with a class loader of its own: " + Main.class.getClassLoader());
    try (Pool pool = Parallel.processes(2)) {
      List<Long> squares = pool.map(SquaresParallel::square, List.of(1, 2, 3, 4));
      long worker = pool.apply(SquaresParallel.pid());
      String loadedBy = pool.apply(SquaresParallel.loadedBy());
      long viaCallback = pool.applyAsync(SquaresParallel.square(5)).toCompletableFuture().thenApply(x -> x + 1).join();
      check(squares.equals(List.of(1L, 4L, 9L, 16L)), "wrong squares " + squares);
      check(viaCallback == 26, "wrong square through a CompletableFuture: " + viaCallback);
      check(worker != parent, "the task ran in the parent JVM " + parent);
      check(loadedBy.startsWith("jdk.internal.loader.ClassLoaders$AppClassLoader in unnamed module"), "the worker loaded the task as " + loadedBy);
      System.out.println("consumer OK: squares " + squares + " from worker JVM " + worker + ", " + loadedBy);
    }
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException(problem);
    }
  }
}
