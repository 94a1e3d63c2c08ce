package dev.parallelizable.processor.model;

import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;

/**
 * The access level of a generated member. A generated method is as visible as the annotated method
 * it wraps, except that {@code protected} becomes package-private: the generated class is not a
 * subclass, so only its package could use a protected method anyway.
 */
public enum Visibility {
  PUBLIC,
  PACKAGE;

  /** The visibility of the generated methods for {@code element}. */
  public static Visibility of(Element element) {
    return element.getModifiers().contains(Modifier.PUBLIC) ? PUBLIC : PACKAGE;
  }

  /** The modifiers that declare this visibility: {@code public}, or none. */
  public Modifier[] modifiers() {
    return this == PUBLIC ? new Modifier[] {Modifier.PUBLIC} : new Modifier[0];
  }
}
