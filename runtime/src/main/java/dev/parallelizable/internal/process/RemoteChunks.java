package dev.parallelizable.internal.process;

import dev.parallelizable.internal.Describe;
import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.internal.Columns;
import dev.parallelizable.internal.process.child.BatchBlock;
import dev.parallelizable.internal.process.child.TaskBlock;
import dev.parallelizable.internal.protocol.DecodeException;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.ReceivedShares;
import dev.parallelizable.internal.shared.StoredShares;
import dev.parallelizable.spi.Assignment;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Chunks as byte arrays, for workers reached by another transport than a worker JVM's channel (a
 * cluster member); the implementation of {@link dev.parallelizable.spi.EncodedChunk}. A request is
 * a tasks block of {@link Protocol}, or a batch block after a marker; the worker runs it with the
 * same {@link TaskBlock} or {@link BatchBlock} a worker JVM uses, and answers:
 *
 * <pre>
 * request := tasks                                          (see Protocol for tasks, batch, value,
 *          | -1:int32 batch                                  kind, column and failure)
 * answer  := completed:int32 value{completed} failed:int8 [failure]          (to a tasks request)
 *          | -1:int32 completed:int32 kind:int8 results failed:int8 [failure] (to a batch request)
 * results := value{completed}                               (kind 0: a reference result)
 *          | column                                         (completed elements of a primitive
 *                                                            kind; none for void)
 * </pre>
 *
 * A tasks block starts with its count, at least 1, so the marker -1 tells a batch from it. A batch
 * runs through the invoker's batch loop, with no task built per row on either side; its primitive
 * results come back as one column, stored at once with {@link Assignment#results}. Either answer
 * holds the results of the tasks (rows) that completed, in order, then the failure of the one after
 * them, if one failed; a request that breaks the grammar fails its first task, "corrupt".
 * Integers are little-endian ({@link Protocol#BYTE_ORDER}): these bytes cross between hosts.
 * Stateless and thread-safe.
 */
public final class RemoteChunks {
  /** What starts a batch request, and its answer, where a tasks block starts with its count. */
  private static final int BATCH = -1;

  private RemoteChunks() {}

  /**
   * Encodes tasks in the caller, as a batch where they are two or more calls of one method with a
   * batch loop whose arguments fit its columns, handles of shared data as references to {@code
   * stored} (null: with their data); an argument the codec rejects throws IllegalArgumentException.
   */
  public static Object encode(Task<?>[] tasks, Codec codec, StoredShares stored) {
    return EncodedTasks.encode(tasks, codec, true, null, stored);
  }

  /**
   * Encodes {@code count} calls of {@code method} from their argument columns in the caller, as a
   * batch if the method's invoker has a batch loop (as tasks otherwise), handles of shared data as
   * references to {@code stored} (null: with their data); an argument the codec rejects throws
   * IllegalArgumentException.
   */
  public static Object encodeColumns(
      TaskMethod<?> method, Object[] columns, int count, Codec codec, StoredShares stored) {
    if (!Columns.batches(method)) {
      return EncodedTasks.encode(EncodedTasks.rows(method, columns, count), codec, false, null, stored);
    }
    return EncodedTasks.encodeBatch(method, columns, count, codec, null, stored);
  }

  /** The request for tasks {@code [from, to)} of an encoded chunk. */
  public static byte[] request(Object encoded, int from, int to) {
    EncodedTasks tasks = (EncodedTasks) encoded;
    FrameOutput head = new FrameOutput(128);
    if (tasks.isBatch()) {
      head.writeInt(BATCH);
    }
    tasks.writeHead(head, from, to);
    long length = head.length() + tasks.start(to) - tasks.start(from);
    if (length > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("The arguments of " + (to - from) + " tasks take " + length
          + " bytes encoded, more than a request can hold; pass a smaller chunkSize");
    }
    byte[] bytes = new byte[(int) length];
    int[] at = {0};
    FrameOutput.Sink sink = (source, offset, count) -> {
      System.arraycopy(source, offset, bytes, at[0], count);
      at[0] += count;
    };
    try {
      head.copyTo(0, head.length(), sink);
      tasks.bytes().copyTo(tasks.start(from), tasks.start(to), sink);
    } catch (IOException e) {
      throw new IllegalStateException("copying into an array cannot fail", e);
    }
    return bytes;
  }

  /**
   * On the worker: decodes the tasks of a request, runs them in order (a batch through its batch
   * loop), and encodes the answer; references to shared data resolve through {@code received}
   * (null: rejected).
   */
  public static byte[] run(byte[] request, Codec codec, String where, ReceivedShares received) {
    FrameInput in = new FrameInput(ByteBuffer.wrap(request));
    in.receivedShares(received);
    FrameOutput out = new FrameOutput(256);
    Throwable failure;
    try {
      int count = in.readInt();
      failure = count == BATCH ? runBatch(in, codec, where, out) : runTasks(count, in, codec, where, out);
    } catch (IOException e) {
      out.writeInt(0);
      failure = corrupt(where, e);
    }
    out.writeByte(failure == null ? 0 : 1);
    if (failure != null) {
      Protocol.writeFailure(out, codec, failure);
    }
    byte[] bytes = new byte[(int) out.length()];
    int[] at = {0};
    try {
      out.copyTo(0, out.length(), (source, offset, count) -> {
        System.arraycopy(source, offset, bytes, at[0], count);
        at[0] += count;
      });
    } catch (IOException e) {
      throw new IllegalStateException("copying into an array cannot fail", e);
    }
    return bytes;
  }

  /**
   * Runs the {@code count} tasks of a tasks block whose count was read, writing the answer up to
   * its failure; returns the failure, or null.
   */
  private static Throwable runTasks(int count, FrameInput in, Codec codec, String where, FrameOutput out) {
    out.writeInt(0);
    int completed = 0;
    Throwable failure = null;
    try {
      TaskBlock block = new TaskBlock(in, codec, where);
      for (; completed < count; completed++) {
        try {
          failure = block.writeResult(out, block.call(in));
        } catch (Throwable e) {
          failure = e;
        }
        if (failure != null) {
          break;
        }
      }
    } catch (IOException e) {
      failure = corrupt(where, e);
    }
    out.putInt(0, completed);
    return failure;
  }

  /**
   * Runs a batch block whose marker was read, as a worker JVM does, writing the answer up to its
   * failure: a primitive result column whole, a reference one value by value; returns the failure,
   * or null.
   */
  private static Throwable runBatch(FrameInput in, Codec codec, String where, FrameOutput out) {
    out.writeInt(BATCH);
    out.writeInt(0);
    BatchBlock block;
    try {
      block = new BatchBlock(in, codec, where);
    } catch (IOException e) {
      out.writeByte(Columns.VOID);
      return corrupt(where, e);
    }
    BatchBlock.Ran ran = block.run(null);
    int done = ran.rows();
    Throwable failure = ran.failure();
    if (ran.column() instanceof Object[] values) {
      out.writeByte(Columns.REFERENCE);
      for (int i = 0; i < done; i++) {
        Throwable unsent = block.writeResult(out, values[i]);
        if (unsent != null) {
          done = i;
          failure = unsent;
          break;
        }
      }
    } else {
      out.writeByte(Columns.kindOf(ran.column()));
      Protocol.writeColumn(out, ran.column(), 0, done);
    }
    out.putInt(4, done);
    return failure;
  }

  private static ParallelException corrupt(String where, IOException e) {
    return new ParallelException("The request " + where + " received is corrupt: " + Describe.throwable(e), e);
  }

  /**
   * In the caller: stores an answer's results and failure in the assignment it answers; a batch's
   * primitive results as one column, and no task built but those a message names (and, for a
   * batch of reference results, its first, whose class loader decodes them).
   */
  public static void readAnswer(byte[] answer, Assignment<?> assignment, Codec codec, String where) {
    int from = assignment.from();
    FrameInput in = new FrameInput(ByteBuffer.wrap(answer));
    try {
      int completed = in.readInt();
      boolean batch = completed == BATCH;
      if (batch) {
        completed = in.readInt();
      }
      if (completed < 0 || completed > assignment.to() - from) {
        throw new IOException("Corrupt result count " + completed);
      }
      byte kind = batch ? in.readByte() : Columns.REFERENCE;
      if (kind != Columns.REFERENCE) {
        Object column = Protocol.readColumn(in, kind, completed);
        if (completed > 0) {
          assignment.results(from, column, completed);
        }
      } else {
        // A batch calls one method: one class loader, found from its first task.
        ClassLoader batchLoader = batch && completed > 0 ? loaderOf(assignment.task(from)) : null;
        for (int k = 0; k < completed; k++) {
          int index = from + k;
          ClassLoader loader = batchLoader != null ? batchLoader : loaderOf(assignment.task(index));
          try {
            assignment.result(index, Protocol.decodeValue(in, codec, loader));
          } catch (DecodeException e) {
            Task<?> task = assignment.task(index);
            assignment.fail(index, new TaskFailedException(task, new ParallelException(
                "The result of " + task + " from " + where + " could not be decoded in the caller by " + codec
                    + ": " + Describe.throwable(e.getCause()), e.getCause())));
          }
        }
      }
      if (in.readByte() != 0) {
        if (completed == assignment.to() - from) {
          throw new IOException("Corrupt answer: a failure after the last task");
        }
        Task<?> task = assignment.task(from + completed);
        assignment.fail(from + completed,
            new TaskFailedException(task, Protocol.readFailure(in, codec, loaderOf(task))));
      }
    } catch (IOException e) {
      Task<?> task = assignment.task(Math.min(assignment.received(), assignment.to() - 1));
      assignment.fail(assignment.received(), new TaskFailedException(task, new ParallelException(
          "The answer from " + where + " is corrupt: " + Describe.throwable(e), e)));
    }
  }

  private static ClassLoader loaderOf(Task<?> task) {
    return task.method().invoker().getClass().getClassLoader();
  }
}
