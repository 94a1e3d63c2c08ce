package dev.parallelizable;

import dev.parallelizable.internal.InvokerHandoff;
import dev.parallelizable.support.TaskInvoker;
import java.util.List;
import java.util.Objects;

/**
 * The identity of one {@code @Parallelizable} method: its declaring class, its name, its key (name
 * plus erased parameter types, stable across processes), its parameters, the {@linkplain
 * #fingerprint() fingerprint} of its source, and the generated invoker that calls it. Generated
 * code creates one constant per method; a {@link Task} is a {@code TaskMethod} plus arguments.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <R> the method's result type, boxed ({@link Void} for a {@code void} method)
 */
public final class TaskMethod<R> {
  private final TaskInvoker invoker;
  private final String key;
  private final String declaringClass;
  private final String methodName;
  private final String[] parameterTypes;
  private final String[] parameterNames;
  private final long fingerprint;

  private TaskMethod(
      TaskInvoker invoker,
      String key,
      String declaringClass,
      String methodName,
      String[] parameterTypes,
      String[] parameterNames,
      long fingerprint) {
    this.invoker = invoker;
    this.fingerprint = fingerprint;
    this.key = key;
    this.declaringClass = declaringClass;
    this.methodName = methodName;
    this.parameterTypes = parameterTypes;
    this.parameterNames = parameterNames;
  }

  /**
   * Describes a method; called by generated code.
   *
   * @param invoker the generated invoker of the declaring class
   * @param key the method's key, such as {@code "cube(int)"}
   * @param declaringClass the binary name of the declaring class, such as {@code
   *     "com.example.Cubes"}
   * @param methodName the method's simple name
   * @param parameters one {@code "type name"} string per parameter, such as {@code "int x"}; for an
   *     instance method the first is the receiver
   * @param <R> the method's result type, boxed
   * @return the description of the method
   * @throws IllegalArgumentException if a parameter string does not read {@code "type name"}
   */
  public static <R> TaskMethod<R> of(
      TaskInvoker invoker,
      String key,
      String declaringClass,
      String methodName,
      String... parameters) {
    return of(invoker, key, declaringClass, methodName, 0L, parameters);
  }

  /**
   * Describes a method with the fingerprint of its source; called by generated code.
   *
   * @param invoker the generated invoker of the declaring class
   * @param key the method's key, such as {@code "cube(int)"}
   * @param declaringClass the binary name of the declaring class, such as {@code
   *     "com.example.Cubes"}
   * @param methodName the method's simple name
   * @param fingerprint the hash the annotation processor computed from the method's declaration and
   *     body; 0 if it could not compute one (a result cache then keys the method by its class file)
   * @param parameters one {@code "type name"} string per parameter, such as {@code "int x"}; for an
   *     instance method the first is the receiver
   * @param <R> the method's result type, boxed
   * @return the description of the method
   * @throws IllegalArgumentException if a parameter string does not read {@code "type name"}
   */
  public static <R> TaskMethod<R> of(
      TaskInvoker invoker,
      String key,
      String declaringClass,
      String methodName,
      long fingerprint,
      String... parameters) {
    Objects.requireNonNull(invoker, "invoker");
    Objects.requireNonNull(key, "key");
    String[] types = new String[parameters.length];
    String[] names = new String[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      int space = parameters[i].lastIndexOf(' ');
      if (space <= 0) {
        throw new IllegalArgumentException(
            "parameter " + i + " of " + key + " must read \"type name\", got \"" + parameters[i] + '"');
      }
      types[i] = parameters[i].substring(0, space);
      names[i] = parameters[i].substring(space + 1);
    }
    InvokerHandoff.offer(invoker); // a worker that initializes this class takes it from there
    return new TaskMethod<>(invoker, key, declaringClass, methodName, types, names, fingerprint);
  }

  /**
   * Binds arguments to this method, producing a task that runs nothing until a pool runs it.
   *
   * @param arguments one argument per parameter, in order (for an instance method, the receiver
   *     first)
   * @return a new task
   * @throws IllegalArgumentException if the number of arguments differs from the number of
   *     parameters
   */
  public Task<R> bind(Object... arguments) {
    if (arguments.length != parameterNames.length) {
      throw new IllegalArgumentException(
          String.format(
              "%s takes %d arguments, got %d", this, parameterNames.length, arguments.length));
    }
    return new Task<>(this, parameterNames.length == 1 ? arguments[0] : arguments);
  }

