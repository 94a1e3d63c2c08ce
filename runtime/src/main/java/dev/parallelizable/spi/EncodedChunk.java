package dev.parallelizable.spi;

import dev.parallelizable.Codec;
import dev.parallelizable.Task;
import dev.parallelizable.internal.process.RemoteChunks;

/**
 * The tasks of a chunk as bytes, for an adapter whose transport carries byte arrays: encoded once in
 * the caller ({@link #encode}), sent as {@link #request requests} of consecutive tasks, run on the
 * worker with {@link #run} (decode the tasks, call them in order, encode the results and the first
 * failure), and the answer read back into the {@link Assignment} with {@link #readAnswer}. This is
 * the same mechanism, and the same {@link Codec} with its deserialization filter, as a process
 * pool's worker JVMs use: every value that crosses goes through the codec on both sides.
 *
 * <p>Immutable and thread-safe.
 */
public final class EncodedChunk {
  private final Object encoded;

  private EncodedChunk(Object encoded) {
    this.encoded = encoded;
  }

  /**
   * Encodes {@code tasks} in the calling thread.
   *
   * @throws IllegalArgumentException naming the method, the parameter and its type, if the codec
   *     cannot encode an argument
   */
  public static EncodedChunk encode(Task<?>[] tasks, Codec codec) {
    return new EncodedChunk(RemoteChunks.encode(tasks, codec));
  }

  /** The request that runs tasks {@code [from, to)}. */
  public byte[] request(int from, int to) {
    return RemoteChunks.request(encoded, from, to);
  }

  /**
   * On the worker: runs a request and returns the answer. Never throws for what a task does: a task
   * that throws, an argument that cannot be decoded and a result that cannot be encoded are that
   * task's failure, and the tasks after it do not run.
   *
   * @param where the worker, for messages, e.g. {@code "cluster member 10.0.0.5:5701"}
   */
  public static byte[] run(byte[] request, Codec codec, String where) {
    return RemoteChunks.run(request, codec, where);
  }

  /**
   * In the caller: stores the results and the failure of an answer in {@code assignment}; a value
   * that cannot be decoded fails its task.
   */
  public static void readAnswer(byte[] answer, Assignment assignment, Codec codec, String where) {
    RemoteChunks.readAnswer(answer, assignment, codec, where);
  }
}
