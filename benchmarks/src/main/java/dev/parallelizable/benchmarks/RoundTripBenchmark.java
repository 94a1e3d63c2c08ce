package dev.parallelizable.benchmarks;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One {@code applyAsync(trivial).get()}: submit, run on a worker, wait for the result. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class RoundTripBenchmark {
  private ExecutorService executor;
  private Pool threads;
  private Pool processes;
  private int x;

  @Setup
  public void setUp() {
    executor = Executors.newFixedThreadPool(2);
    threads = Parallel.threads(2);
    processes = Parallel.processes(2);
  }

  @TearDown
  public void tearDown() {
    executor.shutdown();
    threads.close();
    processes.close();
  }

  @Benchmark
  public int executorSubmitGet() throws Exception {
    int value = x++;
    return executor.submit(() -> Work.trivial(value)).get();
  }

  @Benchmark
  public int threadPool() {
    return threads.apply(WorkParallel.trivial(x++));
  }

  @Benchmark
  public int processPool() {
    return processes.apply(WorkParallel.trivial(x++));
  }
}
