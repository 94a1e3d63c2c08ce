package dev.parallelizable.internal.process;

import dev.parallelizable.Codec;
import dev.parallelizable.ParallelException;
import dev.parallelizable.Task;
import dev.parallelizable.TaskFailedException;
import dev.parallelizable.internal.Describe;
import dev.parallelizable.internal.Undecoded;
import dev.parallelizable.internal.protocol.DecodeException;
import dev.parallelizable.internal.protocol.Protocol;

/**
 * A result as a worker sent it: the codec's bytes, copied out of the frame by the reader thread and
 * decoded with the pool's codec by the thread that reads the result (see {@link Undecoded}).
 */
final class EncodedResult implements Undecoded {
  private final byte[] bytes;
  private final Codec codec;
  private final ClassLoader loader;
  private final Task<?> task;

  EncodedResult(byte[] bytes, Codec codec, ClassLoader loader, Task<?> task) {
    this.bytes = bytes;
    this.codec = codec;
    this.loader = loader;
    this.task = task;
  }

  @Override
  public Object decode() {
    try {
      return Protocol.decode(bytes, codec, loader);
    } catch (DecodeException e) {
      throw new TaskFailedException(
          task,
          new ParallelException(
              "The result of " + task + " could not be decoded in the caller by " + codec + ": "
                  + Describe.throwable(e.getCause()),
              e.getCause()));
    }
  }
}
