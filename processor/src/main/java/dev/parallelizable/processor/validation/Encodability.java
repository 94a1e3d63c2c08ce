package dev.parallelizable.processor.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Tells, from a parameter's or result's declared type alone, that the default codec can never
 * encode its values (other than null). The codec writes primitives, strings, arrays and paths
 * itself, and every other value with Java serialization, which needs the value's class to implement
 * {@link java.io.Serializable}. A type is never encodable when it is not assignable to {@code
 * Serializable} and is, after erasure:
 *
 * <ul>
 *   <li>a record, or a final class: no subclass can add {@code Serializable}. {@code
 *       java.lang.Void}, whose only value is null, is exempt. (This covers {@code
 *       java.util.Optional}.)
 *   <li>a thread, an I/O stream, reader, writer or channel, or a stream of {@code
 *       java.util.stream}: {@code java.lang.Thread}, {@code java.io.InputStream}, {@code
 *       OutputStream}, {@code Reader}, {@code Writer}, {@code java.nio.channels.Channel}, {@code
 *       java.util.stream.BaseStream} and their subtypes. They belong to the JVM that made them.
 *   <li>an interface annotated {@link FunctionalInterface}: its values are lambdas and method
 *       references, which are serializable only when their type extends {@code Serializable}.
 * </ul>
 *
 * <p>An array is never encodable when its element type is not. Type variables and type arguments
 * are not looked at: {@code List<Optional<String>>} passes, though it fails unless empty. So the
 * check reports what all but certainly fails (only a serializable class that implements such an
 * interface, say {@code Comparator.naturalOrder()}'s, escapes it), never everything that may.
 *
 * <p>Immutable once built; it uses the compiler's utilities, which are for the processing thread
 * only.
 */
final class Encodability {
  /** Why a type is never encodable, and what to use instead. */
  record Problem(String reason, String fix) {}

  private record BoundToJvm(TypeMirror type, String what, String fix) {}

  private static final Set<String> OPTIONALS =
      Set.of(
          "java.util.Optional",
          "java.util.OptionalInt",
          "java.util.OptionalLong",
          "java.util.OptionalDouble");

  private final Types types;
  private final TypeMirror serializable;
  private final List<BoundToJvm> boundToJvm = new ArrayList<>();

  Encodability(Elements elements, Types types) {
    this.types = types;
    this.serializable = elements.getTypeElement("java.io.Serializable").asType();
    addBoundToJvm(
        elements, "java.lang.Thread", "a thread", "use the data it works on in its place");
    addBoundToJvm(
        elements,
        "java.io.InputStream",
        "an input stream",
        "use the bytes, or a path to them, in its place");
    addBoundToJvm(
        elements,
        "java.io.OutputStream",
        "an output stream",
        "use the bytes to write, or a path to write them to, in its place");
    addBoundToJvm(
        elements, "java.io.Reader", "a reader", "use the text, or a path to it, in its place");
    addBoundToJvm(
        elements,
        "java.io.Writer",
        "a writer",
        "use the text to write, or a path to write it to, in its place");
    addBoundToJvm(
        elements, "java.nio.channels.Channel", "a channel", "use a path in its place");
    addBoundToJvm(
        elements,
        "java.util.stream.BaseStream",
        "a stream of java.util.stream",
        "use a java.util.List or an array in its place");
  }

  private void addBoundToJvm(Elements elements, String name, String what, String fix) {
    TypeElement type = elements.getTypeElement(name);
    if (type != null) {
      boundToJvm.add(new BoundToJvm(types.erasure(type.asType()), what, fix));
    }
  }

  /**
   * Why the default codec can never encode a value of {@code type}, if it never can.
   *
   * @param type a parameter's or result's type
   * @return the problem, or empty if values of the type may be encodable
   */
  Optional<Problem> neverEncodable(TypeMirror type) {
    TypeMirror element = type;
    while (element.getKind() == TypeKind.ARRAY) {
      element = ((ArrayType) element).getComponentType();
    }
    if (element.getKind() != TypeKind.DECLARED) {
      return Optional.empty();
    }
    TypeMirror erased = types.erasure(element);
    TypeElement declared = (TypeElement) ((DeclaredType) element).asElement();
    String name = declared.getQualifiedName().toString();
    if (types.isAssignable(erased, serializable) || name.equals("java.lang.Void")) {
      return Optional.empty();
    }
    String prefix =
        element == type ? "which is " : "whose elements are of type '" + element + "', which is ";
    if (declared.getKind() == ElementKind.RECORD) {
      return problem(
          prefix + "a record that does not implement java.io.Serializable",
          "add 'implements java.io.Serializable' to record '" + declared.getSimpleName() + "'");
    }
    if (declared.getKind() == ElementKind.CLASS
        && declared.getModifiers().contains(Modifier.FINAL)) {
      String fix;
      if (OPTIONALS.contains(name)) {
        fix = "use the value itself, or null, in its place";
      } else if (isJdkType(name)) {
        fix = "use a serializable type in its place";
      } else {
        fix =
            "make '"
                + declared.getSimpleName()
                + "' implement java.io.Serializable and declare a serialVersionUID, or use a"
                + " serializable type in its place";
      }
      return problem(prefix + "a final class that does not implement java.io.Serializable", fix);
    }
    for (BoundToJvm bound : boundToJvm) {
      if (types.isAssignable(erased, bound.type())) {
        return problem(
            prefix + bound.what() + ", which belongs to the JVM that made it", bound.fix());
      }
    }
    if (declared.getKind() == ElementKind.INTERFACE
        && declared.getAnnotation(FunctionalInterface.class) != null) {
      return problem(
          prefix
              + "a functional interface that does not extend java.io.Serializable, so its lambdas"
              + " and method references are not serializable",
          "use data that says what to do in its place, or a functional interface that extends"
              + " java.io.Serializable");
    }
    return Optional.empty();
  }

  private static Optional<Problem> problem(String reason, String fix) {
    return Optional.of(new Problem(reason, fix));
  }

  private static boolean isJdkType(String qualifiedName) {
    return qualifiedName.startsWith("java.")
        || qualifiedName.startsWith("javax.")
        || qualifiedName.startsWith("jdk.");
  }
}
