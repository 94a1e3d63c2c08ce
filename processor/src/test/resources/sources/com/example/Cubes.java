package com.example;

import dev.parallelizable.Parallelizable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Static methods: a primitive, a checked exception, void, varargs, overloads. */
public final class Cubes {
  private Cubes() {}

  @Parallelizable
  public static long cube(int x) {
    return (long) x * x * x;
  }

  @Parallelizable
  static Path thumbnail(Path source, int size) throws IOException {
    return Files.copy(source, source.resolveSibling(size + "-" + source.getFileName()));
  }

  @Parallelizable
  public static void log(String message) {
    System.out.println(message);
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
    return String.join(",", parts);
  }

  @Parallelizable
  public static long scale(int x) {
    return x;
  }

  @Parallelizable
  public static long scale(int x, int factor) {
    return (long) x * factor;
  }
}
