package dev.parallelizable.internal.process.child;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.internal.Columns;
import dev.parallelizable.internal.Describe;
import dev.parallelizable.internal.protocol.DecodeException;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.support.BatchFailure;
import dev.parallelizable.support.BatchProgress;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import java.io.IOException;
import java.io.StreamCorruptedException;

/**
 * A batch block (see {@link Protocol}) as a worker decodes it: the method, then the argument
 * columns, primitive ones in bulk and the others value by value, row after row. An argument that
 * cannot be decoded ends the rows that can run before it and is the failure of its row; an invoker
 * that cannot be created is the failure of row 0. A block that breaks the grammar (a column longer
 * than its frame, an unknown kind) is an {@link IOException}.
 *
 * <p>Internal: run by a worker JVM's {@link WorkerMain} and, through {@code EncodedChunk}, by a
 * cluster member; public so that the caller's encoding of a batch can be checked against it. Not
 * thread-safe: one per block, in the thread that runs it.
 */
public final class BatchBlock {
  private final int count;
  private final String key;
  private final TaskInvoker invoker;
  private final Object[] columns;
  private final Codec codec;
  private final String where;
  private int rows;
  private Throwable failure;

  /**
   * Reads a batch block, its head and its columns, from {@code in}; {@code where} names the worker
   * in messages.
   */
  public BatchBlock(FrameInput in, Codec codec, String where) throws IOException {
    this.codec = codec;
    this.where = where;
    count = in.readInt();
    if (count < 0) {
      throw new StreamCorruptedException("Corrupt batch: " + count + " rows");
    }
    String invokerClass = in.readString();
    key = in.readString();
    int columnCount = in.readShort();
    if (columnCount < 0 || invokerClass == null || key == null) {
      throw new StreamCorruptedException("Corrupt batch head");
    }
    byte[] kinds = new byte[columnCount];
    int references = 0;
    for (int p = 0; p < columnCount; p++) {
      kinds[p] = in.readByte();
      if (!Columns.isKind(kinds[p]) || kinds[p] == Columns.VOID) {
        throw new StreamCorruptedException("Corrupt batch: column kind " + kinds[p]);
      }
      references += kinds[p] == Columns.REFERENCE ? 1 : 0;
    }
    columns = new Object[columnCount];
    for (int p = 0; p < columnCount; p++) {
      if (kinds[p] != Columns.REFERENCE) {
        columns[p] = Protocol.readColumn(in, kinds[p], count);
      }
    }
    // Each value takes at least its length: check the claim before allocating the columns.
    if ((long) count * references * 4 > in.available()) {
      throw new StreamCorruptedException(
          "Corrupt batch: " + count + " rows of " + references + " values claimed, but only "
              + in.available() + " bytes are left");
    }
    TaskInvoker found = null;
    try {
      found = Invocations.invoker(invokerClass);
    } catch (RuntimeException | LinkageError e) { // a class that is missing, or fails to initialize
      failure = new IllegalStateException("On " + where + ": " + e.getMessage(), e);
    }
    invoker = found;
    if (invoker == null) {
      return;
    }
    for (int p = 0; p < columnCount; p++) {
      if (kinds[p] == Columns.REFERENCE) {
        columns[p] = new Object[count];
      }
    }
    rows = references == 0 ? count : decodeReferences(in, kinds);
  }

  /** Decodes the reference columns row by row; the number of rows decoded in full. */
  private int decodeReferences(FrameInput in, byte[] kinds) throws IOException {
    ClassLoader loader = invoker.getClass().getClassLoader();
    for (int row = 0; row < count; row++) {
      for (int p = 0; p < kinds.length; p++) {
        if (kinds[p] != Columns.REFERENCE) {
          continue;
        }
        try {
          ((Object[]) columns[p])[row] = Protocol.decodeValue(in, codec, loader);
        } catch (DecodeException e) {
          failure =
              new ParallelException(
                  "Argument " + (p + 1) + " of " + key + " could not be decoded in " + where
                      + " by " + codec + ": " + Describe.throwable(e.getCause()),
                  e.getCause());
          return row;
        }
      }
    }
    return count;
  }

  /** The number of rows the block holds. */
  public int count() {
    return count;
  }

  /** The number of leading rows that can run; {@link #failure()} is the failure of the next. */
  public int rows() {
    return rows;
  }

  /** Why row {@link #rows()} cannot run, or null if every row can. */
  public Throwable failure() {
    return failure;
  }

  /** The invoker of the block's method; null if it cannot be created (see {@link #failure()}). */
  public TaskInvoker invoker() {
    return invoker;
  }

  /** The key of the block's method, as the invoker knows it. */
  public String key() {
    return key;
  }

  /** The argument columns, the receiver's first: a primitive array or an {@code Object[]} each. */
  public Object[] columns() {
    return columns;
  }

  /**
   * Runs the rows that can run ({@link #rows()}) through the invoker's batch loop, once. Never
   * throws for what the rows do: a row that throws ends the run, and is its failure; a batch loop
   * that fails outside any row is the failure of row 0.
   *
   * @param progress told which row starts, or null
   * @return the result column, the rows that returned and the failure of the next, if any
   */
  public Ran run(BatchProgress progress) {
    if (rows == 0) {
      return new Ran(null, 0, failure);
    }
    try {
      return new Ran(invoker.invokeBatch(key, columns, rows, progress), rows, failure);
    } catch (BatchFailure e) {
      return new Ran(e.results(), e.index(), e.getCause());
    } catch (Throwable e) {
      return new Ran(null, 0, e);
    }
  }

  /**
   * What {@link #run} came to: the result {@code column} (a primitive array, an {@code Object[]},
   * or null for a {@code void} method or when no row returned), whose first {@code rows} elements
   * are the results of the rows that returned, and the {@code failure} of the row after them, or
   * null if every row of the block returned.
   */
  public record Ran(Object column, int rows, Throwable failure) {}

  /**
   * Encodes one result of a reference column; returns null, or the failure of its row if the
   * codec cannot encode it (the output is left as it was).
   */
  public Throwable writeResult(FrameOutput out, Object value) {
    return TaskBlock.writeResult(out, codec, value, key, where);
  }
}
