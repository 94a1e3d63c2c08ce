package dev.parallelizable;

/**
 * An application class in the runtime's own package: a worker that recycles class loaders still
 * loads it afresh, because its class file is not the runtime's.
 */
public final class RuntimePackageState {
  private static int calls;

  private RuntimePackageState() {}

  /** How many times this class, as loaded by the task's loader, was called. */
  @Parallelizable
  public static int callsInThisLoader(int ignored) {
    return ++calls;
  }
}
