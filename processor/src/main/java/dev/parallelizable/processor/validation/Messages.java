package dev.parallelizable.processor.validation;

import static java.util.stream.Collectors.joining;

import java.util.List;

/**
 * Every message the processor reports. Each starts with a stable tag, such as {@code
 * [Parallelizable.private]}; then it names the offending element, states the rule and says how to
 * fix it. The tags are public names: keep them when rewording a message. The catalogue of errors,
 * {@code docs/compile-errors.md}, lists every tag with its message templates, and a test checks
 * that the two agree: change both together.
 */
public final class Messages {
  /** The value of {@code @SuppressWarnings} that silences {@link #notEncodable}. */
  static final String NOT_ENCODABLE_SUPPRESSION = "Parallelizable.notEncodable";

  private Messages() {}

  static String privateMethod(String method) {
    return tagged(
        "private",
        "@Parallelizable method '%s' must not be private; make it package-private or public",
        method);
  }

  static String abstractMethod(String method) {
    return tagged(
        "abstract",
        "@Parallelizable method '%s' is abstract, so there is no body for a task to run; annotate"
            + " a concrete method instead: a static method, or an implementation in a class that"
            + " implements java.io.Serializable",
        method);
  }

  static String interfaceMethod(String method, String declaringInterface) {
    return tagged(
        "interfaceMethod",
        "@Parallelizable method '%s' is a default method of interface '%s', which has no class a"
            + " task could serialize as the receiver; make the method static, or annotate its"
            + " implementation in a class that implements java.io.Serializable",
        method,
        declaringInterface);
  }

  static String privateClass(String method, String privateClass, String simpleName) {
    return tagged(
        "privateClass",
        "@Parallelizable method '%s' is declared in private class '%s' (or in a class nested in"
            + " it), which the generated class cannot call; make '%s' package-private or public",
        method,
        privateClass,
        simpleName);
  }

  static String localClass(String method, String localClassDescription) {
    return tagged(
        "localClass",
        "@Parallelizable method '%s' is declared in %s, which no other class can name; move the"
            + " method to a top-level class or a static nested class",
        method,
        localClassDescription);
  }

  /**
   * For a class of that simple name: {@code local class 'Resizer'}, or {@code an anonymous class}.
   */
  static String localClassDescription(String simpleName) {
    return simpleName.isEmpty() ? "an anonymous class" : "local class '" + simpleName + "'";
  }

  static String innerClass(String method, String innerClass, String simpleName) {
    return tagged(
        "innerClass",
        "@Parallelizable method '%s' is declared in inner class '%s', which is not static: an inner"
            + " class needs an enclosing instance, which tasks do not carry; make '%s' static",
        method,
        innerClass,
        simpleName);
  }

  /**
   * The error for an instance method whose class is not serializable. The fix compiles under
   * {@code -Xlint:all -Werror}: a serializable class without a {@code serialVersionUID} draws a
   * lint warning, a record does not.
   */
  static String notSerializable(String method, String declaringClass, boolean isRecord) {
    return tagged(
        "notSerializable",
        "@Parallelizable instance method '%s' is declared in class '%s', which does not implement"
            + " java.io.Serializable, so its receiver cannot travel with the task to a worker;"
            + " %s, or make the method static",
        method,
        declaringClass,
        isRecord
            ? "add 'implements java.io.Serializable' to the record"
            : "add 'implements java.io.Serializable' and declare"
                + " 'private static final long serialVersionUID = 1L;' in the class");
  }

  /**
   * The warning for a parameter or result whose type the default codec can never encode.
   *
   * @param value {@code parameter 'x'} or {@code the result}
   */
  static String notEncodable(String value, String method, String type, String reason, String fix) {
    return tagged(
        "notEncodable",
        "%s of @Parallelizable method '%s' has type '%s', %s; the default codec can never encode"
            + " it, so calls fail on a process pool or a cluster, though they run on threads; %s,"
            + " or, if the method only runs on threads, annotate it with"
            + " @SuppressWarnings(\"Parallelizable.notEncodable\")",
        value,
        method,
        type,
        reason,
        fix);
  }

  static String invalidName(String value, String method, boolean isKeyword) {
    return tagged(
        "invalidName",
        "@Parallelizable(name = \"%s\") on method '%s' is %s, so it cannot name the generated"
            + " methods; use a Java identifier that is not a keyword, or remove name to use '%s'",
        value,
        method,
        isKeyword ? "a Java keyword" : "not a Java identifier",
        method);
  }

