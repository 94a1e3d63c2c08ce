package dev.parallelizable.benchmarks;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * A map of {@code n} trivial tasks ({@code cube}) on two workers, against a sequential loop and a
 * hand-written {@code ExecutorService} that cuts the list into one slice per worker.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class MapBenchmark {
  private static final int WORKERS = 2;

  @Param({"1000", "1000000"})
  int n;

  private List<Integer> inputs;
  private ExecutorService executor;
  private Pool threads;
  private Pool sequential;

  @Setup(Level.Trial)
  public void setUp() {
    inputs = IntStream.range(1, n).boxed().toList();
    executor = Executors.newFixedThreadPool(WORKERS);
    threads = Parallel.threads(WORKERS);
    sequential = Parallel.sequential();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    executor.shutdown();
    threads.close();
    sequential.close();
  }

  @Benchmark
  public List<Long> loop() {
    List<Long> results = new ArrayList<>(inputs.size());
    for (Integer x : inputs) {
      results.add(Work.cube(x));
    }
    return results;
  }

  @Benchmark
  @SuppressWarnings("unchecked")
  public List<Long> executorOneSlicePerWorker() throws Exception {
    Object[] results = new Object[inputs.size()];
    List<Future<?>> slices = new ArrayList<>(WORKERS);
    for (int w = 0; w < WORKERS; w++) {
      int from = inputs.size() * w / WORKERS;
      int to = inputs.size() * (w + 1) / WORKERS;
      slices.add(executor.submit(() -> {
        for (int i = from; i < to; i++) {
          results[i] = Work.cube(inputs.get(i));
        }
      }));
    }
    for (Future<?> slice : slices) {
      slice.get();
    }
    return (List<Long>) (List<?>) Arrays.asList(results);
  }

  @Benchmark
  public List<Long> threadPoolMap() {
    return threads.map(WorkParallel::cube, inputs);
  }

  @Benchmark
  public List<Long> generatedThreadPoolMap() {
    return WorkParallel.on(threads).cubeMap(inputs);
  }

  @Benchmark
  public List<Long> sequentialPoolMap() {
    return sequential.map(WorkParallel::cube, inputs);
  }
}
