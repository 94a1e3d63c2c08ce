package dev.parallelizable.benchmarks;

import dev.parallelizable.Outcome;
import dev.parallelizable.Parallel;
import dev.parallelizable.Parallelizable;
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
 * What keeping going costs: {@code map} against {@code mapOutcomes} of {@code n} trivial tasks on
 * two workers, and {@code mapOutcomes} when one task in a hundred throws (on a process pool each
 * failure ends its worker's run of the chunk, and the rest of the chunk is sent again).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class OutcomesBenchmark {
  private static final int WORKERS = 2;

  @Param({"10000"})
  int n;

  @Param({"threads", "processes"})
  String pool;

  private List<Integer> inputs;
  private Pool workers;

  @Setup(Level.Trial)
  public void setUp() {
    inputs = IntStream.range(1, n).boxed().toList();
    workers = pool.equals("threads") ? Parallel.threads(WORKERS) : Parallel.processes(WORKERS);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    workers.close();
  }

  /** Throws for every hundredth input. */
  @Parallelizable
  public static int failEveryHundredth(int x) {
    if (x % 100 == 0) {
      throw new IllegalArgumentException("input " + x);
    }
    return x;
  }

  @Benchmark
  public List<Long> map() {
    return workers.map(WorkParallel::cube, inputs);
  }

  @Benchmark
  public List<Outcome<Long>> mapOutcomes() {
    return workers.mapOutcomes(WorkParallel::cube, inputs);
  }

  @Benchmark
  public List<Outcome<Integer>> mapOutcomesOnePercentFailing() {
    return workers.mapOutcomes(OutcomesBenchmarkParallel::failEveryHundredth, inputs);
  }
}
