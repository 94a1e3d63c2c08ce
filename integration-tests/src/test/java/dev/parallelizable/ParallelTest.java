package dev.parallelizable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.fixtures.WorkParallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ParallelTest {
  @Test
  void virtualThreadsNeedJdk21() {
    if (Runtime.version().feature() >= 21) {
      try (Pool pool = Parallel.virtualThreads()) {
        assertTrue(pool.apply(WorkParallel.threadName()).startsWith("parallelizable-virtual-"));
      }
    } else {
      UnsupportedOperationException error =
          assertThrows(UnsupportedOperationException.class, Parallel::virtualThreads);
      assertTrue(error.getMessage().contains("JDK 21"), error.getMessage());
    }
  }

  @Test
  void threadsDefaultsToOnePerProcessor() {
    try (Pool pool = Parallel.threads()) {
      assertEquals(Runtime.getRuntime().availableProcessors(), pool.size());
    }
  }

  @Test
  void sequentialRunsInTheCaller() {
    try (Pool pool = Parallel.sequential()) {
      assertEquals(Thread.currentThread().getName(), pool.apply(WorkParallel.threadName()));
      assertTrue(pool.applyAsync(WorkParallel.cube(2)).ready(), "applyAsync completes before it returns");
    }
  }

  @Test
  void threadPoolRunsOnThreadsNamedAsItsJavadocSays() {
    try (Pool pool = Parallel.threads(2)) {
      String name = pool.apply(WorkParallel.threadName());
      assertTrue(name.matches("parallelizable-threads-\\d+-worker-[12]"), name);
      assertTrue(pool.toString().matches("thread pool \\d+ \\(2 threads\\)"), pool.toString());
    }
    try (Pool pool = Parallel.threads(1)) {
      assertTrue(pool.toString().matches("thread pool \\d+ \\(1 thread\\)"), pool.toString());
    }
  }

  @Test
  void taskDescribesItselfAndRunsAsACallable() throws Exception {
    Task<Long> task = WorkParallel.cube(3);
    assertEquals("Work.cube(3)", task.toString());
    assertEquals("dev.parallelizable.fixtures.Work.cube(int x)", task.method().toString());
    assertEquals(27L, task.call());
    assertEquals(java.util.List.of(3), task.arguments());
  }
}
