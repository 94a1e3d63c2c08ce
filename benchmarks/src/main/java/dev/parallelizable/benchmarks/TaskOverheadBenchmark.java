package dev.parallelizable.benchmarks;

import dev.parallelizable.Task;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a task costs before any pool is involved: calling the method directly, building its task
 * ({@code WorkParallel.cube(x)}), and building and calling it in this thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class TaskOverheadBenchmark {
  private int x = 12_345;

  @Benchmark
  public long directCall() {
    return Work.cube(x);
  }

  @Benchmark
  public Task<Long> createTask() {
    return WorkParallel.cube(x);
  }

  @Benchmark
  public Long createAndCall() throws Exception {
    return WorkParallel.cube(x).call();
  }
}
