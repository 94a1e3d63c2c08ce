package dev.parallelizable.processor.model;

import com.palantir.javapoet.TypeName;

/**
 * One parameter of a generated method: a parameter of the annotated method, or the receiver of an
 * instance method.
 *
 * @param name the parameter's name
 * @param type its type as declared, such as {@code List<T>}
 * @param erasure its erased type, such as {@code List}, for javadoc links
 * @param erasedName the erased type's canonical name, such as {@code java.util.List}, as it appears
 *     in method keys and in the signatures compared for clashes
 * @param cast how the invoker casts the argument back to {@code type}
 */
public record ParameterDescriptor(
    String name, TypeName type, TypeName erasure, String erasedName, ArgumentCast cast) {}
