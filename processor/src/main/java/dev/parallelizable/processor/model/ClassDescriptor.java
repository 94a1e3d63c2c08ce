package dev.parallelizable.processor.model;

import dev.parallelizable.processor.RuntimeNames;
import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A class with {@code @Parallelizable} methods and the {@code ...Parallel} class generated for it.
 * Immutable; its elements belong to the compilation that created it.
 *
 * @param element the annotated class: the generated file's only originating element
 * @param declaringClass the annotated class's name, such as {@code com.example.Outer.Inner}
 * @param binaryName its binary name, such as {@code com.example.Outer$Inner}, which {@code
 *     TaskMethod} records
 * @param generatedClass the generated class's name, such as {@code com.example.Outer_InnerParallel}
 * @param isPublic whether the generated class is public: only if some generated method is public
 *     and the annotated class can be named from any package
 * @param methods the annotated methods, in declaration order
 */
public record ClassDescriptor(
    TypeElement element,
    ClassName declaringClass,
    String binaryName,
    ClassName generatedClass,
    boolean isPublic,
    List<MethodDescriptor> methods) {

  /** The name of the generated factory method {@code on(Pool)}, which every generated class has. */
  public static final String FACTORY_METHOD = "on";

  /** The erased signature of {@code on(Pool)}. */
  public static final MethodSignature FACTORY_SIGNATURE =
      new MethodSignature(FACTORY_METHOD, List.of(RuntimeNames.POOL.canonicalName()));

  /**
   * Copies {@code methods}, so that the descriptor is immutable.
   *
   * @param element the annotated class
   * @param declaringClass the annotated class's name
   * @param binaryName its binary name
   * @param generatedClass the generated class's name
   * @param isPublic whether the generated class is public
   * @param methods the annotated methods, in declaration order
   */
  public ClassDescriptor {
    methods = List.copyOf(methods);
  }

  /**
   * The visibility of the generated class and of its {@code on(Pool)} factory.
   *
   * @return {@link Visibility#PUBLIC} if {@link #isPublic()}, else {@link Visibility#PACKAGE}
   */
  public Visibility visibility() {
    return isPublic ? Visibility.PUBLIC : Visibility.PACKAGE;
  }
}
