package dev.parallelizable.processor.model;

import dev.parallelizable.processor.RuntimeNames;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.TypeVariable;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * Builds the descriptors of a class and its {@code @Parallelizable} methods from the compiler's
 * model. It never fails on an invalid method: validation reports those, and may still compare the
 * descriptors of invalid methods to find every clash at once. Stateless apart from the
 * compiler's utilities, which are for the processing thread only.
 */
public final class DescriptorFactory {
  private static final String PARALLELIZABLE = RuntimeNames.PARALLELIZABLE.canonicalName();
  private static final String RECEIVER = "receiver";

  private final Elements elements;
  private final Types types;
  private final SourceFingerprints fingerprints;

  /**
   * Creates a factory that uses the compiler's utilities of the current processing environment.
   *
   * @param elements the compiler's element utilities
   * @param types the compiler's type utilities
   */
  public DescriptorFactory(Elements elements, Types types) {
    this(elements, types, SourceFingerprints.none());
  }

  /**
   * Creates a factory that uses the compiler's utilities and fingerprints each method's source.
   *
   * @param elements the compiler's element utilities
   * @param types the compiler's type utilities
   * @param fingerprints computes the fingerprint of each method's source
   */
  public DescriptorFactory(Elements elements, Types types, SourceFingerprints fingerprints) {
    this.elements = elements;
    this.types = types;
    this.fingerprints = fingerprints;
  }

  /**
   * The name of the class generated for {@code type}: {@code Outer.Inner} gives {@code
   * Outer_InnerParallel}.
   *
   * @param type the annotated class
   * @return the generated class's name, in the annotated class's package
   */
  public static ClassName generatedClassName(TypeElement type) {
    ClassName declaring = ClassName.get(type);
    return ClassName.get(
        declaring.packageName(), String.join("_", declaring.simpleNames()) + "Parallel");
  }

