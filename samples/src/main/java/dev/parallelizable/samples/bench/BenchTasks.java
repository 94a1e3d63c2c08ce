package dev.parallelizable.samples.bench;

import dev.parallelizable.Parallelizable;
import dev.parallelizable.SharedData;
import java.nio.DoubleBuffer;

/** The work of the benchmark's workloads, the same functions the Python reference scripts run. */
public final class BenchTasks {
  private BenchTasks() {}

  /** W1: far less work than any dispatch costs. */
  @Parallelizable
  public static long cube(int x) {
    return (long) x * x * x;
  }

  /** W2: a task that only waits. */
  @Parallelizable
  public static int nap(int millis) throws InterruptedException {
    Thread.sleep(millis);
    return 1;
  }

  /** W3: pure CPU, the sum of {@code i * i % 7} for {@code i < k}. */
  @Parallelizable
  public static long burn(int k) {
    long sum = 0;
    for (long i = 0; i < k; i++) {
      sum += i * i % 7;
    }
    return sum;
  }

  /** W4, W5: the trivial task. */
  @Parallelizable
  public static int trivial(int x) {
    return x + 1;
  }

  /** W8: the sum of every 4096th element of {@code data} from {@code start}, through the handle. */
  @Parallelizable
  public static double stridedSum(SharedData data, int start) {
    DoubleBuffer view = data.asDoubleBuffer();
    double sum = 0;
    for (int i = start; i < view.limit(); i += 4096) {
      sum += view.get(i);
    }
    return sum;
  }

  /** W8: the same sum, over the array passed as itself. */
  @Parallelizable
  public static double stridedSumOfArray(double[] data, int start) {
    double sum = 0;
    for (int i = start; i < data.length; i += 4096) {
      sum += data[i];
    }
    return sum;
  }

  /** W6: receives a payload, returns its length. */
  @Parallelizable
  public static int size(byte[] payload) {
    return payload.length;
  }
}