  static String typeVariableHides(String variable, String method, String declaringClass) {
    return tagged(
        "typeVariableHides",
        "type variable '%s' of @Parallelizable method '%s' hides type variable '%s' of class '%s';"
            + " the generated methods declare both, so rename one of them",
        variable,
        method,
        variable,
        declaringClass);
  }

  static String inaccessibleType(
      String method,
      String location,
      String type,
      String reason,
      String generatedClass,
      String fix) {
    return tagged(
        "inaccessibleType",
        "@Parallelizable method '%s' uses type '%s' in %s, but '%s' %s, so the generated class"
            + " '%s' cannot name it; %s",
        method,
        type,
        location,
        type,
        reason,
        generatedClass,
        fix);
  }

  static String multiBoundArray(String parameter, String method, String variable, String bounds) {
    return tagged(
        "multiBoundArray",
        "parameter '%s' of @Parallelizable method '%s' is an array of type variable '%s', which has"
            + " several bounds (%s); Java cannot cast the array that a worker receives to such a"
            + " type, so the method cannot be called from a task; give '%s' a single bound, or take"
            + " a java.util.List<%s>",
        parameter,
        method,
        variable,
        bounds,
        variable,
        variable);
  }

  static String classNameTaken(String generatedClass, String declaringClass) {
    return tagged(
        "classNameTaken",
        "the class '%s' generated for the @Parallelizable methods of '%s' would replace the"
            + " existing type of that name; rename or move that type, or rename '%s'",
        generatedClass,
        declaringClass,
        declaringClass);
  }

  static String classNameGeneratedTwice(
      String generatedClass, String declaringClass, String otherDeclaringClass) {
    return tagged(
        "classNameTaken",
        "the class '%s' generated for the @Parallelizable methods of '%s' is also generated for"
            + " '%s'; rename one of the two classes",
        generatedClass,
        declaringClass,
        otherDeclaringClass);
  }

  static String methodClash(
      String method, String otherMethod, String signature, String generatedClass) {
    return tagged(
        "clash",
        "@Parallelizable methods '%s' and '%s' both generate '%s' in '%s', and Java cannot tell"
            + " the two apart after erasure; give one of them another name with"
            + " @Parallelizable(name = \"...\")",
        method,
        otherMethod,
        signature,
        generatedClass);
  }

  static String factoryClash(String method, String signature, String generatedClass) {
    return tagged(
        "clash",
        "@Parallelizable method '%s' generates '%s' in '%s', which clashes with the factory"
            + " method on(Pool) that every generated class has; give it another name with"
            + " @Parallelizable(name = \"...\")",
        method,
        signature,
        generatedClass);
  }

  /**
   * The error reported, on the last round, for a class whose methods mention a type that no round
   * defined; the compiler reports the missing type itself.
   *
   * @param generatedClass the name of the class that was not generated
   * @param declaringClass the annotated class
   * @param types the names of the missing types
   * @return the message, starting with its tag
   */
  public static String unresolvedType(
      String generatedClass, String declaringClass, List<String> types) {
    return tagged(
        "unresolvedType",
        "'%s' was not generated because the @Parallelizable methods of '%s' mention types that do"
            + " not exist: %s; fix the other errors first",
        generatedClass,
        declaringClass,
        types.stream().map(type -> "'" + type + "'").collect(joining(", ")));
  }

  /**
   * The error reported when the generated file cannot be written.
   *
   * @param generatedClass the name of the class that could not be written
   * @param declaringClass the annotated class
   * @param reason why writing failed
   * @return the message, starting with its tag
   */
  public static String writeFailed(String generatedClass, String declaringClass, String reason) {
    return tagged(
        "writeFailed",
        "could not write '%s' for the @Parallelizable methods of '%s': %s; if another processor or"
            + " a source file also creates that file, rename '%s'",
        generatedClass,
        declaringClass,
        reason,
        declaringClass);
  }

  /**
   * The error reported when generating a class fails on a defect of the processor itself.
   *
   * @param declaringClass the annotated class
   * @param stackTrace the processor's stack trace, as text
   * @return the message, starting with its tag
   */
  public static String internalError(String declaringClass, String stackTrace) {
    return tagged(
        "internal",
        "the annotation processor failed on the @Parallelizable methods of '%s', which is a defect"
            + " in the processor; other classes were still processed. Please report it with this"
            + " stack trace:%n%s",
        declaringClass,
        stackTrace);
  }

  private static String tagged(String tag, String template, Object... arguments) {
    return "[Parallelizable." + tag + "] " + String.format(template, arguments);
  }
}
