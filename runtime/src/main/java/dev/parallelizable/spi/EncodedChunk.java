package dev.parallelizable.spi;

import dev.parallelizable.Codec;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.ParallelException;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.internal.Columns;
import dev.parallelizable.internal.Describe;
import dev.parallelizable.internal.process.EncodedTasks;
import dev.parallelizable.internal.process.child.BatchBlock;
import dev.parallelizable.internal.process.child.TaskBlock;
import dev.parallelizable.internal.protocol.DecodeException;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.internal.shared.ReceivedShares;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The tasks of a chunk as bytes, for an adapter whose transport carries byte arrays: encoded once in
 * the caller ({@link #encode}), sent as {@link #request requests} of consecutive tasks, run on the
 * worker with {@link #run} (decode the tasks, call them in order, encode the results and the first
 * failure), and the answer read back into the {@link Assignment} with {@link #readAnswer}. This is
 * the same mechanism, and the same {@link Codec} with its deserialization filter, as a process
 * pool's worker JVMs use: every value that crosses goes through the codec on both sides.
 *
 * <p>A chunk of calls of one method may be encoded from its argument columns instead ({@link
 * #encodeColumns}, for an adapter that {@link RemoteWorkers#encodesColumns()}): it crosses as a
 * batch, which the worker runs through the method's batch loop, as a worker JVM does, with no
 * {@link Task} built per call on either side, and whose primitive results come back as one column,
 * stored with {@link Assignment#results}. {@link #request}, {@link #run} and {@link #readAnswer}
 * handle both forms.
 *
 * <p>The bytes, a request being a tasks block or a batch block of the worker JVMs' protocol (see
 * {@code docs/wire.md}), the worker running it with the same code a worker JVM uses:
 *
 * <pre>
 * request := tasks                                          (see Protocol for tasks, batch, value,
 *          | -1:int32 batch                                  kind, column and failure)
 * answer  := completed:int32 value{completed} failed:int8 [failure] ran:int64
 *                                                           (to a tasks request)
 *          | -1:int32 completed:int32 kind:int8 results failed:int8 [failure] ran:int64
 *                                                           (to a batch request)
 * results := value{completed}                               (kind 0: a reference result)
 *          | column                                         (completed elements of a primitive
 *                                                            kind; none for void)
 * </pre>
 *
 * A tasks block starts with its count, at least 1, so the marker -1 tells a batch from it. A batch
 * runs through the invoker's batch loop, with no task built per row on either side; its primitive
 * results come back as one column, stored at once with {@link Assignment#results}. Either answer
 * holds the results of the tasks (rows) that completed, in order, then the failure of the one after
 * them, if one failed, then the nanoseconds the worker spent on the request ({@link
 * Assignment#ranFor}); a request that breaks the grammar fails its first task, "corrupt".
 * Integers are little-endian: these bytes cross between hosts.
 *
 * <p>Immutable and thread-safe.
 */
public final class EncodedChunk {
  /** What starts a batch request, and its answer, where a tasks block starts with its count. */
  private static final int BATCH = -1;

  private final EncodedTasks tasks;

  private EncodedChunk(EncodedTasks tasks) {
    this.tasks = tasks;
  }

  /**
   * Encodes {@code tasks} in the calling thread: as a batch, run by the method's generated batch
   * loop on the worker, where they are two or more calls of one method that has one and whose
   * arguments fit its columns; else task by task.
   *
   * @param tasks the chunk's tasks; not null
   * @param codec the pool's codec
   * @return the encoded chunk
   * @throws IllegalArgumentException naming the method, the parameter and its type, if the codec
   *     cannot encode an argument
   */
  public static EncodedChunk encode(Task<?>[] tasks, Codec codec) {
    return new EncodedChunk(EncodedTasks.encode(tasks, codec, true, null, null));
  }

  /**
   * Encodes {@code tasks} in the calling thread, as a batch where they allow it (see {@link
   * #encode(Task[], Codec)}), for workers that get the data of {@link
   * dev.parallelizable.SharedData} handles from a store: the first time a handle is passed to the
   * pool its bytes are put into the store, and each task carries a reference to them. Only the
   * default codec ({@link Codec#serialization()}) writes references; another codec encodes a
   * handle as it does any other value.
   *
   * @param tasks the chunk's tasks; not null
   * @param codec the pool's codec
   * @param shared the pool's publisher of shared data; not null
   * @return the encoded chunk
   * @throws IllegalArgumentException naming the method, the parameter and its type, if the codec
   *     cannot encode an argument, or if a handle was closed
   */
  public static EncodedChunk encode(Task<?>[] tasks, Codec codec, SharedDataPublisher shared) {
    return new EncodedChunk(EncodedTasks.encode(tasks, codec, true, null, shared.shares()));
  }

  /**
   * Encodes {@code count} calls of {@code method} from their argument columns, as {@link
   * RemoteWorkers#encodeColumns} passes them, in the calling thread, for workers that get the data
   * of {@link dev.parallelizable.SharedData} handles from a store (as {@link #encode(Task[], Codec,
   * SharedDataPublisher)} does). The primitive columns are kept as they are and copied into each
   * request in bulk; the other arguments are encoded here, call after call. A method whose invoker
   * has no batch loop (one generated before batches existed) is encoded as its tasks instead.
   *
   * @param method the method every call is of; not null
   * @param columns the argument columns, one per parameter (the receiver's first): an array of the
   *     parameter's primitive type or an {@code Object[]}, each with at least {@code count}
   *     elements; read here only, not kept
   * @param count the number of calls; at least 1
   * @param codec the pool's codec
   * @param shared the pool's publisher of shared data; not null
   * @return the encoded chunk; its task {@code i} is the call of row {@code i}
   * @throws IllegalArgumentException naming the call, the parameter and its type, if the codec
   *     cannot encode an argument, or if a handle was closed
   */
  public static EncodedChunk encodeColumns(
      TaskMethod<?> method, Object[] columns, int count, Codec codec, SharedDataPublisher shared) {
    return new EncodedChunk(EncodedTasks.encodeColumns(method, columns, count, codec, true, null, shared.shares()));
  }

  /**
   * The request that runs tasks {@code [from, to)}.
   *
   * @param from the first task to run
   * @param to one past the last task to run; more than {@code from}
   * @return the request, to send to one worker
   */
  public byte[] request(int from, int to) {
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
   * On the worker: runs a request and returns the answer. Never throws for what a task does: a task
   * that throws, an argument that cannot be decoded and a result that cannot be encoded are that
   * task's failure, and the tasks after it do not run. A request that is not one {@link #request}
   * made (truncated, or corrupt) is the failure of its first task, whose message says it is
   * corrupt. The calls of a chunk encoded by {@link #encodeColumns} run through their method's
   * batch loop. Thread-safe: each call runs one request in the calling thread.
   *
   * @param where the worker, for messages, e.g. {@code "cluster member 10.0.0.5:5701"}
   * @param request a request made by {@link #request}
   * @param codec the pool's codec, as the worker created it
   * @return the answer, to send back to the caller
   */
  public static byte[] run(byte[] request, Codec codec, String where) {
    return runRequest(request, codec, where, null);
  }

  /**
   * On the worker: runs a request made by {@link #encode(Task[], Codec, SharedDataPublisher)},
   * resolving its references to shared data through {@code shared}; otherwise as {@link #run(byte[],
   * Codec, String)}. A reference that cannot be resolved fails its task.
   *
   * @param request a request made by {@link #request}
   * @param codec the pool's codec, as the worker created it
   * @param where the worker, for messages
   * @param shared the worker's receiver of shared data; not null
   * @return the answer, to send back to the caller
   */
  public static byte[] run(byte[] request, Codec codec, String where, SharedDataReceiver shared) {
    return runRequest(request, codec, where, shared.shares());
  }

  /**
   * Decodes the tasks of a request, runs them in order (a batch through its batch loop), and
   * encodes the answer; references to shared data resolve through {@code received} (null:
   * rejected).
   */
  private static byte[] runRequest(byte[] request, Codec codec, String where, ReceivedShares received) {
    long began = System.nanoTime();
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
    out.writeLong(System.nanoTime() - began); // how long the worker spent: it sizes later chunks
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
   * In the caller: stores the results and the failure of an answer in {@code assignment}; a value
   * that cannot be decoded fails its task, and an answer that is corrupt fails the first task
   * without a result. Primitive results of a chunk encoded by {@link #encodeColumns} are stored as
   * one column ({@link Assignment#results}), and of such a chunk a task is built ({@link
   * Assignment#task(int)}) only to name it in a failure, or once per answer to find the class
   * loader that decodes reference results. Never throws for what the answer holds.
   *
   * @param answer the answer {@link #run} returned for {@code assignment}'s request
   * @param assignment the assignment the request was made for
   * @param codec the pool's codec
   * @param where the worker, for messages
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
      assignment.ranFor(in.readLong());
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
