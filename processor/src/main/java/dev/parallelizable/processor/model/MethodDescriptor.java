package dev.parallelizable.processor.model;

import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;

/**
 * One {@code @Parallelizable} method and what the generated class offers for it: a static {@code
 * name(args)} returning a task, {@code nameAsync(args)}, and, for a method of one parameter, {@code
 * nameMap(inputs)} (for an instance method: {@code nameMap(receiver, inputs)}). Immutable; its
 * element belongs to the compilation that created it.
 *
 * @param element the annotated method, for error positions and as documentation
 * @param methodName the annotated method's simple name
 * @param generatedName the name of the generated methods: {@code @Parallelizable(name)}, or {@code
 *     methodName}
 * @param key the method's key among its class's annotated methods, its name and erased parameter
 *     types, such as {@code thumbnail(java.nio.file.Path,int)}; the receiver is not part of it
 * @param visibility the visibility of the generated methods
 * @param typeVariables the generated methods' type variables, with bounds: for an instance method
 *     those of the declaring class first, then the method's own
 * @param receiver the receiver parameter of an instance method; empty for a static method
 * @param parameters the annotated method's parameters
 * @param varargs whether the annotated method, and so the generated ones, are varargs
 * @param heapPollution what the generated varargs methods declare about heap pollution
 * @param resultType the result type, boxed; {@code Void} for a {@code void} method
 * @param returnsVoid whether the annotated method is {@code void}
 * @param resultUsesTypeVariables whether the result type mentions a type variable, so that the
 *     method's {@code TaskMethod} constant cannot name it
 * @param thrownTypes the checked and unchecked exceptions the annotated method declares
 * @param fingerprint the fingerprint of the method's source (see {@link SourceFingerprints}); 0 if
 *     the compiler gave no source tree
 */
public record MethodDescriptor(
    ExecutableElement element,
    String methodName,
    String generatedName,
    String key,
    Visibility visibility,
    List<TypeVariableName> typeVariables,
    Optional<ParameterDescriptor> receiver,
    List<ParameterDescriptor> parameters,
    boolean varargs,
    HeapPollution heapPollution,
    TypeName resultType,
    boolean returnsVoid,
    boolean resultUsesTypeVariables,
    List<TypeName> thrownTypes,
    long fingerprint) {

  /**
   * Copies the lists, so that the descriptor is immutable.
   *
   * @param element the annotated method
   * @param methodName the annotated method's simple name
   * @param generatedName the name of the generated methods
   * @param key the method's key among its class's annotated methods
   * @param visibility the visibility of the generated methods
   * @param typeVariables the generated methods' type variables, with bounds
   * @param receiver the receiver parameter of an instance method; empty for a static method
   * @param parameters the annotated method's parameters
   * @param varargs whether the annotated method is varargs
   * @param heapPollution what the generated varargs methods declare about heap pollution
   * @param resultType the result type, boxed
   * @param returnsVoid whether the annotated method is {@code void}
   * @param resultUsesTypeVariables whether the result type mentions a type variable
   * @param thrownTypes the exceptions the annotated method declares
   * @param fingerprint the fingerprint of the method's source; 0 if none
   */
  public MethodDescriptor {
    typeVariables = List.copyOf(typeVariables);
    parameters = List.copyOf(parameters);
    thrownTypes = List.copyOf(thrownTypes);
  }

  /**
   * Whether the method is static; otherwise it has a {@link #receiver()}.
   *
   * @return true for a static method
   */
  public boolean isStatic() {
    return receiver.isEmpty();
  }

  /**
   * The parameters of the generated static and async methods: the receiver, if any, then the rest.
   *
   * @return a new list: the receiver, if any, then the parameters
   */
  public List<ParameterDescriptor> taskParameters() {
    List<ParameterDescriptor> all = new ArrayList<>(parameters.size() + 1);
    receiver.ifPresent(all::add);
    all.addAll(parameters);
    return all;
  }

  /**
   * Whether a {@code nameMap} method is generated: only for methods of exactly one parameter.
   *
   * @return true if the method has exactly one parameter
   */
  public boolean hasMap() {
    return parameters.size() == 1;
  }

  /**
   * The name of the generated {@code AsyncResult} method.
   *
   * @return {@link #generatedName()} followed by {@code Async}
   */
  public String asyncName() {
    return generatedName + "Async";
  }

  /**
   * The name of the generated map method; see {@link #hasMap()}.
   *
   * @return {@link #generatedName()} followed by {@code Map}
   */
  public String mapName() {
    return generatedName + "Map";
  }

  /**
   * The erased signatures of every method generated for this one, in the order the generated class
   * declares them: the task method, the async method and, if any, the map method.
   *
   * @return the signatures, two or three
   */
  public List<MethodSignature> generatedSignatures() {
    List<String> taskTypes =
        taskParameters().stream().map(ParameterDescriptor::erasedName).toList();
    List<MethodSignature> signatures = new ArrayList<>(3);
    signatures.add(new MethodSignature(generatedName, taskTypes));
    signatures.add(new MethodSignature(asyncName(), taskTypes));
    if (hasMap()) {
      List<String> mapTypes = new ArrayList<>(2);
      receiver.ifPresent(r -> mapTypes.add(r.erasedName()));
      mapTypes.add(Iterable.class.getCanonicalName());
      signatures.add(new MethodSignature(mapName(), mapTypes));
    }
    return signatures;
  }

  /** The annotated method with its erased parameter types, such as {@code cube(int)}: its key. */
  @Override
  public String toString() {
    return key;
  }
}
