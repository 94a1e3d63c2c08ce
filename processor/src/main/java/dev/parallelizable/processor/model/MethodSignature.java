package dev.parallelizable.processor.model;

import java.util.List;

/**
 * The erased signature of a method of a generated class: what the Java compiler compares to decide
 * whether two methods clash.
 *
 * @param name the method's name
 * @param erasedParameterTypes canonical names of the erased parameter types, such as {@code int} or
 *     {@code java.lang.Iterable}
 */
public record MethodSignature(String name, List<String> erasedParameterTypes) {
  /**
   * Copies {@code erasedParameterTypes}, so that the signature is immutable.
   *
   * @param name the method's name
   * @param erasedParameterTypes canonical names of the erased parameter types
   */
  public MethodSignature {
    erasedParameterTypes = List.copyOf(erasedParameterTypes);
  }

  /** The signature as Java writes it, such as {@code cubeMap(java.lang.Iterable)}. */
  @Override
  public String toString() {
    return name + '(' + String.join(",", erasedParameterTypes) + ')';
  }
}
