package dev.parallelizable;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method whose calls may run in parallel: on a thread pool, a pool of worker JVMs, or in the
 * caller. The annotation processor generates, beside the declaring class {@code Foo}, a class
 * {@code FooParallel} (for a nested class {@code Outer.Inner}, {@code Outer_InnerParallel}) with, for
 * each annotated method {@code m}:
 *
 * <ul>
 *   <li>{@code static Task<R> m(args)}: a deferred call (joblib's {@code delayed}); it runs nothing;
 *   <li>{@code static FooParallel on(Pool pool)} and, on that instance, {@code AsyncResult<R>
 *       mAsync(args)} (Python's {@code apply_async}) and, for a method of one parameter, {@code
 *       List<R> mMap(Iterable<T> inputs)} (Python's {@code map}; for an instance method, {@code
 *       mMap(Foo receiver, Iterable<T> inputs)}).
 * </ul>
 *
 * <p>The method must be static, or an instance method of a class that implements {@link
 * java.io.Serializable} (the receiver travels with the task, as the first argument of the generated
 * methods). It must not be private, abstract, or declared in a private, local, anonymous or
 * non-static inner class. The compiler reports each violation with a tag such as {@code
 * [Parallelizable.private]}; {@code docs/compile-errors.md} lists them all.
 *
 * <p>Arguments and results of tasks run on a process pool cross a process boundary and must be
 * encodable by the pool's codec (by default: primitives, strings, arrays, paths and {@link
 * java.io.Serializable} values). The compiler warns, with the tag {@code
 * [Parallelizable.notEncodable]}, about a parameter or result whose type the default codec can
 * never encode (a record or final class that is not serializable, such as {@code Optional}; a
 * thread or I/O stream; a functional interface that does not extend {@code Serializable}); for a
 * method that only runs on threads, {@code @SuppressWarnings("Parallelizable.notEncodable")} on the
 * method, the parameter or the class silences it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Parallelizable {
  /**
   * The name of the generated methods, when it must differ from the annotated method's own: to
   * separate overloads whose generated methods would clash after erasure, for example. Empty (the
   * default) means the method's own name. Must be a valid Java identifier.
   *
   * @return the name of the generated methods, or empty for the method's own
   */
  String name() default "";
}