  /**
   * Binds the one argument of a method of one parameter, as {@link #bind(Object...)} does, without
   * an array: generated code calls this for such a method, so that a map builds no array per input.
   * To bind an array as the one argument, cast it to {@code Object}, as generated code does.
   *
   * @param argument the argument; may be null
   * @return a new task
   * @throws IllegalArgumentException if this method does not take exactly one parameter
   */
  public Task<R> bind(Object argument) {
    if (parameterNames.length != 1) {
      throw new IllegalArgumentException(
          String.format("%s takes %d arguments, got 1", this, parameterNames.length));
    }
    return new Task<>(this, argument);
  }

  /** The number of parameters (for an instance method, the receiver included). */
  int parameterCount() {
    return parameterNames.length;
  }

  /**
   * The generated invoker that calls this method.
   *
   * @return the invoker
   */
  public TaskInvoker invoker() {
    return invoker;
  }

  /**
   * The class name a worker process loads to find the invoker.
   *
   * @return the invoker's binary class name
   */
  public String invokerClassName() {
    return invoker.getClass().getName();
  }

  /**
   * The key of this method among its class's {@code @Parallelizable} methods, e.g. {@code
   * "cube(int)"}.
   *
   * @return the key, unique within the declaring class
   */
  public String key() {
    return key;
  }

  /**
   * The binary name of the declaring class.
   *
   * @return the declaring class's binary name, such as {@code "com.example.Cubes"}
   */
  public String declaringClass() {
    return declaringClass;
  }

  /**
   * The method's simple name.
   *
   * @return the method's name
   */
  public String methodName() {
    return methodName;
  }

  /**
   * The fingerprint of the method's source: 16 hexadecimal digits of a hash the annotation
   * processor computed from the method's declaration and body as written (comments, blank lines and
   * indentation do not count). Editing the method changes it; rebuilding an unchanged method keeps
   * it. It does not see what the method calls or reads: other methods, fields, constants of other
   * classes, library versions. {@link ResultCache} makes it part of every key, so an edited method
   * misses its old entries; for a method without one it uses a hash of the declaring class's class
   * file instead.
   *
   * @return the fingerprint, or the empty string if the processor could read no source tree (a
   *     compiler other than javac, or a wrapper of javac's environment that hides it; those of
   *     Gradle and IntelliJ IDEA do not)
   */
  public String fingerprint() {
    return fingerprint == 0 ? "" : String.format("%016x", fingerprint);
  }

  /**
   * The parameter names, in order (for an instance method, the first is the receiver).
   *
   * @return the parameter names, unmodifiable
   */
  public List<String> parameterNames() {
    return List.of(parameterNames);
  }

  /**
   * The parameter types as written in the source, in order.
   *
   * @return the parameter types, unmodifiable
   */
  public List<String> parameterTypes() {
    return List.of(parameterTypes);
  }

  /**
   * Declaring class simple name and method name, e.g. {@code "Cubes.cube"}.
   *
   * @return the short name, for messages
   */
  public String shortName() {
    int dot = Math.max(declaringClass.lastIndexOf('.'), declaringClass.lastIndexOf('$'));
    return declaringClass.substring(dot + 1) + '.' + methodName;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TaskMethod<?> that
        && key.equals(that.key)
        && declaringClass.equals(that.declaringClass);
  }

  @Override
  public int hashCode() {
    return declaringClass.hashCode() * 31 + key.hashCode();
  }

  /** The fully qualified method with its parameters, e.g. {@code com.example.Cubes.cube(int x)}. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(declaringClass).append('.').append(methodName).append('(');
    for (int i = 0; i < parameterNames.length; i++) {
      text.append(i == 0 ? "" : ", ").append(parameterTypes[i]).append(' ').append(parameterNames[i]);
    }
    return text.append(')').toString();
  }
}
