package dev.parallelizable.internal.process;

import dev.parallelizable.internal.Describe;
import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
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
 * a tasks block of {@link Protocol}; the worker runs it with the same {@link TaskBlock} a worker JVM
 * uses, and answers with
 *
 * <pre>
 * answer  := completed:int32 value{completed} failed:int8 [failure]   (see Protocol for value, failure)
 * </pre>
 *
 * Integers are little-endian ({@link Protocol#BYTE_ORDER}): these bytes cross between hosts.
 * Stateless and thread-safe.
 */
public final class RemoteChunks {
  private RemoteChunks() {}

  /**
   * Encodes tasks in the caller, handles of shared data as references to {@code stored} (null:
   * with their data); an argument the codec rejects throws IllegalArgumentException.
   */
  public static Object encode(Task<?>[] tasks, Codec codec, StoredShares stored) {
    return EncodedTasks.encode(tasks, codec, stored);
  }

  /** The request for tasks {@code [from, to)} of an encoded chunk. */
  public static byte[] request(Object encoded, int from, int to) {
    EncodedTasks tasks = (EncodedTasks) encoded;
    FrameOutput head = new FrameOutput(128);
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
   * On the worker: decodes the tasks of a request, runs them in order, and encodes the answer;
   * references to shared data resolve through {@code received} (null: rejected).
   */
  public static byte[] run(byte[] request, Codec codec, String where, ReceivedShares received) {
    FrameInput in = new FrameInput(ByteBuffer.wrap(request));
    in.receivedShares(received);
    FrameOutput out = new FrameOutput(256);
    out.writeInt(0);
    int completed = 0;
    Throwable failure = null;
    try {
      int count = in.readInt();
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
      failure = new ParallelException("The request " + where + " received is corrupt: " + Describe.throwable(e), e);
    }
    out.putInt(0, completed);
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

  /** In the caller: stores an answer's results and failure in the assignment it answers. */
  public static void readAnswer(byte[] answer, Assignment<?> assignment, Codec codec, String where) {
    int from = assignment.from();
    FrameInput in = new FrameInput(ByteBuffer.wrap(answer));
    try {
      int completed = in.readInt();
      if (completed < 0 || completed > assignment.to() - from) {
        throw new IOException("Corrupt result count " + completed);
      }
      for (int k = 0; k < completed; k++) {
        Task<?> task = assignment.task(from + k);
        try {
          assignment.result(from + k, Protocol.decodeValue(in, codec, loaderOf(task)));
        } catch (DecodeException e) {
          assignment.fail(from + k, new TaskFailedException(task, new ParallelException(
              "The result of " + task + " from " + where + " could not be decoded in the caller by " + codec
                  + ": " + Describe.throwable(e.getCause()), e.getCause())));
        }
      }
      if (in.readByte() != 0) {
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
