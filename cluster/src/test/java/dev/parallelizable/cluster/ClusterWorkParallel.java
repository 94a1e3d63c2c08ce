package dev.parallelizable.cluster;

import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;

/** Written as the processor writes a {@code ...Parallel} class (see {@link ClusterWork}). */
public final class ClusterWorkParallel {
  private static final Invoker INVOKER = new Invoker();
  private static final String CLASS = ClusterWork.class.getName();
  private static final TaskMethod<Long> PID = TaskMethod.of(INVOKER, "pid()", CLASS, "pid");
  private static final TaskMethod<String> DESCRIBE =
      TaskMethod.of(INVOKER, "describe(java.lang.Object)", CLASS, "describe", "Object value");
  private static final TaskMethod<Object> UNSERIALIZABLE_RESULT =
      TaskMethod.of(INVOKER, "unserializableResult()", CLASS, "unserializableResult");
  private static final TaskMethod<Integer> THROW_UNSERIALIZABLE =
      TaskMethod.of(
          INVOKER, "throwUnserializable(java.lang.String)", CLASS, "throwUnserializable", "String message");
  private static final TaskMethod<Long> SUM_OF_SQUARES_MOD7 =
      TaskMethod.of(INVOKER, "sumOfSquaresMod7(long)", CLASS, "sumOfSquaresMod7", "long n");

  private static final TaskMethod<Integer> HOLD = TaskMethod.of(INVOKER, "hold(int)", CLASS, "hold", "int x");

  private ClusterWorkParallel() {}

  public static Task<Integer> hold(int x) {
    return HOLD.bind(x);
  }

  public static Task<Long> pid() {
    return PID.bind();
  }

  public static Task<String> describe(Object value) {
    return DESCRIBE.bind(value);
  }

  public static Task<Object> unserializableResult() {
    return UNSERIALIZABLE_RESULT.bind();
  }

  public static Task<Integer> throwUnserializable(String message) {
    return THROW_UNSERIALIZABLE.bind(message);
  }

  public static Task<Long> sumOfSquaresMod7(long n) {
    return SUM_OF_SQUARES_MOD7.bind(n);
  }

  /** Calls the methods of {@link ClusterWork} by key. */
  public static final class Invoker implements TaskInvoker {
    @Override
    public Object invoke(String key, Object[] arguments) throws Throwable {
      switch (key) {
        case "hold(int)":
          return ClusterWork.hold((Integer) arguments[0]);
        case "pid()":
          return ClusterWork.pid();
        case "describe(java.lang.Object)":
          return ClusterWork.describe(arguments[0]);
        case "unserializableResult()":
          return ClusterWork.unserializableResult();
        case "throwUnserializable(java.lang.String)":
          return ClusterWork.throwUnserializable((String) arguments[0]);
        case "sumOfSquaresMod7(long)":
          return ClusterWork.sumOfSquaresMod7((Long) arguments[0]);
        default:
          throw Invocations.unknownKey(ClusterWork.class, key);
      }
    }
  }
}
