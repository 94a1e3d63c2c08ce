package dev.parallelizable.internal.process;

import dev.parallelizable.Codec;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.internal.Columns;
import dev.parallelizable.internal.Describe;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.shared.SharedFiles;
import dev.parallelizable.internal.shared.StoredShares;
import dev.parallelizable.internal.protocol.Protocol;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The tasks of a chunk, encoded in the caller's thread when it submits them (so that an argument
 * that cannot be encoded fails the submit, naming the parameter), ready to be sent whole or from any
 * task on (see the tasks block of {@link Protocol}).
 *
 * <p>A chunk of more than one task, all of one method whose invoker has a batch loop, may be
 * encoded as a batch instead (the batch block of {@link Protocol}, sent in a RUN_BATCH): its
 * primitive arguments kept as columns and written in bulk when a run of rows is sent, its other
 * arguments encoded one by one, row after row, as in a tasks block. A batch has no per-task
 * header.
 *
 * <p>Internal: public for {@link dev.parallelizable.spi.EncodedChunk}, which sends it as byte
 * arrays. Immutable once built; read by whichever thread sends it.
 */
public final class EncodedTasks {
  private final List<TaskMethod<?>> methods;
  private final FrameOutput bytes;
  /**
   * Where each task's bytes begin in {@link #bytes}, and their end last; null for a batch of
   * primitive columns only, whose {@link #bytes} are empty: a map of a million cubes would
   * otherwise fill an array of a million zeros.
   */
  private final long[] starts;
  private final int count;
  /** A batch's column kinds, one per parameter; null for a tasks block. */
  private final byte[] kinds;
  /** A batch's primitive columns; null for reference parameters and for a tasks block. */
  private final Object[] columns;
  /** The bytes one row of a batch's primitive columns takes; 0 for a tasks block. */
  private final int rowBytes;

  private EncodedTasks(List<TaskMethod<?>> methods, FrameOutput bytes, long[] starts, int count, byte[] kinds,
      Object[] columns, int rowBytes) {
    this.methods = methods;
    this.bytes = bytes;
    this.starts = starts;
    this.count = count;
    this.kinds = kinds;
    this.columns = columns;
    this.rowBytes = rowBytes;
  }

  /**
   * Encodes {@code tasks}, as a batch where they allow it and {@code batch} is true: for the
   * workers of a process pool whose shared data is in {@code shared}, or for remote workers that
   * get the data of shared handles from the store of {@code stored} (either null: handles travel
   * with their data).
   *
   * @throws IllegalArgumentException naming the method, the parameter and its type if the codec
   *     cannot encode an argument
   */
  public static EncodedTasks encode(
      Task<?>[] tasks, Codec codec, boolean batch, SharedFiles shared, StoredShares stored) {
    if (batch && tasks.length > 1) {
      TaskMethod<?> method = tasks[0].method();
      if (Columns.batches(method)) {
        // One pass over the tasks: a chunk of a million tasks does not fit in a cache.
        Object[] columns = Columns.ofMethod(tasks, method, Columns.parameterKinds(method));
        if (columns != null) {
          return encodeBatch(method, columns, tasks.length, codec, shared, stored);
        }
      }
    }
    return encodeTasks(tasks, codec, shared, stored);
  }

