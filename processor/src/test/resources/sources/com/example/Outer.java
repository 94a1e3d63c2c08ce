package com.example;

import dev.parallelizable.Parallelizable;
import java.io.Serializable;
import java.util.Collections;
import java.util.List;

/** A nested generic class, package-private methods, generic methods, generic varargs. */
class Outer {
  static final class Ranges<N extends Number & Comparable<N>> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final N low;
    private final N high;

    Ranges(N low, N high) {
      this.low = low;
      this.high = high;
    }

    @Parallelizable
    N clamp(N value) {
      return value.compareTo(low) < 0 ? low : value.compareTo(high) > 0 ? high : value;
    }

    @Parallelizable
    boolean contains(List<N> values) {
      return values.stream().allMatch(v -> v.compareTo(low) >= 0 && v.compareTo(high) <= 0);
    }

    @Parallelizable
    static <T extends Comparable<T>> T max(List<T> values) {
      return Collections.max(values);
    }

    @Parallelizable
    static <T extends Number & Comparable<T>> T larger(T a, T b) {
      return a.compareTo(b) >= 0 ? a : b;
    }

    @SafeVarargs
    @SuppressWarnings("varargs")
    @Parallelizable
    static <T> List<T> listOf(T... items) {
      return List.of(items);
    }
  }
}
