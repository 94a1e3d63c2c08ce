package dev.parallelizable.internal.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.internal.Columns;
import dev.parallelizable.internal.process.child.BatchBlock;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.support.BatchFailure;
import dev.parallelizable.support.BatchProgress;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The batch block of a RUN_BATCH: encoded in the caller as columns, decoded by the worker, and
 * hostile blocks rejected before anything large is allocated.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BatchBlockTest {
  private static final Codec CODEC = Codec.serialization();

  /** Two methods with an invoker as the processor writes one, batch loop included. */
  public static final class Tasks implements TaskInvoker {
    static final Tasks INVOKER = new Tasks();
    static final String CLASS = Tasks.class.getName();
    static final TaskMethod<String> LABEL =
        TaskMethod.of(INVOKER, "label(int,java.lang.String)", CLASS, "label", "int x", "java.lang.String name");
    static final TaskMethod<Long> CUBE = TaskMethod.of(INVOKER, "cube(int)", CLASS, "cube", "int x");

    static String label(int x, String name) {
      return name + x;
    }

    @Override
    public Object invoke(String key, Object[] arguments) {
      return switch (key) {
        case "label(int,java.lang.String)" -> label((int) arguments[0], (String) arguments[1]);
        case "cube(int)" -> (long) (int) arguments[0] * (int) arguments[0] * (int) arguments[0];
        default -> throw Invocations.unknownKey(Tasks.class, key);
      };
    }

    @Override
    public boolean batches() {
      return true;
    }

    @Override
    public Object invokeBatch(String key, Object[] columns, int count, BatchProgress progress)
        throws BatchFailure {
      Object[] results = new Object[count];
      for (int i = 0; i < count; i++) {
        results[i] = invoke(key, new Object[] {((int[]) columns[0])[i], ((Object[]) columns[1])[i]});
      }
      return results;
    }
  }

  private static byte[] request(EncodedTasks tasks, int from, int to) throws IOException {
    FrameOutput head = new FrameOutput(64);
    tasks.writeHead(head, from, to);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    head.copyTo(0, head.length(), bytes::write);
    tasks.bytes().copyTo(tasks.start(from), tasks.start(to), bytes::write);
    return bytes.toByteArray();
  }

  private static BatchBlock read(byte[] request) throws IOException {
    return new BatchBlock(new FrameInput(ByteBuffer.wrap(request)), CODEC, "worker-test");
  }

  private static Task<?>[] labels(int count) {
    Task<?>[] tasks = new Task<?>[count];
    for (int i = 0; i < count; i++) {
      tasks[i] = Tasks.LABEL.bind(i * 10, i == 2 ? null : "n");
    }
    return tasks;
  }

  @Test
  void aRunOfRowsTravelsAsColumns() throws IOException {
    EncodedTasks encoded = EncodedTasks.encode(labels(5), CODEC, true, null, null);
    assertTrue(encoded.isBatch());
    BatchBlock block = read(request(encoded, 1, 4));
    assertEquals(3, block.count());
    assertEquals(3, block.rows());
    assertNull(block.failure());
    assertEquals("label(int,java.lang.String)", block.key());
    assertArrayEquals(new int[] {10, 20, 30}, (int[]) block.columns()[0]);
    assertArrayEquals(new Object[] {"n", null, "n"}, (Object[]) block.columns()[1]);
  }

  @Test
  void mixedMethodsAndPerTaskEncodingAreNoBatch() {
    Task<?>[] mixed = {Tasks.LABEL.bind(1, "a"), Tasks.CUBE.bind(2)};
    assertFalse(EncodedTasks.encode(mixed, CODEC, true, null, null).isBatch());
    assertFalse(EncodedTasks.encode(labels(3), CODEC, false, null, null).isBatch());
    assertFalse(EncodedTasks.encode(labels(1), CODEC, true, null, null).isBatch(), "one task is a task");
  }

  @Test
  void theSplitOfALargeBatchCountsItsColumns() {
    Task<?>[] cubes = new Task<?>[1000];
    Arrays.setAll(cubes, i -> Tasks.CUBE.bind(i));
    EncodedTasks encoded = EncodedTasks.encode(cubes, CODEC, true, null, null);
    assertTrue(encoded.isBatch());
    assertEquals(100, encoded.endWithin(0, 1000, 400), "4 bytes a row");
    assertEquals(1000, encoded.endWithin(0, 1000, 4000));
  }

  @Test
  void aLargeRunOfPrimitiveRowsTravelsFromItsColumnWithNoBytesPerRow() throws IOException {
    Task<?>[] cubes = new Task<?>[20_000];
    Arrays.setAll(cubes, i -> Tasks.CUBE.bind(i * 3));
    EncodedTasks encoded = EncodedTasks.encode(cubes, CODEC, true, null, null);
    assertTrue(encoded.isBatch());
    for (int index : new int[] {0, 1, 12_345, 20_000}) {
      assertEquals(0, encoded.start(index), "a column's rows take no bytes beside it");
    }
    assertEquals(0, encoded.bytes().length());
    FrameOutput head = new FrameOutput(64);
    encoded.writeHead(head, 5_001, 20_000);
    assertTrue(head.position() < 1024, "the column is added by reference: " + head.position() + " bytes buffered");
    BatchBlock block = read(request(encoded, 5_001, 20_000));
    assertEquals(14_999, block.count());
    int[] column = (int[]) block.columns()[0];
    for (int i = 0; i < column.length; i++) {
      assertEquals((5_001 + i) * 3, column[i], "row " + i);
    }
  }

  @Test
  void aValueThatCannotBeDecodedEndsTheRowsThatRunAndIsTheFailureOfItsRow() throws IOException {
    EncodedTasks encoded = EncodedTasks.encode(labels(4), CODEC, true, null, null);
    byte[] request = request(encoded, 0, 4);
    // The reference values follow the int column; corrupt the third value's codec bytes.
    long third = encoded.start(2) - encoded.start(0);
    int head = request.length - (int) (encoded.start(4) - encoded.start(0));
    request[head + (int) third + 4] ^= 0x55;
    BatchBlock block = read(request);
    assertEquals(2, block.rows());
    ParallelException failure = assertInstanceOf(ParallelException.class, block.failure());
    assertTrue(failure.getMessage().contains("Argument 2 of label(int,java.lang.String)"), failure.getMessage());
    assertTrue(failure.getMessage().contains("worker-test"), failure.getMessage());
  }

  @Test
  void aColumnLongerThanTheFrameIsRejected() throws IOException {
    FrameOutput out = new FrameOutput(64);
    out.writeInt(1_000_000_000);
    out.writeString(Tasks.CLASS);
    out.writeString("cube(int)");
    out.writeShort(1);
    out.writeByte(Columns.INT);
    out.writeLong(7);
    byte[] bytes = new byte[(int) out.length()];
    out.copyTo(0, out.length(), (source, offset, length) -> System.arraycopy(source, offset, bytes, 0, length));
    StreamCorruptedException error = assertThrows(StreamCorruptedException.class, () -> read(bytes));
    assertTrue(error.getMessage().contains("1000000000 elements claimed"), error.getMessage());
  }

  @Test
  void moreReferenceRowsThanTheFrameHoldsAreRejected() throws IOException {
    FrameOutput out = new FrameOutput(64);
    out.writeInt(100_000_000);
    out.writeString(Tasks.CLASS);
    out.writeString("echo(java.lang.Object)");
    out.writeShort(2);
    out.writeByte(Columns.REFERENCE);
    out.writeByte(Columns.REFERENCE);
    out.writeInt(0);
    byte[] bytes = new byte[(int) out.length()];
    out.copyTo(0, out.length(), (source, offset, length) -> System.arraycopy(source, offset, bytes, 0, length));
    StreamCorruptedException error = assertThrows(StreamCorruptedException.class, () -> read(bytes));
    assertTrue(error.getMessage().contains("100000000 rows of 2 values claimed"), error.getMessage());
  }

  @Test
  void aTruncatedBatchIsRejected() throws IOException {
    byte[] request = request(EncodedTasks.encode(labels(4), CODEC, true, null, null), 0, 4);
    for (int cut : new int[] {3, 10, request.length / 2, request.length - 1}) {
      byte[] truncated = Arrays.copyOf(request, cut);
      assertThrows(IOException.class, () -> read(truncated), "cut at " + cut);
    }
  }

  @Test
  void anUnknownKindIsRejected() throws IOException {
    FrameOutput out = new FrameOutput(64);
    out.writeInt(1);
    out.writeString(Tasks.CLASS);
    out.writeString("cube(int)");
    out.writeShort(1);
    out.writeByte(Columns.VOID);
    out.writeInt(0);
    byte[] bytes = new byte[(int) out.length()];
    out.copyTo(0, out.length(), (source, offset, length) -> System.arraycopy(source, offset, bytes, 0, length));
    assertThrows(StreamCorruptedException.class, () -> read(bytes));
  }
}
