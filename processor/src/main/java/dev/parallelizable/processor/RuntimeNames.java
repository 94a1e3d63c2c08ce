package dev.parallelizable.processor;

import com.palantir.javapoet.ClassName;

/**
 * The runtime's types that the processor matches or generated code uses, by name. The processor
 * never loads the runtime's classes, so its jar works alone on any processor path ({@code javac
 * -processorpath}, Gradle's {@code annotationProcessor}, an IDE) without the runtime beside it.
 * {@code RuntimeNamesTest} checks every name against the runtime's classes.
 */
public final class RuntimeNames {
  private RuntimeNames() {}

  private static final String API = "dev.parallelizable";
  private static final String SUPPORT = "dev.parallelizable.support";

  /** The annotation the processor looks for. */
  public static final ClassName PARALLELIZABLE = ClassName.get(API, "Parallelizable");
  /** {@code Task}, what a generated method returns. */
  public static final ClassName TASK = ClassName.get(API, "Task");
  /** {@code TaskMethod}, the constant of a generated class per method. */
  public static final ClassName TASK_METHOD = ClassName.get(API, "TaskMethod");
  /** {@code TaskFailedException}, which generated direct calls throw. */
  public static final ClassName TASK_FAILED = ClassName.get(API, "TaskFailedException");
  /** {@code Pool}, the parameter of a generated class's {@code on(Pool)}. */
  public static final ClassName POOL = ClassName.get(API, "Pool");
  /** {@code AsyncResult}, what a generated {@code ...Async} method returns. */
  public static final ClassName ASYNC_RESULT = ClassName.get(API, "AsyncResult");
  /** {@code TaskInvoker}, the generated invoker's interface. */
  public static final ClassName TASK_INVOKER = ClassName.get(SUPPORT, "TaskInvoker");
  /** {@code Invocations}, the helpers generated maps call. */
  public static final ClassName INVOCATIONS = ClassName.get(SUPPORT, "Invocations");
  /** {@code BatchFailure}, how a generated batch reports a failed call. */
  public static final ClassName BATCH_FAILURE = ClassName.get(SUPPORT, "BatchFailure");
  /** {@code BatchProgress}, how a generated batch reports its progress. */
  public static final ClassName BATCH_PROGRESS = ClassName.get(SUPPORT, "BatchProgress");
}
