package dev.parallelizable.samples.generated;

import dev.parallelizable.Parallelizable;

/** A nested class: its generated class is {@code Geometry_CircleParallel}. */
public final class Geometry {
  private Geometry() {}

  public static final class Circle {
    private Circle() {}

    @Parallelizable
    public static double area(double radius) {
      return Math.PI * radius * radius;
    }
  }
}
