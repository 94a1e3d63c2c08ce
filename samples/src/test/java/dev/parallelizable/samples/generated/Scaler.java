package dev.parallelizable.samples.generated;

import dev.parallelizable.Parallelizable;
import java.io.Serializable;

/** An instance method: the receiver travels with the task, so the class is Serializable. */
public final class Scaler implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int factor;

  public Scaler(int factor) {
    this.factor = factor;
  }

  @Parallelizable
  public long scale(int x) {
    return (long) factor * x;
  }
}
