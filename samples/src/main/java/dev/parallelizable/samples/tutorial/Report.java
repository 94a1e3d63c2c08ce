package dev.parallelizable.samples.tutorial;

import java.io.PrintStream;
import java.util.List;

/** What the tutorial programs print: elapsed times as Python's {@code perf_counter} shows them, and results. */
final class Report {
  private final long startNanos = System.nanoTime();

  private Report() {}

  /** Starts the clock. */
  static Report start() {
    return new Report();
  }

  /** Seconds since {@link #start()}. */
  double seconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Prints the tutorial's closing line, {@code Program finished in 0.512 seconds}. */
  void finished(PrintStream out) {
    out.printf("Program finished in %.3f seconds%n", seconds());
  }

  /** A list of cubes as {@code [1, 8, 27, ..., 997002999] (999 results, sum 249500250000000)}. */
  static String cubes(List<Long> results) {
    long sum = results.stream().mapToLong(Long::longValue).sum();
    String shown =
        results.size() <= 4
            ? results.toString()
            : String.format(
                "[%d, %d, %d, ..., %d]",
                results.get(0), results.get(1), results.get(2), results.get(results.size() - 1));
    return String.format("%s (%d results, sum %d)", shown, results.size(), sum);
  }
}