  /**
   * Encodes {@code count} calls of {@code method} whose arguments are {@code columns} (one per
   * parameter, as {@link Columns} makes them) as a batch, for the workers of a process pool whose
   * shared data is in {@code shared}, or for remote workers that get the data of shared handles
   * from the store of {@code stored} (null for neither: handles travel with their data). The
   * primitive columns are kept as they are and written when a run of rows is sent; the others are
   * encoded here, row after row.
   *
   * @throws IllegalArgumentException naming the call, the parameter and its type if the codec
   *     cannot encode an argument
   */
  private static EncodedTasks encodeBatch(TaskMethod<?> method, Object[] columns, int count, Codec codec,
      SharedFiles shared, StoredShares stored) {
    byte[] kinds = Columns.parameterKinds(method);
    Object[] primitives = columns.clone();
    int rowBytes = 0;
    boolean references = false;
    for (int p = 0; p < kinds.length; p++) {
      rowBytes += Columns.width(kinds[p]);
      if (kinds[p] == Columns.REFERENCE) {
        primitives[p] = null; // encoded below
        references = true;
      }
    }
    FrameOutput bytes = new FrameOutput(references ? 64 * count : 16);
    bytes.sharedFiles(shared);
    bytes.storedShares(stored);
    long[] starts = null;
    if (references) {
      starts = new long[count + 1];
      for (int t = 0; t < count; t++) {
        starts[t] = bytes.length();
        for (int p = 0; p < kinds.length; p++) {
          if (kinds[p] == Columns.REFERENCE) {
            Object argument = ((Object[]) columns[p])[t];
            try {
              Protocol.writeValue(bytes, codec, argument);
            } catch (IOException | RuntimeException | StackOverflowError e) {
              throw unencodable(row(method, columns, t), p, argument, codec, e);
            }
          }
        }
      }
      starts[count] = bytes.length();
    }
    long length = bytes.length() + (long) rowBytes * count;
    if (tooLarge(length)) {
      throw tooLarge(count, row(method, columns, 0), length);
    }
    return new EncodedTasks(List.of(method), bytes, starts, count, kinds, primitives, rowBytes);
  }

  /**
   * Encodes {@code count} calls of {@code method} from their argument {@code columns}: as a batch
   * (a batch block of {@link Protocol}) if {@code batch} is true and the method's invoker has a
   * batch loop, else as the tasks of the rows; for workers whose shared data is in {@code shared}
   * or in the store of {@code stored} (either null: handles travel with their data).
   *
   * @throws IllegalArgumentException naming the call, the parameter and its type if the codec
   *     cannot encode an argument
   */
  public static EncodedTasks encodeColumns(TaskMethod<?> method, Object[] columns, int count, Codec codec,
      boolean batch, SharedFiles shared, StoredShares stored) {
    if (!batch || !Columns.batches(method)) {
      return encodeTasks(rows(method, columns, count), codec, shared, stored);
    }
    return encodeBatch(method, columns, count, codec, shared, stored);
  }

  /** The calls of rows {@code [0, count)} of argument columns, as tasks. */
  private static Task<?>[] rows(TaskMethod<?> method, Object[] columns, int count) {
    Task<?>[] tasks = new Task<?>[count];
    for (int t = 0; t < count; t++) {
      tasks[t] = row(method, columns, t);
    }
    return tasks;
  }

  /** The call of row {@code row} of a batch, for messages: the task it stands for. */
  private static Task<?> row(TaskMethod<?> method, Object[] columns, int row) {
    Object[] arguments = new Object[columns.length];
    for (int p = 0; p < columns.length; p++) {
      arguments[p] = Columns.get(columns[p], row);
    }
    return method.bind(arguments);
  }

  private static boolean tooLarge(long length) {
    return length > Integer.MAX_VALUE - 1024;
  }

  private static IllegalArgumentException tooLarge(int count, Task<?> first, long length) {
    return new IllegalArgumentException(
        "The arguments of " + count + " tasks starting with " + first + " take "
            + length + " bytes encoded, more than the 2 GB a message to a worker can hold;"
            + " pass a smaller chunkSize or pass large data by file");
  }

  /** Whether this is a batch (sent in a RUN_BATCH) rather than a tasks block (a RUN). */
  public boolean isBatch() {
    return kinds != null;
  }

  /**
   * Encodes {@code tasks} as a tasks block, each task by itself, their handles of shared data with
   * their data.
   *
   * @throws IllegalArgumentException naming the method, the parameter and its type if the codec
   *     cannot encode an argument
   */
  static EncodedTasks encode(Task<?>[] tasks, Codec codec) {
    return encodeTasks(tasks, codec, null, null);
  }

