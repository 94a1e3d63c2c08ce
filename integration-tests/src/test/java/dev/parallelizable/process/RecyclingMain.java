package dev.parallelizable.process;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.fixtures.WorkParallel;
import java.util.ArrayList;
import java.util.List;

/**
 * A parent JVM for {@link PipesMadeAheadTest}: a pool of one worker replaced after every task
 * ({@code maxTasksPerWorker(1)}) maps {@code cube} over 1..{@code args[0]}, so that as many worker
 * JVMs start one after another; prints {@code DONE} if every result is right.
 */
public final class RecyclingMain {
  private RecyclingMain() {}

  public static void main(String[] args) {
    int tasks = Integer.parseInt(args[0]);
    List<Integer> inputs = new ArrayList<>();
    for (int x = 1; x <= tasks; x++) {
      inputs.add(x);
    }
    List<Long> cubes;
    try (Pool pool = Parallel.processPool().workers(1).maxTasksPerWorker(1).build()) {
      cubes = pool.map(WorkParallel::cube, inputs, 1);
    }
    for (int x = 1; x <= tasks; x++) {
      if (cubes.get(x - 1) != (long) x * x * x) {
        throw new IllegalStateException("cube(" + x + ") returned " + cubes.get(x - 1));
      }
    }
    System.out.println("DONE");
  }
}