  /**
   * The {@code @Parallelizable} annotation on {@code method}, which callers know is there.
   *
   * @param method an annotated method
   * @return the annotation's mirror
   * @throws IllegalArgumentException if {@code method} is not annotated
   */
  public static AnnotationMirror annotation(Element method) {
    return method.getAnnotationMirrors().stream()
        .filter(mirror -> mirror.getAnnotationType().toString().equals(PARALLELIZABLE))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(method + " is not @Parallelizable"));
  }

  /**
   * The value of {@code @Parallelizable(name)} on {@code method}, if it is set.
   *
   * @param method an annotated method
   * @return the value of {@code name}, or empty if it is not set or is empty
   */
  public static Optional<AnnotationValue> nameValue(ExecutableElement method) {
    return annotation(method).getElementValues().entrySet().stream()
        .filter(entry -> entry.getKey().getSimpleName().contentEquals("name"))
        .map(entry -> (AnnotationValue) entry.getValue())
        .filter(value -> !value.getValue().toString().isEmpty())
        .findFirst();
  }

  /**
   * The descriptor of {@code type}, a top-level or member class, and its annotated {@code methods}.
   *
   * @param type the annotated class
   * @param methods its annotated methods, in declaration order
   * @return the class's descriptor
   */
  public ClassDescriptor create(TypeElement type, List<ExecutableElement> methods) {
    List<MethodDescriptor> descriptors = new ArrayList<>(methods.size());
    for (ExecutableElement method : methods) {
      descriptors.add(method(type, method));
    }
    boolean anyPublicMethod =
        descriptors.stream().anyMatch(method -> method.visibility() == Visibility.PUBLIC);
    return new ClassDescriptor(
        type,
        ClassName.get(type),
        elements.getBinaryName(type).toString(),
        generatedClassName(type),
        anyPublicMethod && isReachableFromAnyPackage(type),
        descriptors);
  }

  private static boolean isReachableFromAnyPackage(TypeElement type) {
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private MethodDescriptor method(TypeElement type, ExecutableElement method) {
    String name = method.getSimpleName().toString();
    boolean isStatic = method.getModifiers().contains(Modifier.STATIC);
    // A raw receiver erases every member of a generic class, so its arguments get erased casts.
    boolean rawReceiver = !isStatic && !type.getTypeParameters().isEmpty();

    List<TypeVariableName> typeVariables = new ArrayList<>();
    if (!isStatic) {
      type.getTypeParameters().forEach(p -> typeVariables.add(TypeVariableName.get(p)));
    }
    method.getTypeParameters().forEach(p -> typeVariables.add(TypeVariableName.get(p)));

    List<ParameterDescriptor> parameters = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      TypeMirror parameterType = parameter.asType();
      parameters.add(
          parameter(
              parameter.getSimpleName().toString(),
              parameterType,
              rawReceiver ? erasedCast(parameterType) : cast(parameterType)));
    }
    Optional<ParameterDescriptor> receiver =
        isStatic ? Optional.empty() : Optional.of(receiver(type, parameters));

    String key =
        parameters.stream()
            .map(ParameterDescriptor::erasedName)
            .collect(Collectors.joining(",", name + "(", ")"));
    TypeMirror returnType = method.getReturnType();
    boolean returnsVoid = returnType.getKind() == TypeKind.VOID;
    return new MethodDescriptor(
        method,
        name,
        nameValue(method).map(value -> value.getValue().toString()).orElse(name),
        key,
        Visibility.of(method),
        typeVariables,
        receiver,
        parameters,
        method.isVarArgs(),
        heapPollution(method),
        returnsVoid ? ClassName.get(Void.class) : TypeName.get(returnType).box(),
        returnsVoid,
        TypeMirrors.usesTypeVariables(returnType),
        method.getThrownTypes().stream().map(TypeName::get).toList(),
        fingerprints.of(method));
  }

  private ParameterDescriptor parameter(String name, TypeMirror type, ArgumentCast cast) {
    return new ParameterDescriptor(
        name,
        TypeName.get(type),
        TypeName.get(types.erasure(type)),
        TypeMirrors.erasedName(type, types),
        cast);
  }

  private ParameterDescriptor receiver(TypeElement type, List<ParameterDescriptor> parameters) {
    Set<String> taken =
        parameters.stream().map(ParameterDescriptor::name).collect(Collectors.toSet());
    String name = RECEIVER;
    for (int suffix = 2; taken.contains(name); suffix++) {
      name = RECEIVER + suffix;
    }
    TypeMirror receiverType = type.asType();
    return parameter(
        name,
        receiverType,
        TypeMirrors.usesTypeVariables(receiverType)
            ? erasedCast(receiverType)
            : new ArgumentCast(List.of(ClassName.get(type)), false, false));
  }

  /**
   * The cast of an argument passed to a statically resolved method: the exact type where it has no
   * type variable, so that overloads resolve as declared; otherwise the erasure, with an
   * intersection cast for a type variable of several bounds, since the method infers its type
   * variables from the casts.
   */
  private ArgumentCast cast(TypeMirror type) {
    if (type.getKind().isPrimitive()) {
      return new ArgumentCast(List.of(TypeName.get(type)), false, false);
    }
    if (!TypeMirrors.usesTypeVariables(type)) {
      return isObject(type)
          ? ArgumentCast.NONE
          : new ArgumentCast(List.of(TypeName.get(type)), !TypeMirrors.isReifiable(type), false);
    }
    if (type.getKind() == TypeKind.TYPEVAR) {
      List<TypeMirror> bounds =
          TypeMirrors.bounds((TypeVariable) type).stream().map(types::erasure).toList();
      if (bounds.size() == 1 && isObject(bounds.get(0))) {
        return ArgumentCast.NONE;
      }
      boolean raw = bounds.stream().anyMatch(bound -> TypeMirrors.isRaw(bound, types));
      return new ArgumentCast(bounds.stream().map(TypeName::get).toList(), raw, raw);
    }
    TypeMirror erasure = types.erasure(type);
    boolean raw = TypeMirrors.isRaw(erasure, types);
    return new ArgumentCast(List.of(TypeName.get(erasure)), raw, raw);
  }

  /**
   * The cast of an argument passed to a member of a raw receiver, whose parameter types are all
   * erased. Passing it is unchecked if erasure changed the declared type.
   */
  private ArgumentCast erasedCast(TypeMirror type) {
    TypeMirror erasure = types.erasure(type);
    if (isObject(erasure)) {
      return ArgumentCast.NONE;
    }
    boolean raw = TypeMirrors.isRaw(erasure, types);
    boolean unchecked = raw || !types.isSameType(type, erasure);
    return new ArgumentCast(List.of(TypeName.get(erasure)), unchecked, raw);
  }

  private boolean isObject(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) types.asElement(type))
            .getQualifiedName()
            .contentEquals("java.lang.Object");
  }

  private static HeapPollution heapPollution(ExecutableElement method) {
    if (!method.isVarArgs()) {
      return HeapPollution.NONE;
    }
    List<? extends VariableElement> parameters = method.getParameters();
    TypeMirror last = parameters.get(parameters.size() - 1).asType();
    if (TypeMirrors.isReifiable(((ArrayType) last).getComponentType())) {
      return HeapPollution.NONE;
    }
    boolean safe =
        method.getAnnotationMirrors().stream()
            .anyMatch(a -> a.getAnnotationType().toString().equals(SafeVarargs.class.getName()));
    return safe ? HeapPollution.SAFE_VARARGS : HeapPollution.POSSIBLE;
  }
}
