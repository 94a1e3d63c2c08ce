package dev.parallelizable;

/**
 * Throws a checked exception from code that does not declare it, as Kotlin code and Lombok's
 * {@code @SneakyThrows} do: the function given to a map may throw anything.
 */
final class SneakyThrow {
  private SneakyThrow() {}

  /**
   * Throws {@code checked} as it is; declared to return an exception so that a caller can write
   * {@code throw SneakyThrow.raise(e)} where the compiler wants a statement that ends the method.
   */
  static RuntimeException raise(Exception checked) {
    return SneakyThrow.<RuntimeException>raiseAs(checked);
  }

  @SuppressWarnings("unchecked") // the cast is erased: the checked exception itself is thrown
  private static <E extends Exception> E raiseAs(Exception checked) throws E {
    throw (E) checked;
  }
}
