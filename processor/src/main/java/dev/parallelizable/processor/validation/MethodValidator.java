package dev.parallelizable.processor.validation;

import dev.parallelizable.processor.model.DescriptorFactory;
import dev.parallelizable.processor.model.TypeMirrors;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.TypeParameterElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Checks one {@code @Parallelizable} method against the rules that make a task of it possible: the
 * generated class, in the same package, must be able to call it and name every type in its
 * signature, and an instance method's receiver must be serializable. Adds every violation to the
 * report, and a warning for each parameter or result that can never be encoded; stops at none.
 * Stateless apart from the compiler's utilities, which are for the processing thread only.
 */
public final class MethodValidator {
  private final Elements elements;
  private final Types types;
  private final TypeMirror serializable;
  private final Encodability encodability;

  /**
   * Creates a validator that uses the compiler's utilities of the current processing environment.
   *
   * @param elements the compiler's element utilities
   * @param types the compiler's type utilities
   */
  public MethodValidator(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
    this.serializable = elements.getTypeElement("java.io.Serializable").asType();
    this.encodability = new Encodability(elements, types);
  }

  /**
   * Adds to {@code report} every rule that {@code method} breaks.
   *
   * @param method the annotated method
   * @param report where to add the errors and warnings
   */
  public void validate(ExecutableElement method, ValidationReport.Builder report) {
    String name = method.getSimpleName().toString();
    TypeElement type = (TypeElement) method.getEnclosingElement();
    Set<Modifier> modifiers = method.getModifiers();
    boolean isStatic = modifiers.contains(Modifier.STATIC);

    if (modifiers.contains(Modifier.PRIVATE)) {
      report.addError(Messages.privateMethod(name), method);
    }
    if (modifiers.contains(Modifier.ABSTRACT)) {
      report.addError(Messages.abstractMethod(name), method);
    } else if (type.getKind().isInterface() && !isStatic && !modifiers.contains(Modifier.PRIVATE)) {
      report.addError(Messages.interfaceMethod(name, displayName(type)), method);
    }
    validateEnclosingClasses(method, name, type, report);
    validateSerializable(method, name, type, isStatic, report);
    validateName(method, name, report);
    if (!isStatic) {
      validateTypeVariablesDoNotHide(method, name, type, report);
    }
    validateAccessibleTypes(method, name, type, isStatic, report);
    if (isStatic || type.getTypeParameters().isEmpty()) {
      validateArrayCasts(method, name, report);
    }
  }

