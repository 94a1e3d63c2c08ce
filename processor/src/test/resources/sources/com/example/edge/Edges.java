package com.example.edge;

import dev.parallelizable.Parallelizable;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Shapes that must still generate warning-free code. */
public final class Edges {
  private Edges() {}

  /** Parameters named like the generated class's own names: pool, receiver, its constant. */
  @Parallelizable
  public static int pooled(Object pool, int receiver) {
    return receiver;
  }

  @Parallelizable
  public static int shadowed(int SHADOWED) {
    return SHADOWED;
  }

  @Parallelizable
  public static int count(Object[] items) {
    return items.length;
  }

  @Parallelizable
  public static int sizes(List<?> unknown, List<? extends Number> numbers, Map<String, List<Integer>> nested) {
    return unknown.size() + numbers.size() + nested.size();
  }

  @Parallelizable
  public static <E extends Exception> void risky(boolean fail, E failure) throws E {
    if (fail) {
      throw failure;
    }
  }

  @Parallelizable
  public static <T> T firstOf(List<? extends T> values) {
    return values.get(0);
  }

  @Parallelizable
  public static String describe(Invoker invoker) {
    return invoker.toString();
  }

  @Parallelizable
  public static long kind(int x) {
    return x;
  }

  @Parallelizable(name = "kindOfLong")
  public static long kind(long x) {
    return x;
  }

  /** Named like the generated class's nested invoker. */
  public static final class Invoker implements Serializable {
    private static final long serialVersionUID = 1L;

    @Parallelizable
    public String name(int receiver) {
      return "invoker " + receiver;
    }
  }

  /** Enums are serializable; their instance methods are fine. */
  public enum Unit {
    METRE;

    @Parallelizable
    public double scale(double value) {
      return value;
    }
  }

  /** A serializable record. */
  public record Point(int x, int y) implements Serializable {
    @Parallelizable
    public int distance(Point other) {
      return Math.abs(x - other.x) + Math.abs(y - other.y);
    }
  }

  /** A static interface method. */
  public interface Shapes {
    @Parallelizable
    static double square(double side) {
      return side * side;
    }
  }

  /** A static method of a generic class. */
  public static final class Holder<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Parallelizable
    public static <U> Holder<U> empty() {
      return new Holder<>();
    }

    @Parallelizable
    public List<T> repeat(T value, int times) {
      return java.util.Collections.nCopies(times, value);
    }
  }
}
