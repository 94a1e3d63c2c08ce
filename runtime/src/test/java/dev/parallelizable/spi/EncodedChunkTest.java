package dev.parallelizable.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.RemoteException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A chunk as bytes, as a cluster member receives and answers it: encoded, run and read back in this
 * JVM, through the default codec and its deserialization filter on both sides.
 */
class EncodedChunkTest {
  /** The few tasks these tests run, with an invoker as the processor writes one. */
  static final class Tasks implements TaskInvoker {
    private static final Tasks INVOKER = new Tasks();
    private static final String CLASS = Tasks.class.getName();
    private static final TaskMethod<Long> CUBE = TaskMethod.of(INVOKER, "cube(int)", CLASS, "cube", "int x");
    private static final TaskMethod<Integer> FAIL_IF =
        TaskMethod.of(INVOKER, "failIf(int,int)", CLASS, "failIf", "int x", "int failing");
    private static final TaskMethod<Object> ECHO =
        TaskMethod.of(INVOKER, "echo(java.lang.Object)", CLASS, "echo", "java.lang.Object value");
    private static final TaskMethod<Object> UNSERIALIZABLE_RESULT =
        TaskMethod.of(INVOKER, "unserializableResult()", CLASS, "unserializableResult");
    private static final TaskMethod<Void> THROW_UNSERIALIZABLE =
        TaskMethod.of(INVOKER, "throwUnserializable(java.lang.String)", CLASS, "throwUnserializable",
            "java.lang.String message");

    static Task<Long> cube(int x) {
      return CUBE.bind(x);
    }

    static Task<Integer> failIf(int x, int failing) {
      return FAIL_IF.bind(x, failing);
    }

    static Task<Object> echo(Object value) {
      return ECHO.bind(value);
    }

    static Task<Object> unserializableResult() {
      return UNSERIALIZABLE_RESULT.bind();
    }

    static Task<Void> throwUnserializable(String message) {
      return THROW_UNSERIALIZABLE.bind(message);
    }

    @Override
    public Object invoke(String key, Object[] arguments) {
      switch (key) {
        case "cube(int)": {
          long x = (Integer) arguments[0];
          return x * x * x;
        }
        case "failIf(int,int)":
          if (arguments[0].equals(arguments[1])) {
            throw new IllegalStateException("input " + arguments[0] + " is not allowed");
          }
          return arguments[0];
        case "echo(java.lang.Object)":
          return arguments[0];
        case "unserializableResult()":
          return new Object();
        case "throwUnserializable(java.lang.String)":
          throw new UnserializableException((String) arguments[0]);
        default:
          throw Invocations.unknownKey(Tasks.class, key);
      }
    }
  }

  /** An exception that cannot be serialized: it holds a thread. */
  static final class UnserializableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings({"serial", "unused"})
    private final Thread owner = Thread.currentThread();