  /**
   * Checks the declaring class and the classes around it. (Local and anonymous classes never get
   * here: the processing API does not show their methods; {@link LocalClassScanner} reports them.)
   */
  private void validateEnclosingClasses(
      ExecutableElement method, String name, TypeElement type, ValidationReport.Builder report) {
    boolean privateReported = false;
    boolean innerReported = false;
    for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
      if (!privateReported && t.getModifiers().contains(Modifier.PRIVATE)) {
        report.addError(
            Messages.privateClass(name, displayName(t), t.getSimpleName().toString()), method);
        privateReported = true;
      }
      if (!innerReported
          && t.getNestingKind() == NestingKind.MEMBER
          && !t.getModifiers().contains(Modifier.STATIC)) {
        report.addError(
            Messages.innerClass(name, displayName(t), t.getSimpleName().toString()), method);
        innerReported = true;
      }
    }
  }

  /**
   * What a task carries to a worker must be serializable. An instance method's receiver is the
   * declaring class, so that class must be: an error. Parameters and the result must be encodable
   * by the default codec, which their types tell only in part (see {@link Encodability}); one that
   * never is draws a warning, since the method still runs on threads, unless the parameter, the
   * method or a class around it is annotated with {@code SuppressWarnings} of {@code
   * "Parallelizable.notEncodable"}.
   */
  private void validateSerializable(
      ExecutableElement method,
      String name,
      TypeElement type,
      boolean isStatic,
      ValidationReport.Builder report) {
    if (!isStatic
        && !type.getKind().isInterface()
        && !types.isAssignable(type.asType(), serializable)) {
      report.addError(
          Messages.notSerializable(name, displayName(type), type.getKind() == ElementKind.RECORD),
          method);
    }
    if (suppressesNotEncodable(method)) {
      return;
    }
    for (VariableElement parameter : method.getParameters()) {
      if (!suppressesNotEncodable(parameter)) {
        encodability
            .neverEncodable(parameter.asType())
            .ifPresent(
                problem ->
                    report.addWarning(
                        Messages.notEncodable(
                            "parameter '" + parameter.getSimpleName() + "'",
                            name,
                            parameter.asType().toString(),
                            problem.reason(),
                            problem.fix()),
                        parameter));
      }
    }
    encodability
        .neverEncodable(method.getReturnType())
        .ifPresent(
            problem ->
                report.addWarning(
                    Messages.notEncodable(
                        "the result",
                        name,
                        method.getReturnType().toString(),
                        problem.reason(),
                        problem.fix()),
                    method));
  }

  /** Whether {@code element} or an element around it suppresses the notEncodable warning. */
  private static boolean suppressesNotEncodable(Element element) {
    for (Element e = element;
        e != null && e.getKind() != ElementKind.PACKAGE;
        e = e.getEnclosingElement()) {
      SuppressWarnings suppressed = e.getAnnotation(SuppressWarnings.class);
      if (suppressed != null) {
        for (String value : suppressed.value()) {
          if (value.equalsIgnoreCase(Messages.NOT_ENCODABLE_SUPPRESSION)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void validateName(
      ExecutableElement method, String name, ValidationReport.Builder report) {
    DescriptorFactory.nameValue(method)
        .ifPresent(
            value -> {
              String text = value.getValue().toString();
              boolean isKeyword = SourceVersion.isKeyword(text);
              if (isKeyword || !SourceVersion.isIdentifier(text)) {
                report.addError(
                    Messages.invalidName(text, name, isKeyword),
                    method,
                    DescriptorFactory.annotation(method),
                    value);
              }
            });
  }

  private void validateTypeVariablesDoNotHide(
      ExecutableElement method, String name, TypeElement type, ValidationReport.Builder report) {
    Set<String> classVariables =
        type.getTypeParameters().stream()
            .map(p -> p.getSimpleName().toString())
            .collect(Collectors.toSet());
    for (TypeParameterElement variable : method.getTypeParameters()) {
      if (classVariables.contains(variable.getSimpleName().toString())) {
        report.addError(
            Messages.typeVariableHides(
                variable.getSimpleName().toString(), name, displayName(type)),
            method);
      }
    }
  }

  private void validateAccessibleTypes(
      ExecutableElement method,
      String name,
      TypeElement type,
      boolean isStatic,
      ValidationReport.Builder report) {
    String packageName = elements.getPackageOf(type).getQualifiedName().toString();
    String generatedClass = DescriptorFactory.generatedClassName(type).canonicalName();
    Set<String> reported = new HashSet<>();
    BiConsumer<TypeMirror, String> check =
        (mirror, location) -> {
          for (DeclaredType referenced : TypeMirrors.referencedTypes(mirror)) {
            TypeElement element = (TypeElement) referenced.asElement();
            Inaccessibility problem = inaccessibility(element, packageName);
            if (problem != null && reported.add(element.getQualifiedName().toString())) {
              report.addError(
                  Messages.inaccessibleType(
                      name,
                      location,
                      element.getQualifiedName().toString(),
                      problem.reason(),
                      generatedClass,
                      problem.fix()),
                  method);
            }
          }
        };
    for (VariableElement parameter : method.getParameters()) {
      check.accept(parameter.asType(), "parameter '" + parameter.getSimpleName() + "'");
    }
    check.accept(method.getReturnType(), "its return type");
    for (TypeParameterElement variable : method.getTypeParameters()) {
      for (TypeMirror bound : variable.getBounds()) {
        check.accept(bound, "the bounds of type variable '" + variable.getSimpleName() + "'");
      }
    }
    if (!isStatic) {
      for (TypeParameterElement variable : type.getTypeParameters()) {
        for (TypeMirror bound : variable.getBounds()) {
          check.accept(
              bound,
              "the bounds of type variable '"
                  + variable.getSimpleName()
                  + "' of class '"
                  + displayName(type)
                  + "'");
        }
      }
    }
  }

  /**
   * Why code in {@code packageName} cannot name {@code type}, and the fix; null if it can. A
   * private type, or one nested in a private type, is visible to its top-level class alone; a
   * package-private or protected one to its own package alone.
   */
  private Inaccessibility inaccessibility(TypeElement type, String packageName) {
    for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
      if (t.getModifiers().contains(Modifier.PRIVATE)) {
        return new Inaccessibility(
            t == type ? "is private" : "is nested in private class '" + displayName(t) + "'",
            "make '" + t.getSimpleName() + "' package-private or public");
      }
    }
    for (Element e = type; e instanceof TypeElement t; e = t.getEnclosingElement()) {
      String typePackage = elements.getPackageOf(t).getQualifiedName().toString();
      if (!t.getModifiers().contains(Modifier.PUBLIC) && !typePackage.equals(packageName)) {
        return new Inaccessibility(
            (t == type ? "is" : "is nested in '" + displayName(t) + "', which is")
                + " not public and belongs to package '"
                + typePackage
                + "'",
            "make '" + t.getSimpleName() + "' public");
      }
    }
    return null;
  }

  private record Inaccessibility(String reason, String fix) {}

  private void validateArrayCasts(
      ExecutableElement method, String name, ValidationReport.Builder report) {
    for (VariableElement parameter : method.getParameters()) {
      TypeMirror component = parameter.asType();
      while (component.getKind() == TypeKind.ARRAY) {
        component = ((ArrayType) component).getComponentType();
      }
      if (component != parameter.asType() && component.getKind() == TypeKind.TYPEVAR) {
        List<? extends TypeMirror> bounds = TypeMirrors.bounds((TypeVariable) component);
        if (bounds.size() > 1) {
          report.addError(
              Messages.multiBoundArray(
                  parameter.getSimpleName().toString(),
                  name,
                  component.toString(),
                  bounds.stream().map(TypeMirror::toString).collect(Collectors.joining(" & "))),
              method);
        }
      }
    }
  }

  /** The class's name without its package, such as {@code Outer.Inner}. */
  private String displayName(TypeElement type) {
    String qualified = type.getQualifiedName().toString();
    String packageName = elements.getPackageOf(type).getQualifiedName().toString();
    return packageName.isEmpty() ? qualified : qualified.substring(packageName.length() + 1);
  }
}
