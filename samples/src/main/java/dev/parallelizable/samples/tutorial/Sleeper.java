package dev.parallelizable.samples.tutorial;

import dev.parallelizable.Parallelizable;

/** The tutorial's {@code task()}: half a second of pretend work. */
public final class Sleeper {
  private Sleeper() {}

  /** Prints, sleeps 0.5 s, prints. Its output goes to the standard output of whichever JVM runs it. */
  @Parallelizable
  public static void task() throws InterruptedException {
    System.out.println("Sleeping for 0.5 seconds");
    Thread.sleep(500);
    System.out.println("Finished sleeping");
  }
}
