package dev.parallelizable.spi;

import dev.parallelizable.Codec;
import dev.parallelizable.Task;
import dev.parallelizable.TaskMethod;
import dev.parallelizable.internal.process.RemoteChunks;

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
 * <p>Immutable and thread-safe.
 */
public final class EncodedChunk {
  private final Object encoded;

  private EncodedChunk(Object encoded) {
    this.encoded = encoded;
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
    return new EncodedChunk(RemoteChunks.encode(tasks, codec, null));
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
    return new EncodedChunk(RemoteChunks.encode(tasks, codec, shared.shares()));
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
    return new EncodedChunk(RemoteChunks.encodeColumns(method, columns, count, codec, shared.shares()));
  }

  /**
   * The request that runs tasks {@code [from, to)}.
   *
   * @param from the first task to run
   * @param to one past the last task to run; more than {@code from}
   * @return the request, to send to one worker
   */
  public byte[] request(int from, int to) {
    return RemoteChunks.request(encoded, from, to);
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
    return RemoteChunks.run(request, codec, where, null);
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
    return RemoteChunks.run(request, codec, where, shared.shares());
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
    RemoteChunks.readAnswer(answer, assignment, codec, where);
  }
}
