package dev.parallelizable.internal.process.child;

import dev.parallelizable.internal.Describe;
import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.support.Invocations;
import dev.parallelizable.support.TaskInvoker;
import dev.parallelizable.internal.protocol.DecodeException;
import dev.parallelizable.internal.protocol.FrameInput;
import dev.parallelizable.internal.protocol.FrameOutput;
import dev.parallelizable.internal.protocol.Protocol;
import java.io.IOException;
import java.util.Arrays;

/**
 * A tasks block (see {@link Protocol}) as a worker runs it: the methods it calls, then each task
 * decoded and called in turn. The one way a worker JVM of a process pool and a cluster member run
 * the tasks they are sent. An invoker that cannot be created fails the tasks that use it.
 *
 * <p>Internal: the code that runs an encoded chunk, on the worker's side; run by a worker JVM's
 * {@link WorkerMain}, and through {@code EncodedChunk} by a cluster member and by the pool through
 * the codec in the caller. Not thread-safe: one per block, in the thread that runs it.
 */
public final class TaskBlock {
  private final String[] invokerClasses;
  private final String[] keys;
  /** The invokers, created when a task first needs each; null until then. */
  private final TaskInvoker[] invokers;
  /** Why an invoker could not be created, for the tasks that need it. */
  private final RuntimeException[] problems;
  private final Codec codec;
  /** Where the tasks run, for messages: "worker-3", "cluster member 10.0.0.5:5701". */
  private final String where;
  /** The class loaders tasks run in, if the worker recycles them; null: the invokers are shared. */
  private final TaskLoaders loaders;
  /** The {@link TaskLoaders#generation()} the invokers were created in. */
  private int generation;
  private String lastKey;

  /** Reads the methods of a block whose task count was read already. */
  public TaskBlock(FrameInput in, Codec codec, String where) throws IOException {
    this(in, codec, where, null);
  }

  /**
   * Reads the methods of a block whose task count was read already, whose tasks create their
   * invokers in the current loader of {@code loaders}, or as shared ones if it is null.
   */
  TaskBlock(FrameInput in, Codec codec, String where, TaskLoaders loaders) throws IOException {
    this.codec = codec;
    this.where = where;
    this.loaders = loaders;
    this.generation = loaders == null ? 0 : loaders.generation();
    int count = in.readShort();
    invokerClasses = new String[count];
    keys = new String[count];
    invokers = new TaskInvoker[count];
    problems = new RuntimeException[count];
    for (int m = 0; m < count; m++) {
      invokerClasses[m] = in.readString();
      keys[m] = in.readString();
    }
  }

  /** Decodes the next task of the block and calls it. */
  public Object call(FrameInput in) throws Throwable {
    int method = in.readShort();
    int argumentCount = in.readShort();
    lastKey = keys[method];
    TaskInvoker invoker = invoker(method);
    ClassLoader loader = invoker.getClass().getClassLoader();
    Object[] arguments = new Object[argumentCount];
    for (int a = 0; a < argumentCount; a++) {
      try {
        arguments[a] = Protocol.decodeValue(in, codec, loader);
      } catch (DecodeException e) {
        throw new ParallelException(
            "Argument " + (a + 1) + " of " + keys[method] + " could not be decoded in " + where
                + " by " + codec + ": " + Describe.throwable(e.getCause()),
            e.getCause());
      }
    }
    return invoker.invoke(keys[method], arguments);
  }

  /** The invoker of method {@code m} of the block, created on first use in the current loader. */
  private TaskInvoker invoker(int m) {
    if (loaders != null && generation != loaders.generation()) {
      Arrays.fill(invokers, null); // made in a loader that is gone
      Arrays.fill(problems, null);
      generation = loaders.generation();
    }
    if (invokers[m] == null && problems[m] == null) {
      try {
        invokers[m] = loaders == null
            ? Invocations.invoker(invokerClasses[m])
            : loaders.invoker(invokerClasses[m]);
      } catch (RuntimeException e) {
        problems[m] = new IllegalStateException("On " + where + ": " + e.getMessage(), e);
      }
    }
    if (problems[m] != null) {
      throw problems[m];
    }
    return invokers[m];
  }

  /**
   * Encodes the result of the task last called; returns null, or the failure of that task if its
   * result cannot be encoded (the output is left as it was). Running out of memory while encoding
   * is not fatal: the memory was the encoding's own, and it is given back.
   */
  public Throwable writeResult(FrameOutput out, Object value) {
    return writeResult(out, codec, value, lastKey, where);
  }

  /**
   * Encodes {@code value}, the result of a call of {@code key}, with {@code codec}; returns null,
   * or the failure of that call if it cannot be encoded (the output is left as it was). Shared by
   * the task and batch blocks, whose results fail alike.
   */
  static Throwable writeResult(FrameOutput out, Codec codec, Object value, String key, String where) {
    try {
      Protocol.writeValue(out, codec, value);
      return null;
    } catch (Throwable e) {
      if (e instanceof OutOfMemoryError) {
        out.trim(8192); // the results before this one stay
      }
      return new ParallelException(
          "The result of " + key + ", a " + value.getClass().getName() + ", could not be sent back from "
              + where + ": " + codec + " cannot encode it (" + Describe.throwable(e) + ")",
          e);
    }
  }
}
