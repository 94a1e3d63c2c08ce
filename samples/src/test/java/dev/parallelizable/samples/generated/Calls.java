package dev.parallelizable.samples.generated;

import dev.parallelizable.Parallelizable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;

/** Static {@code @Parallelizable} methods of every shape the generated code must handle. */
public final class Calls {
  private Calls() {}

  @Parallelizable
  public static long cube(int x) {
    return (long) x * x * x;
  }

  /** Throws an unchecked exception for anything but a positive number. */
  @Parallelizable
  public static int parsePositive(String text) {
    int number = Integer.parseInt(text);
    if (number <= 0) {
      throw new IllegalArgumentException("not positive: " + number);
    }
    return number;
  }

  /** Throws a checked exception for a missing file. */
  @Parallelizable
  public static String read(Path file) throws IOException {
    return Files.readString(file);
  }

  /** A void method whose effect outlives the worker that ran it. */
  @Parallelizable
  public static void write(Path file, String text) throws IOException {
    Files.writeString(file, text);
  }

  @Parallelizable
  public static <T extends Comparable<? super T>> T largest(List<T> items) {
    return Collections.max(items);
  }

  @Parallelizable
  public static int sum(int... numbers) {
    int sum = 0;
    for (int number : numbers) {
      sum += number;
    }
    return sum;
  }

  @Parallelizable
  public static String describe(int number) {
    return "number " + number;
  }

  /** An overload whose generated methods would clash with the one above without a name of its own. */
  @Parallelizable(name = "describeText")
  public static String describe(String text) {
    return "text " + text;
  }

  @Parallelizable
  public static long sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
    return millis;
  }

  /** The process id of the JVM that runs the task. */
  @Parallelizable
  public static long pid() {
    return ProcessHandle.current().pid();
  }
}
