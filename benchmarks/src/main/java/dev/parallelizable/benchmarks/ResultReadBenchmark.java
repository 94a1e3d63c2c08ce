package dev.parallelizable.benchmarks;

import dev.parallelizable.Parallel;
import dev.parallelizable.Pool;
import java.util.ArrayList;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading the list a map returns: the {@code n} cubes of a {@code cubeMap} on two threads, whose
 * chunks keep their {@code long[]} result columns and box an element as it is read, summed in the
 * four ways a caller reads a list; beside them, the same values in an {@code ArrayList<Long>}, as
 * a loop builds it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class ResultReadBenchmark {
  @Param({"1000", "1000000"})
  int n;

  private List<Long> mapped;
  private List<Long> arrayList;

  @Setup(Level.Trial)
  public void setUp() {
    List<Integer> inputs = IntStream.range(1, n).boxed().toList();
    try (Pool threads = Parallel.threads(2)) {
      mapped = WorkParallel.on(threads).cubeMap(inputs);
    }
    arrayList = new ArrayList<>(mapped);
  }

  @Benchmark
  public long forLoopOverMapResults() {
    long sum = 0;
    for (long cube : mapped) {
      sum += cube;
    }
    return sum;
  }

  @Benchmark
  public long forEachOfMapResults() {
    long[] sum = {0};
    mapped.forEach(cube -> sum[0] += cube);
    return sum[0];
  }

  @Benchmark
  public long getOfMapResults() {
    long sum = 0;
    for (int i = 0; i < mapped.size(); i++) {
      sum += mapped.get(i);
    }
    return sum;
  }

  @Benchmark
  public long streamOfMapResults() {
    return mapped.stream().mapToLong(Long::longValue).sum();
  }

  @Benchmark
  public long forLoopOverArrayList() {
    long sum = 0;
    for (long cube : arrayList) {
      sum += cube;
    }
    return sum;
  }
}
