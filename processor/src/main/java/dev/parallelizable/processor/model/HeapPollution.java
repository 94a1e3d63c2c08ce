package dev.parallelizable.processor.model;

/**
 * Whether a varargs method's array parameter has a non-reifiable element type (such as {@code T} or
 * {@code List<String>}), and so whether the generated varargs methods could cause heap pollution.
 */
public enum HeapPollution {
  /** Not varargs, or the element type is reifiable: nothing to declare. */
  NONE,
  /** The annotated method is {@code @SafeVarargs}; the generated ones declare it too. */
  SAFE_VARARGS,
  /**
   * The annotated method is not {@code @SafeVarargs}; the compiler already warns at its
   * declaration, and the generated methods, which only pass the array on, suppress the repeat.
   */
  POSSIBLE
}
