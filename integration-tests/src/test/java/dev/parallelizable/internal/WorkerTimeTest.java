package dev.parallelizable.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.CrashPolicy;
import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.fixtures.WorkParallel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process pool sizes later chunks by what its worker JVMs said their tasks cost, not by the
 * time a chunk took from its start to its end. In the package of {@link TaskCosts}, to read the
 * pool's measure.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerTimeTest {
  private static final long INITIALIZER_MILLIS = 300;

  @TempDir Path markers;

  /**
   * A chunk of one task whose first run crashes its worker runs again on a new worker, which
   * starts only after an initializer of 300 ms: the chunk takes longer than that from its start to
   * its end, while the worker that ran the task says it spent far less on it.
   */
  @Test
  void aChunkIsMeasuredByItsWorkersTimeNotByTheWaitForAReplacement() {
    try (Pool pool = Parallel.processPool().workers(1).crashPolicy(CrashPolicy.retry(1))
        .initializer(WorkParallel.sleepMillis(INITIALIZER_MILLIS)).build()) {
      long start = System.nanoTime();
      assertEquals(List.of("survived"), pool.map(WorkParallel::crashOnce, List.of(markers.resolve("crashed"))));
      long took = System.nanoTime() - start;

      TaskMethod<String> method = WorkParallel.crashOnce(markers).method();
      long perTask = ((AbstractPool) ArgumentMaps.behind(pool)).costs().estimate(method);
      assertTrue(took > TimeUnit.MILLISECONDS.toNanos(INITIALIZER_MILLIS), took + " ns");
      assertTrue(perTask > 0 && perTask < TimeUnit.MILLISECONDS.toNanos(INITIALIZER_MILLIS),
          "the task's cost, " + perTask + " ns, excludes the replacement's start of over "
              + INITIALIZER_MILLIS + " ms");
    }
  }
}
