package dev.parallelizable.samples.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median, minimum and maximum of repeated measurements. */
record Stats(double median, double min, double max, int count) {
  static Stats of(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("no measurements");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
  }

  /** Adds {@code median}, {@code min}, {@code max} and {@code reps} to {@code line}. */
  JsonLine into(JsonLine line, String unit) {
    return line.put("unit", unit).put("median", median).put("min", min).put("max", max).put("reps", count);
  }
}