  private static EncodedTasks encodeTasks(Task<?>[] tasks, Codec codec, SharedFiles shared, StoredShares stored) {
    List<TaskMethod<?>> methods = new ArrayList<>(1);
    FrameOutput bytes = new FrameOutput(64 * tasks.length);
    bytes.sharedFiles(shared);
    bytes.storedShares(stored);
    long[] starts = new long[tasks.length + 1];
    TaskMethod<?> last = null;
    int lastIndex = -1;
    for (int t = 0; t < tasks.length; t++) {
      Task<?> task = tasks[t];
      starts[t] = bytes.length();
      TaskMethod<?> method = task.method();
      if (method != last) {
        lastIndex = methods.indexOf(method);
        if (lastIndex < 0) {
          if (methods.size() == Short.MAX_VALUE) {
            throw new IllegalArgumentException("A chunk cannot call more than 32767 different methods");
          }
          methods.add(method);
          lastIndex = methods.size() - 1;
        }
        last = method;
      }
      bytes.writeShort(lastIndex);
      bytes.writeShort(task.argumentCount());
      for (int a = 0; a < task.argumentCount(); a++) {
        Object argument = task.argument(a);
        try {
          Protocol.writeValue(bytes, codec, argument);
        } catch (IOException | RuntimeException | StackOverflowError e) {
          throw unencodable(task, a, argument, codec, e);
        }
      }
    }
    starts[tasks.length] = bytes.length();
    if (tooLarge(bytes.length())) {
      throw tooLarge(tasks.length, tasks[0], bytes.length());
    }
    return new EncodedTasks(methods, bytes, starts, tasks.length, null, null, 0);
  }

  private static IllegalArgumentException unencodable(
      Task<?> task, int index, Object argument, Codec codec, Throwable problem) {
    TaskMethod<?> method = task.method();
    String parameter = Describe.parameter(method, index);
    return new IllegalArgumentException(
        String.format(
            "Cannot send %s to a worker: %s of %s is a %s, which %s cannot encode (%s)."
                + " Arguments that cross to a worker must be encodable: make the class Serializable,"
                + " pass something that is (a path, an id, the data itself), or configure a Codec"
                + " that handles it",
            task, parameter, method, argument.getClass().getName(), codec, Describe.throwable(problem)),
        problem);
  }

  /** The number of tasks. */
  int size() {
    return count;
  }

  /**
   * Writes the head of a tasks block for tasks {@code [from, to)}: their count and the methods; of
   * a batch: the count, the method, the column kinds and the primitive columns' rows {@code [from,
   * to)}. The rest of either is {@code bytes()} from {@code start(from)} to {@code start(to)}.
   */
  public void writeHead(FrameOutput out, int from, int to) {
    out.writeInt(to - from);
    if (kinds != null) {
      TaskMethod<?> method = methods.get(0);
      out.writeString(method.invokerClassName());
      out.writeString(method.key());
      out.writeShort(kinds.length);
      for (byte kind : kinds) {
        out.writeByte(kind);
      }
      for (Object column : columns) {
        if (column != null) {
          Protocol.writeColumn(out, column, from, to);
        }
      }
      return;
    }
    out.writeShort(methods.size());
    for (TaskMethod<?> method : methods) {
      out.writeString(method.invokerClassName());
      out.writeString(method.key());
    }
  }

  /** The encoded bytes of all tasks; tasks {@code [from, to)} are {@code [start(from), start(to))}. */
  public FrameOutput bytes() {
    return bytes;
  }

  /**
   * Where task {@code index}'s bytes begin in {@link #bytes()}: 0 for every task of a batch of
   * primitive columns only, which has no bytes beside its columns.
   */
  public long start(int index) {
    return starts == null ? 0 : starts[index];
  }

  /** The bytes tasks {@code [0, index)} take, in {@code bytes()} and in the columns. */
  private long end(int index) {
    return start(index) + (long) rowBytes * index;
  }

  /**
   * The end of the longest run of tasks from {@code from}, at most to {@code to}, that encodes to at
   * most {@code maxBytes}; at least one task.
   */
  int endWithin(int from, int to, long maxBytes) {
    long limit = end(from) + maxBytes;
    if (end(to) <= limit) {
      return to;
    }
    int low = from + 1; // always fits
    int high = to;
    while (low < high) {
      int middle = (low + high + 1) >>> 1;
      if (end(middle) <= limit) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return low;
  }
}
