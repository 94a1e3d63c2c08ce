package dev.parallelizable.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.RemoteException;
import dev.parallelizable.SharedData;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.internal.Columns;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.support.BatchFailure;
import dev.parallelizable.support.BatchProgress;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
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

  /** Methods whose invoker has a batch loop, as the processor writes one. */
  static final class Batches implements TaskInvoker {
    private static final Batches INVOKER = new Batches();
    private static final String CLASS = Batches.class.getName();
    private static final TaskMethod<Long> SQUARE =
        TaskMethod.of(INVOKER, "square(int)", CLASS, "square", "int x");
    private static final TaskMethod<String> LABEL =
        TaskMethod.of(INVOKER, "label(java.lang.String,int)", CLASS, "label", "java.lang.String text", "int number");
    private static final TaskMethod<Integer> ELEMENT =
        TaskMethod.of(INVOKER, "element(dev.parallelizable.SharedData,int)", CLASS, "element",
            "dev.parallelizable.SharedData data", "int index");

    static long square(int x) {
      if (x < 0) {
        throw new IllegalStateException("input " + x + " is negative");
      }
      return (long) x * x;
    }

    static String label(String text, int number) {
      return text + number;
    }

    static int element(SharedData data, int index) {
      return data.asIntBuffer().get(index);
    }

    @Override
    public Object invoke(String key, Object[] arguments) {
      switch (key) {
        case "square(int)":
          return square((Integer) arguments[0]);
        case "label(java.lang.String,int)":
          return label((String) arguments[0], (Integer) arguments[1]);
        case "element(dev.parallelizable.SharedData,int)":
          return element((SharedData) arguments[0], (Integer) arguments[1]);
        default:
          throw Invocations.unknownKey(Batches.class, key);
      }
    }

    @Override
    public boolean batches() {
      return true;
    }

    @Override
    public Object invokeBatch(String key, Object[] columns, int count, BatchProgress progress)
        throws BatchFailure {
      switch (key) {
        case "square(int)": {
          int[] xs = (int[]) columns[0];
          long[] results = new long[count];
          for (int i = 0; i < count; i++) {
            try {
              results[i] = square(xs[i]);
            } catch (RuntimeException e) {
              throw new BatchFailure(i, e, results);
            }
          }
          return results;
        }
        case "label(java.lang.String,int)": {
          Object[] texts = (Object[]) columns[0];
          int[] numbers = (int[]) columns[1];
          Object[] results = new Object[count];
          for (int i = 0; i < count; i++) {
            results[i] = label((String) texts[i], numbers[i]);
          }
          return results;
        }
        case "element(dev.parallelizable.SharedData,int)": {
          Object[] data = (Object[]) columns[0];
          int[] indexes = (int[]) columns[1];
          int[] results = new int[count];
          for (int i = 0; i < count; i++) {
            results[i] = element((SharedData) data[i], indexes[i]);
          }
          return results;
        }
        default:
          throw Invocations.unknownKey(Batches.class, key);
      }
    }
  }

  /** A store of shared data in this JVM's memory, as a cluster's map would hold it. */
  static final class MemoryStore implements SharedDataStore {
    final Map<String, byte[]> entries = new ConcurrentHashMap<>();

    @Override public void put(String key, byte[] bytes) { entries.put(key, bytes); }
    @Override public void remove(String key) { entries.remove(key); }
    @Override public byte[] get(String key) { return entries.get(key); }
  }

  /** The default codec, except that encoding a string that ends in 7 runs out of memory. */
  static final class RunsOutOfMemoryOnSevens implements Codec {
    @Override
    public void encode(Object value, java.io.OutputStream out) throws IOException {
      if (value instanceof String text && text.endsWith("7")) {
        out.write(new byte[1 << 16]);
        throw new OutOfMemoryError("encoding " + text);
      }
      Codec.serialization().encode(value, out);
    }

    @Override
    public Object decode(java.io.InputStream in, ClassLoader loader) throws IOException, ClassNotFoundException {
      return Codec.serialization().decode(in, loader);
    }
  }

  /** Records what an answer stores. */
  static final class Recorded implements Assignment<Object> {
    final Task<?>[] tasks;
    final int from;
    final int to;
    final Map<Integer, Object> results = new HashMap<>();
    /** The result columns stored, by their first index, and how many results each holds. */
    final Map<Integer, Object> columns = new HashMap<>();
    final Map<Integer, Integer> columnCounts = new HashMap<>();
    /** How many tasks the reader asked for by index. */
    int tasksNamed;
    int received;
    int failedAt = -1;
    ParallelException failure;
    /** What the answer said the worker spent on it, or -1 if it said nothing. */
    long ranFor = -1;

    Recorded(Task<?>[] tasks, int from, int to) {
      this.tasks = tasks;
      this.from = from;
      this.to = to;
      this.received = from;
    }

    @Override public long id() { return 1; }
    @Override public Task<?>[] tasks() { throw new AssertionError("an answer is read without building every task"); }

    @Override
    public Task<?> task(int index) {
      tasksNamed++;
      return tasks[index];
    }

    @Override public Object encoded() { return null; }
    @Override public int from() { return from; }
    @Override public int to() { return to; }
    @Override public int received() { return received; }
    @Override public boolean isActive() { return true; }
    @Override public void ranFor(long nanos) { ranFor = nanos; }

    @Override
    public void result(int index, Object value) {
      results.put(index, value);
      received = index + 1;
    }

    @Override
    public void results(int index, Object column, int count) {
      assertEquals(received, index, "in order");
      columns.put(index, column);
      columnCounts.put(index, count);
      received = index + count;
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

  /** An answer says how long the member spent on it, which the engine sizes later chunks by. */
  @Test
  void anAnswerSaysHowLongTheWorkerSpentOnIt() {
    Codec codec = Codec.serialization();
    Task<?>[] tasks = {Tasks.cube(1), Tasks.cube(2), Tasks.cube(3)};
    byte[] request = EncodedChunk.encode(tasks, codec).request(0, 3);
    long before = System.nanoTime();
    byte[] answer = EncodedChunk.run(request, codec, "member under test");
    long took = System.nanoTime() - before;
    Recorded recorded = new Recorded(tasks, 0, 3);
    EncodedChunk.readAnswer(answer, recorded, codec, "member under test");
    assertTrue(recorded.ranFor > 0 && recorded.ranFor <= took, recorded.ranFor + " of " + took + " ns");
    assertEquals(Map.of(0, 1L, 1, 8L, 2, 27L), recorded.results);
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

  /** The calls of {@code method} with argument {@code columns}, as tasks, for the messages that name one. */
  private static Task<?>[] rows(TaskMethod<?> method, Object[] columns, int count) {
    Task<?>[] tasks = new Task<?>[count];
    for (int t = 0; t < count; t++) {
      Object[] arguments = new Object[columns.length];
      for (int p = 0; p < columns.length; p++) {
        arguments[p] = Columns.get(columns[p], t);
      }
      tasks[t] = method.bind(arguments);
    }
    return tasks;
  }

  private static Recorded roundTrip(TaskMethod<?> method, Object[] columns, int count, int from, int to) {
    MemoryStore store = new MemoryStore();
    Codec codec = Codec.serialization();
    try (SharedDataPublisher shared = SharedDataPublisher.create(store, "test-")) {
      byte[] request = EncodedChunk.encodeColumns(method, columns, count, codec, shared).request(from, to);
      byte[] answer = EncodedChunk.run(request, codec, "member under test", SharedDataReceiver.create(store));
      return read(answer, method, columns, count, from, to);
    }
  }

  private static Recorded read(byte[] answer, TaskMethod<?> method, Object[] columns, int count, int from, int to) {
    Recorded recorded = new Recorded(rows(method, columns, count), from, to);
    assertDoesNotThrow(() -> EncodedChunk.readAnswer(answer, recorded, Codec.serialization(), "member under test"));
    return recorded;
  }

  private static byte[] bytes(FrameOutput out) throws IOException {
    byte[] bytes = new byte[(int) out.length()];
    int[] at = {0};
    out.copyTo(0, out.length(), (source, offset, length) -> {
      System.arraycopy(source, offset, bytes, at[0], length);
      at[0] += length;
    });
    return bytes;
  }

  @Test
  void aBatchOfPrimitivesCrossesAsColumnsAndItsResultsComeBackAsOneColumnWithNoTaskBuilt() {
    Object[] columns = {new int[] {1, 2, 3, 4, 5, 6}};
    Recorded recorded = roundTrip(Batches.SQUARE, columns, 6, 1, 5);
    assertNull(recorded.failure);
    assertTrue(recorded.results.isEmpty(), "no result stored one by one");
    assertArrayEquals(new long[] {4, 9, 16, 25}, Arrays.copyOf((long[]) recorded.columns.get(1), 4));
    assertEquals(4, recorded.columnCounts.get(1));
    assertEquals(5, recorded.received);
    assertEquals(0, recorded.tasksNamed);
  }

  @Test
  void aRowThatThrowsFailsAtItsIndexAfterTheResultsOfTheRowsBeforeIt() {
    Object[] columns = {new int[] {7, 1, 2, -3, 4}};
    Recorded recorded = roundTrip(Batches.SQUARE, columns, 5, 1, 5);
    assertArrayEquals(new long[] {1, 4}, Arrays.copyOf((long[]) recorded.columns.get(1), 2));
    assertEquals(2, recorded.columnCounts.get(1));
    assertEquals(3, recorded.failedAt);
    assertInstanceOf(TaskFailedException.class, recorded.failure);
    IllegalStateException cause = assertInstanceOf(IllegalStateException.class, recorded.failure.getCause());
    assertEquals("input -3 is negative", cause.getMessage());
    assertTrue(recorded.failure.getMessage().contains("square"), recorded.failure.getMessage());
    assertEquals(1, recorded.tasksNamed, "only the failed task is built, to name it");
  }

  @Test
  void aBatchOfReferenceArgumentsAndResultsCrossesValueByValue() {
    Object[] columns = {new Object[] {"ab", null, "c"}, new int[] {2, 1, 3}};
    Recorded recorded = roundTrip(Batches.LABEL, columns, 3, 0, 3);
    assertNull(recorded.failure);
    assertEquals(Map.of(0, "ab2", 1, "null1", 2, "c3"), recorded.results);
    assertTrue(recorded.columns.isEmpty());
    assertEquals(1, recorded.tasksNamed, "one task per answer, for its class loader");
  }

  @Test
  void sharedDataInABatchCrossesAsAReferenceToTheStore() {
    try (SharedData data = SharedData.of(new int[] {10, 20, 30})) {
      Object[] columns = {new Object[] {data, data, data}, new int[] {2, 0, 1}};
      Recorded recorded = roundTrip(Batches.ELEMENT, columns, 3, 0, 3);
      assertNull(recorded.failure);
      assertArrayEquals(new int[] {30, 10, 20}, (int[]) recorded.columns.get(0));
    }
  }

  @Test
  void aMethodWithNoBatchLoopIsEncodedFromItsColumnsAsTasks() {
    Object[] columns = {new int[] {2, 3}};
    Recorded recorded = roundTrip(Tasks.CUBE, columns, 2, 0, 2);
    assertNull(recorded.failure);
    assertEquals(Map.of(0, 8L, 1, 27L), recorded.results);
  }

  @Test
  void aCorruptBatchRequestFailsItsFirstTaskAsCorruptWithoutThrowing() throws IOException {
    Object[] columns = {new int[] {1, 2, 3, 4}};
    byte[] request;
    try (SharedDataPublisher shared = SharedDataPublisher.create(new MemoryStore(), "test-")) {
      request = EncodedChunk.encodeColumns(Batches.SQUARE, columns, 4, Codec.serialization(), shared).request(0, 4);
    }
    FrameOutput huge = new FrameOutput(64);
    huge.writeInt(-1);
    huge.writeInt(1_000_000_000);
    huge.writeString(Batches.CLASS);
    huge.writeString("square(int)");
    huge.writeShort(1);
    huge.writeByte(Columns.INT);
    huge.writeLong(7);
    byte[][] corrupt = {
      Arrays.copyOf(request, 6), Arrays.copyOf(request, 20), Arrays.copyOf(request, request.length - 1), bytes(huge)
    };
    for (byte[] bytes : corrupt) {
      byte[] answer = assertDoesNotThrow(() -> EncodedChunk.run(bytes, Codec.serialization(), "member under test"));
      Recorded recorded = read(answer, Batches.SQUARE, columns, 4, 0, 4);
      assertEquals(0, recorded.failedAt);
      String message = recorded.failure.getCause().getMessage();
      assertTrue(message.contains("The request member under test received is corrupt"), message);
    }
  }

  @Test
  void aBatchRequestWithBytesFlippedNeverThrowsOnTheMemberOrInTheCaller() {
    Object[] columns = {new Object[] {"ab", null, "c", "d"}, new int[] {2, 1, 3, 0}};
    byte[] request;
    try (SharedDataPublisher shared = SharedDataPublisher.create(new MemoryStore(), "test-")) {
      request = EncodedChunk.encodeColumns(Batches.LABEL, columns, 4, Codec.serialization(), shared).request(0, 4);
    }
    Random random = new Random(42);
    for (int trial = 0; trial < 300; trial++) {
      byte[] bytes = request.clone();
      for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
        bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
      }
      byte[] answer = assertDoesNotThrow(() -> EncodedChunk.run(bytes, Codec.serialization(), "member under test"));
      read(answer, Batches.LABEL, columns, 4, 0, 4);
    }
  }

  @Test
  void aCorruptBatchAnswerFailsTheAssignmentInsteadOfThrowing() throws IOException {
    Object[] columns = {new int[] {1, 2}};
    FrameOutput shortColumn = new FrameOutput(16);
    shortColumn.writeInt(-1);
    shortColumn.writeInt(2);
    shortColumn.writeByte(Columns.LONG);
    shortColumn.writeInt(5);
    FrameOutput tooMany = new FrameOutput(16);
    tooMany.writeInt(-1);
    tooMany.writeInt(1_000_000_000);
    tooMany.writeByte(Columns.LONG);
    FrameOutput failureAfterTheLast = new FrameOutput(32);
    failureAfterTheLast.writeInt(-1);
    failureAfterTheLast.writeInt(2);
    failureAfterTheLast.writeByte(Columns.LONG);
    failureAfterTheLast.writeLong(1);
    failureAfterTheLast.writeLong(4);
    failureAfterTheLast.writeByte(1);
    for (FrameOutput answer : new FrameOutput[] {shortColumn, tooMany, failureAfterTheLast}) {
      Recorded recorded = read(bytes(answer), Batches.SQUARE, columns, 2, 0, 2);
      assertTrue(recorded.failedAt >= 0);
      String message = recorded.failure.getCause().getMessage();
      assertTrue(message.contains("is corrupt"), message);
    }
  }

  @Test
  void runningOutOfMemoryEncodingAResultFailsItsTaskAndKeepsTheResultsBeforeIt() {
    Codec codec = new RunsOutOfMemoryOnSevens();
    Object[] columns = {new Object[] {"a", "b", "c"}, new int[] {1, 7, 2}};
    Task<?>[] tasks = rows(Batches.LABEL, columns, 3);
    byte[] tasksAnswer = EncodedChunk.run(EncodedChunk.encode(tasks, codec).request(0, 3), codec, "member under test");
    byte[] batchAnswer;
    try (SharedDataPublisher shared = SharedDataPublisher.create(new MemoryStore(), "test-")) {
      byte[] request = EncodedChunk.encodeColumns(Batches.LABEL, columns, 3, codec, shared).request(0, 3);
      batchAnswer = EncodedChunk.run(request, codec, "member under test");
    }
    for (byte[] answer : new byte[][] {tasksAnswer, batchAnswer}) {
      Recorded recorded = new Recorded(tasks, 0, 3);
      EncodedChunk.readAnswer(answer, recorded, codec, "member under test");
      assertEquals(Map.of(0, "a1"), recorded.results);
      assertEquals(1, recorded.failedAt);
      String message = recorded.failure.getCause().getMessage();
      assertTrue(message.contains("could not be sent back") && message.contains("OutOfMemoryError"), message);
    }
  }
}
