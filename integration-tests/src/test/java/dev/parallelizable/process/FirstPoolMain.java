package dev.parallelizable.process;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.fixtures.WorkParallel;

/**
 * A fresh JVM's first process pool, for {@link FirstPoolTest}: builds a pool of one worker with a
 * system property, runs {@code cube(3)}, closes the pool, and prints {@code DONE}. Plain code, so
 * that every lambda this JVM spins is the JDK's or the library's.
 */
public final class FirstPoolMain {
  private FirstPoolMain() {}

  public static void main(String[] args) {
    Pool pool = Parallel.processPool().workers(1).systemProperty("first.pool", "yes").build();
    long cube = pool.apply(WorkParallel.cube(3));
    pool.close();
    if (cube != 27) {
      throw new IllegalStateException("cube(3) returned " + cube);
    }
    System.out.println("DONE");
  }
}
