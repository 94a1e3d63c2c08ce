package dev.parallelizable.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;

/**
 * How the generated invoker turns {@code arguments[i]}, an {@code Object}, back into a parameter's
 * type: a cast to one type such as {@code (int)} or {@code (Path)}, to an intersection such as
 * {@code (Number & Comparable)} for a type variable with several bounds, or no cast at all where
 * the parameter's type erases to {@code Object}.
 *
 * @param types the cast's types; empty for no cast, several for an intersection cast
 * @param unchecked whether the cast, or the call it feeds, is unchecked (a cast to a type such as
 *     {@code List<String>}, or a raw type passed where a generic one is expected)
 * @param raw whether the cast names a raw type such as {@code List}
 */
public record ArgumentCast(List<TypeName> types, boolean unchecked, boolean raw) {
  /** No cast: the parameter's type erases to {@code Object}. */
  public static final ArgumentCast NONE = new ArgumentCast(List.of(), false, false);

  /**
   * Copies {@code types}, so that the cast is immutable.
   *
   * @param types the cast's types; empty for no cast
   * @param unchecked whether the cast, or the call it feeds, is unchecked
   * @param raw whether the cast names a raw type
   */
  public ArgumentCast {
    types = List.copyOf(types);
  }

  /**
   * Whether the argument needs a cast at all.
   *
   * @return true unless the parameter's type erases to {@code Object}
   */
  public boolean isNeeded() {
    return !types.isEmpty();
  }
}
