package com.example.consumer;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.WorkerOutput;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a pool of two worker JVMs as a plain classpath application, and exits with an error unless they computed the
 * right results in JVMs of their own.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    long parent = ProcessHandle.current().pid();
    try (Pool pool = Parallel.processes(2)) {
      List<Long> squares = pool.map(SquaresParallel::square, List.of(1, 2, 3, 4));
      long worker = pool.apply(SquaresParallel.pid());
      String loadedBy = pool.apply(SquaresParallel.loadedBy());
      check(squares.equals(List.of(1L, 4L, 9L, 16L)), "wrong squares " + squares);
      check(worker != parent, "the task ran in the parent JVM " + parent);
      check(loadedBy.startsWith("jdk.internal.loader.ClassLoaders$AppClassLoader in unnamed module"), "the worker loaded the task as " + loadedBy);
      System.out.println("consumer OK: squares " + squares + " from worker JVM " + worker + ", " + loadedBy);
    }
    workerOutputToALogger();
    heapChosenByTheApplication();
  }

  /** A pool whose workers get the heap the application chooses rather than the default share. */
  private static void heapChosenByTheApplication() {
    long square;
    try (Pool pool = Parallel.processPool().workers(2).maxHeap("256m").build()) {
      square = pool.apply(SquaresParallel.square(12));
    }
    check(square == 144L, "wrong square of 12: " + square);
    System.out.println("consumer OK: workers with -Xmx256m");
  }

  /** Sends what workers print to the application's logger instead of System.out. */
  private static void workerOutputToALogger() throws InterruptedException {
    CountDownLatch logged = new CountDownLatch(1);
    System.Logger log = System.getLogger("com.example.workers");
    try (Pool pool =
        Parallel.processPool()
            .workers(1)
            .workerOutput(
                WorkerOutput.lines(
                    line -> {
                      log.log(System.Logger.Level.INFO, line); // such as "[worker-3] hello"
                      if (line.endsWith("] hello")) {
                        logged.countDown();
                      }
                    }))
            .build()) {
      pool.apply(SquaresParallel.say("hello"));
    }
    check(logged.await(30, TimeUnit.SECONDS), "the worker's line did not reach the logger");
    System.out.println("consumer OK: worker output went to the logger");
  }

  private static void check(boolean condition, String problem) {
    if (!condition) {
      throw new IllegalStateException(problem);
    }
  }
}
