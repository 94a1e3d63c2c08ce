package dev.parallelizable.internal.process;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskCancelledException;
import dev.parallelizable.internal.AbstractPool;
import dev.parallelizable.internal.Chunk;
import dev.parallelizable.internal.PoolCounters;
import dev.parallelizable.internal.Retries;
import dev.parallelizable.internal.process.child.TaskBlock;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.Protocol;
import dev.parallelizable.spi.EncodedChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of one worker, the calling thread, that sends every task through the codec as a process
 * pool does: for tests that are to fail where a process pool would, while running in the caller.
 *
 * <p>There is one mechanism, the process pool's own. In the submitting thread, each task is encoded
 * by {@link EncodedTasks} as for a worker JVM (an argument the codec rejects fails the submit with
 * its {@link IllegalArgumentException}); it then runs in the same thread through the request and
 * answer of {@link EncodedChunk}, whose worker side is the {@link TaskBlock} a worker JVM runs: the
 * arguments are decoded with the invoker's class loader, the task is called, and its result or
 * exception is encoded, a result the codec rejects being the task's failure. The answer is read as
 * the parent of a worker JVM reads it: a result stays encoded ({@link EncodedResult}) until the
 * caller reads it, an exception is read by {@link Protocol#readFailure}. So every value a task sees
 * or returns is a copy, and every failure has the process pool's type and message.
 *
 * <p>What it cannot imitate: a task runs in the caller's JVM, so it sees and changes the caller's
 * static state; an {@link OutOfMemoryError} fails its task rather than replacing a worker; there is
 * no per-task timeout, and {@code terminate()} cannot stop a task that runs.
 *
 * <p>Thread-safe: each submitting thread runs its own tasks.
 */
public final class ThroughCodecPool extends AbstractPool {
  private static final AtomicInteger POOLS = new AtomicInteger();
  /** Where the tasks run, for the messages the worker's side writes. */
  private static final String WHERE = "the calling thread";

  private final Codec codec;
  private final PoolCounters.Worker caller;

  public ThroughCodecPool(Codec codec) {
    this(codec, "sequential pool " + POOLS.incrementAndGet() + " through the codec");
  }

  private ThroughCodecPool(Codec codec, String name) {
    super(name, name + " (" + codec + ")", 1);
    this.codec = codec;
    caller = newLocalWorker("calling thread");
  }

  @Override
  protected void dispatch(Chunk chunk) {
    Task<?>[] tasks = chunk.tasks();
    if (tasks == null) {
      return; // building a task failed, and failed the chunk
    }
    EncodedChunk[] encoded = new EncodedChunk[tasks.length];
    try {
      for (int i = 0; i < tasks.length; i++) {
        if (tasks[i] != null) { // null: its task could not be built, which is its outcome already
          encoded[i] = EncodedChunk.encode(new Task<?>[] {tasks[i]}, codec);
        }
      }
    } catch (RuntimeException e) {
      chunk.abort(new TaskCancelledException("Not submitted: " + e.getMessage()));
      throw e;
    }
    runOn(chunk, caller, started -> run(started, tasks, encoded));
  }

  /** Runs each task through the codec, in order, and completes the chunk. */
  private void run(Chunk chunk, Task<?>[] tasks, EncodedChunk[] encoded) {
    for (int i = 0; i < tasks.length; i++) {
      if (chunk.isDone()) {
        return; // aborted: the pool was terminated
      }
      Task<?> task = tasks[i];
      if (task == null) {
        continue;
      }
      EncodedChunk request = encoded[i];
      try {
        chunk.setResult(i, Retries.call(task, () -> roundTrip(task, request), task.retryPolicy(), chunk::isDone));
      } catch (ParallelException failure) {
        if (!chunk.keepsGoing()) {
          chunk.fail(i, failure);
          return;
        }
        chunk.failElement(i, failure);
      }
    }
    chunk.succeed();
  }

  /**
   * Runs one encoded task as a worker does, and reads its answer as the parent does: returns the
   * result, still encoded, or throws what the task threw, as decoded.
   */
  private Object roundTrip(Task<?> task, EncodedChunk request) throws Throwable {
    byte[] answer = EncodedChunk.run(request.request(0, 1), codec, WHERE);
    ClassLoader loader = task.method().invoker().getClass().getClassLoader();
    FrameInput in = new FrameInput(ByteBuffer.wrap(answer));
    Throwable thrown;
    try {
      if (in.readInt() == 1) {
        return new EncodedResult(Protocol.readValueBytes(in), codec, loader, task);
      }
      in.readByte();
      thrown = Protocol.readFailure(in, codec, loader);
    } catch (IOException e) {
      throw new IllegalStateException("An answer made in this JVM cannot be corrupt", e);
    }
    throw thrown;
  }

  @Override
  protected void stopWhenIdle() {}

  @Override
  protected void awaitStopped() {}

  @Override
  protected void stopNow() {}
}