    UnserializableException(String message) {
      super(message);
    }
  }

  /** Records what an answer stores. */
  static final class Recorded implements Assignment<Object> {
    final Task<?>[] tasks;
    final int from;
    final int to;
    final Map<Integer, Object> results = new HashMap<>();
    int received;
    int failedAt = -1;
    ParallelException failure;

    Recorded(Task<?>[] tasks, int from, int to) {
      this.tasks = tasks;
      this.from = from;
      this.to = to;
      this.received = from;
    }

    @Override public long id() { return 1; }
    @Override public Task<?>[] tasks() { return tasks; }
    @Override public Task<?> task(int index) { return tasks[index]; }
    @Override public Object encoded() { return null; }
    @Override public int from() { return from; }
    @Override public int to() { return to; }
    @Override public int received() { return received; }
    @Override public boolean isActive() { return true; }

    @Override
    public void result(int index, Object value) {
      results.put(index, value);
      received = index + 1;
    }

    @Override
    public void results(int index, Object column, int count) {
      throw new AssertionError("a chunk encoded as tasks is answered task by task");
    }

    @Override
    public void fail(int index, ParallelException exception) {
      if (failedAt < 0) {
        failedAt = index;
        failure = exception;
      }
      received = index + 1;
    }
  }

  private static Recorded roundTrip(Task<?>[] tasks, int from, int to) {
    Codec codec = Codec.serialization();
    byte[] request = EncodedChunk.encode(tasks, codec).request(from, to);
    byte[] answer = EncodedChunk.run(request, codec, "member under test");
    Recorded recorded = new Recorded(tasks, from, to);
    EncodedChunk.readAnswer(answer, recorded, codec, "member under test");
    return recorded;
  }

  @Test
  void aRunOfTasksFromTheMiddleOfAChunkAnswersEachResultAtItsIndex() {
    Task<?>[] tasks = {Tasks.cube(1), Tasks.cube(2), Tasks.cube(3), Tasks.cube(4)};
    Recorded recorded = roundTrip(tasks, 1, 3);
    assertEquals(Map.of(1, 8L, 2, 27L), recorded.results);
    assertNull(recorded.failure);
  }

  @Test
  void aTaskThatThrowsFailsAtItsIndexAndTheTasksAfterItDoNotRun() {
    Task<?>[] tasks = {Tasks.failIf(1, 2), Tasks.failIf(2, 2), Tasks.failIf(3, 2)};
    Recorded recorded = roundTrip(tasks, 0, 3);
    assertEquals(Map.of(0, 1), recorded.results);
    assertEquals(1, recorded.failedAt);
    assertInstanceOf(TaskFailedException.class, recorded.failure);
  }

  @Test
  void aBlockedGadgetClassAsAnArgumentIsRejectedOnTheWorkerNamingIt() {
    Task<?>[] tasks = {Tasks.echo(new javax.management.BadAttributeValueExpException("trigger"))};
    Recorded recorded = roundTrip(tasks, 0, 1);
    assertEquals(0, recorded.failedAt);
    String message = recorded.failure.getCause().getMessage();
    assertTrue(message.contains("could not be decoded in member under test"), message);
    assertTrue(message.contains("javax.management.BadAttributeValueExpException"), message);
  }

  @Test
  void aResultThatCannotBeEncodedFailsItsTaskNamingTheMethodAndTheWorker() {
    Task<?>[] tasks = {Tasks.cube(2), Tasks.unserializableResult(), Tasks.cube(3)};
    Recorded recorded = roundTrip(tasks, 0, 3);
    assertEquals(Map.of(0, 8L), recorded.results);
    assertEquals(1, recorded.failedAt);
    String message = recorded.failure.getCause().getMessage();
    assertTrue(message.contains("unserializableResult()") && message.contains("member under test"), message);
  }

  @Test
  void anExceptionThatCannotBeEncodedArrivesAsARemoteExceptionWithItsClassAndMessage() {
    Recorded recorded = roundTrip(new Task<?>[] {Tasks.throwUnserializable("boom")}, 0, 1);
    RemoteException remote = assertInstanceOf(RemoteException.class, recorded.failure.getCause());
    assertTrue(remote.getMessage().contains("boom"), remote.getMessage());
  }

  @Test
  void anArgumentTheCodecCannotEncodeFailsTheEncodeNamingTheParameter() {
    Task<?>[] tasks = {Tasks.echo(new Object())};
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> EncodedChunk.encode(tasks, Codec.serialization()));
    assertTrue(refused.getMessage().contains("parameter 'value'"), refused.getMessage());
  }

  @Test
  void aCorruptAnswerFailsTheAssignmentInsteadOfThrowing() {
    Task<?>[] tasks = {Tasks.cube(2)};
    Recorded recorded = new Recorded(tasks, 0, 1);
    EncodedChunk.readAnswer(new byte[] {7, 0, 0, 0}, recorded, Codec.serialization(), "member under test");
    assertEquals(0, recorded.failedAt);
    assertTrue(recorded.failure.getCause().getMessage().contains("corrupt"), recorded.failure.getCause().getMessage());
  }
}
