package dev.parallelizable.benchmarks;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A map of {@code n} trivial tasks ({@code cube}) on a process pool of two workers, through the
 * generated map and through {@code pool.map} with a method reference. Run with {@code -prof gc}:
 * the caller's allocation per element is {@code gc.alloc.rate.norm} divided by {@code n}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ProcessMapBenchmark {
  private static final int WORKERS = 2;

  @Param({"1000000"})
  int n;

  private List<Integer> inputs;
  private Pool processes;

  @Setup(Level.Trial)
  public void setUp() {
    inputs = IntStream.range(1, n).boxed().toList();
    processes = Parallel.processes(WORKERS);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    processes.close();
  }

  @Benchmark
  public List<Long> generatedMap() {
    return WorkParallel.on(processes).cubeMap(inputs);
  }

  @Benchmark
  public List<Long> poolMap() {
    return processes.map(WorkParallel::cube, inputs);
  }
}
