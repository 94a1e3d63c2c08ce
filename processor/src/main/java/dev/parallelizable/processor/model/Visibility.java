package dev.parallelizable.processor.model;

import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * The access level of a generated member. A generated method is as visible as the annotated method
 * it wraps, except that {@code protected} becomes package-private: the generated class is not a
 * subclass, so only its package could use a protected method anyway.
 */
public enum Visibility {
  /** {@code public}: for a public annotated method. */
  PUBLIC,
  /** Package-private: for any other annotated method. */
  PACKAGE;

  /**
   * The visibility of the generated methods for {@code element}.
   *
   * @param element the annotated method
   * @return {@link #PUBLIC} if {@code element} is public, else {@link #PACKAGE}
   */
  public static Visibility of(Element element) {
    return element.getModifiers().contains(Modifier.PUBLIC) ? PUBLIC : PACKAGE;
  }

  /**
   * The modifiers that declare this visibility: {@code public}, or none.
   *
   * @return a new array of the modifiers; empty for {@link #PACKAGE}
   */
  public Modifier[] modifiers() {
    return this == PUBLIC ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
  }
}
