package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Parallelizable;

/** A static counter: what a task leaves behind in its worker for the next task to see. */
public final class Visits {
  private static int visits;

  private Visits() {}

  /** Counts this call among the calls the class has had in the class loader that runs it. */
  @Parallelizable
  public static int visit(int ignored) {
    return ++visits;
  }
}
