package dev.parallelizable.internal.protocol;

import dev.parallelizable.support.BatchProgress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A few bytes of memory shared by the parent and one worker: a file in the worker's private
 * directory that both map (the worker when it first runs more than one task at a time, or exits)
 * and that is deleted once both have. The worker writes, without a system call, which task it is
 * running; the parent reads it to name the task of a chunk that crashed or ran past the timeout,
 * and to notice that the next task of a chunk started. A request of one task needs none of it.
 *
 * <pre>
 * offset 0   requestId:int64   the RUN the worker is in
 * offset 8   index:int32       the task within that RUN it is running
 * offset 12  orderlyExit:int32 1 once the worker's shutdown hooks run (System.exit, not a signal
 *                              or Runtime.halt): tells an exit code 128+N from death by signal N
 * offset 16  started:int64     the number of tasks started, ever
 * </pre>
 *
 * <p>Plain reads and writes: the parent reads a torn or late value at worst when it polls a live
 * worker for the timeout, where a tick of delay does not matter; after the worker died the values
 * are final.
 *
 * <p>Internal, shared by both sides: the worker JVM writes it from the thread that runs its tasks
 * (and its shutdown hook), the parent reads it. Not thread-safe beyond the plain reads and writes
 * above: one writer only.
 */
public final class ProgressSlot {
  private static final int SIZE = 24;
  private final MappedByteBuffer memory;

  private ProgressSlot(MappedByteBuffer memory) {
    this.memory = memory;
    memory.order(ByteOrder.nativeOrder());
  }

  /** Creates the file (the parent) or maps the existing one (the worker). */
  public static ProgressSlot map(Path file, boolean create) throws IOException {
    try (FileChannel channel =
        create
            ? FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
            : FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      return new ProgressSlot(channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE));
    }
  }

  /** Worker: task {@code index} of request {@code requestId} starts. */
  public void started(long requestId, int index) {
    memory.putLong(0, requestId);
    memory.putInt(8, index);
    memory.putLong(16, memory.getLong(16) + 1);
  }

  /**
   * Worker: the rows of a batch of request {@code requestId} are about to run; the progress writes
   * each row as {@link #started} writes a task, and keeps the count of tasks started in a field of
   * its own, so that a row costs two plain writes.
   */
  public Rows batch(long requestId) {
    memory.putLong(0, requestId);
    return new Rows(memory, memory.getLong(16));
  }

  /**
   * The progress of one batch's rows. A class of its own, returned as itself, so that loading
   * {@code ProgressSlot} (a short worker does only at exit) needs nothing of {@link BatchProgress}:
   * a class-data archive records such a need, and meeting it would open the application's jars.
   */
  public static final class Rows implements BatchProgress {
    private final MappedByteBuffer memory;
    private long started;

    private Rows(MappedByteBuffer memory, long started) {
      this.memory = memory;
      this.started = started;
    }

    @Override
    public void started(int index) {
      memory.putInt(8, index);
      memory.putLong(16, ++started);
    }
  }

  /** Worker: the JVM is shutting down in order. */
  public void orderlyExit() {
    memory.putInt(12, 1);
  }

  /**
   * Worker: the JVM is shutting down in order, and never mapped its slot: the flag is written to
   * {@code file} with one positional write. Mapping a file at exit would cost more than the rest of
   * a short worker's exit: the JDK's mapping code bootstraps a lambda.
   */
  public static void orderlyExit(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer flag = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, 1);
      channel.write(flag, 12);
    }
  }

  /** Parent: the request the worker is in, or was in when it died. */
  public long requestId() {
    return memory.getLong(0);
  }

  /** Parent: the task, within {@link #requestId()}, the worker is running or was running. */
  public int index() {
    return memory.getInt(8);
  }

  /** Parent: whether the worker's shutdown hooks ran (see the layout above). */
  public boolean exitedInOrder() {
    return memory.getInt(12) == 1;
  }

  /** Parent: the number of tasks and batch rows the worker ever started. */
  public long startedCount() {
    return memory.getLong(16);
  }
}
