package dev.parallelizable.processor.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The errors and warnings found in one class with {@code @Parallelizable} methods. Validators add
 * every one they find, so that the user sees all of a class's problems in one compilation; the
 * processor then prints them and generates the class only if there is no error.
 */
public final class ValidationReport {
  private final TypeElement subject;
  private final List<Item> items;

  private ValidationReport(TypeElement subject, List<Item> items) {
    this.subject = subject;
    this.items = List.copyOf(items);
  }

  /**
   * Starts a report about {@code subject}.
   *
   * @param subject the annotated class
   * @return a new, empty builder
   */
  public static Builder about(TypeElement subject) {
    return new Builder(subject);
  }

  /**
   * The class this report is about.
   *
   * @return the annotated class
   */
  public TypeElement subject() {
    return subject;
  }

  /**
   * The errors and warnings, in the order they were found.
   *
   * @return the errors and warnings, unmodifiable
   */
  public List<Item> items() {
    return items;
  }

  /**
   * Whether there is no error, so the class may be generated; warnings do not count.
   *
   * @return true if there is no error
   */
  public boolean isClean() {
    return items.stream().noneMatch(item -> item.kind() == Diagnostic.Kind.ERROR);
  }

  /**
   * Prints every error and warning, at the position of the element (and annotation value) it is
   * about.
   *
   * @param messager the compiler's messager
   */
  public void printMessagesTo(Messager messager) {
    for (Item item : items) {
      if (item.annotation().isPresent() && item.annotationValue().isPresent()) {
        messager.printMessage(
            item.kind(),
            item.message(),
            item.element(),
            item.annotation().get(),
            item.annotationValue().get());
      } else {
        messager.printMessage(item.kind(), item.message(), item.element());
      }
    }
  }

  /**
   * One error or warning.
   *
   * @param kind {@link Diagnostic.Kind#ERROR} or {@link Diagnostic.Kind#WARNING}
   * @param message the text, starting with its tag
   * @param element the element it is about, where the compiler points
   * @param annotation the annotation it is about, if any
   * @param annotationValue the annotation's value it is about, if any
   */
  public record Item(
      Diagnostic.Kind kind,
      String message,
      Element element,
      Optional<AnnotationMirror> annotation,
      Optional<AnnotationValue> annotationValue) {}

  /**
   * Collects the errors and warnings of one class. Not thread-safe; processors run on one thread.
   */
  public static final class Builder {
    private final TypeElement subject;
    private final List<Item> items = new ArrayList<>();

    private Builder(TypeElement subject) {
      this.subject = subject;
    }

    /**
     * Adds an error about {@code element}.
     *
     * @param message the text, starting with its tag
     * @param element the element the error is about
     * @return this builder
     */
    public Builder addError(String message, Element element) {
      items.add(
          new Item(Diagnostic.Kind.ERROR, message, element, Optional.empty(), Optional.empty()));
      return this;
    }

    /**
     * Adds a warning about {@code element}: the class is still generated.
     *
     * @param message the text, starting with its tag
     * @param element the element the warning is about
     * @return this builder
     */
    public Builder addWarning(String message, Element element) {
      items.add(
          new Item(Diagnostic.Kind.WARNING, message, element, Optional.empty(), Optional.empty()));
      return this;
    }

    /**
     * Adds an error about one value of an annotation on {@code element}.
     *
     * @param message the text, starting with its tag
     * @param element the element the annotation is on
     * @param annotation the annotation
     * @param value the annotation's value the error is about
     * @return this builder
     */
    public Builder addError(
        String message, Element element, AnnotationMirror annotation, AnnotationValue value) {
      items.add(
          new Item(
              Diagnostic.Kind.ERROR,
              message,
              element,
              Optional.of(annotation),
              Optional.of(value)));
      return this;
    }

    /**
     * The report with every error and warning added so far.
     *
     * @return the report
     */
    public ValidationReport build() {
      return new ValidationReport(subject, items);
    }
  }
}
