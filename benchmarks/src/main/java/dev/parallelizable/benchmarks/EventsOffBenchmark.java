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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the pools' JFR hooks and stats counters cost with no recording: a chunk at a time, where
 * they act, over tiny tasks, where nothing hides them. Run against a build without them to get the
 * ratio (docs/observability.md); with {@code -XX:StartFlightRecording} on the benchmark's JVM
 * ({@code -jvmArgsAppend}) to get the cost of recording.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EventsOffBenchmark {
  private List<Integer> inputs;
  private Pool threads;
  private Pool sequential;

  @Setup(Level.Trial)
  public void setUp() {
    inputs = IntStream.range(0, 1000).boxed().toList();
    threads = Parallel.threads(2);
    sequential = Parallel.sequential();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    threads.close();
    sequential.close();
  }

  /** One chunk per task, in the caller: the hooks' whole cost, with no hand-off to hide it. */
  @Benchmark
  public List<Long> sequentialMapChunksOfOne() {
    return sequential.map(WorkParallel::cube, inputs, 1);
  }

  /** One chunk per task on two threads. */
  @Benchmark
  public List<Long> threadsMapChunksOfOne() {
    return threads.map(WorkParallel::cube, inputs, 1);
  }

  /** One task there and back. */
  @Benchmark
  public Long threadsApplyRoundTrip() {
    return threads.apply(WorkParallel.cube(7));
  }
}
