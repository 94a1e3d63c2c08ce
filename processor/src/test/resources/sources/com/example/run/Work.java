package com.example.run;

import dev.parallelizable.Parallelizable;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/** Methods that the end-to-end test runs through their generated tasks. */
public class Work implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int offset;

  public Work(int offset) {
    this.offset = offset;
  }

  @Parallelizable
  public static long cube(int x) {
    return (long) x * x * x;
  }

  @Parallelizable
  public static String kind(int x) {
    return "int " + x;
  }

  @Parallelizable(name = "kindOfBoxed")
  public static String kind(Integer x) {
    return "Integer " + x;
  }

  @Parallelizable
  public static void record(List<String> sink, String entry) {
    sink.add(entry);
  }

  @Parallelizable
  public static int sum(int... values) {
    int total = 0;
    for (int value : values) {
      total += value;
    }
    return total;
  }

  @Parallelizable
  public static String join(String... parts) {
    return String.join("+", parts);
  }

  @Parallelizable
  public static <T extends Number & Comparable<T>> T larger(T a, T b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Parallelizable
  public static String fail(String message) throws IOException {
    throw new IOException(message);
  }

  @Parallelizable
  public int shift(int x) {
    return x + offset;
  }
}
