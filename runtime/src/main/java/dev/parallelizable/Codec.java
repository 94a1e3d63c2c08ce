package dev.parallelizable;

import dev.parallelizable.internal.protocol.SerializationCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Turns the arguments, results and exceptions of tasks into bytes and back, to cross between the
 * caller and a worker JVM of a process pool ({@link ProcessPoolBuilder#codec(Codec)}).
 *
 * <p>The default, {@link #serialization()}, writes common values directly and everything else with
 * Java serialization behind an {@link java.io.ObjectInputFilter}; see its documentation.
 *
 * <p><b>Implementing.</b> Each value is framed by the pool, so {@link #decode} sees exactly the
 * bytes {@link #encode} wrote for that value, and reading too little or too much cannot upset the
 * channel. The parent and every worker create their own instance: an implementation must be a
 * public class with a public no-argument constructor, on the workers' classpath, and be
 * thread-safe (the parent encodes in the submitting threads and decodes in its result-reader
 * threads).
 *
 * <p><b>Failures.</b> An argument {@code encode} rejects fails the submit ({@code applyAsync},
 * {@code map}) in the caller with an {@link IllegalArgumentException} naming the method, the
 * parameter and its type; the pool is not affected. A result it rejects fails that task with a
 * {@link TaskFailedException} naming it; the worker stays in service. Whatever {@code decode}
 * throws, an {@link Error} included, fails only the task whose value it was decoding: an argument
 * in the worker, a result or exception in the caller; the worker stays in service.
 */
public interface Codec {
  /**
   * Writes {@code value} (which may be null) to {@code out}.
   *
   * @param value the value to write; may be null
   * @param out the stream to write the value's bytes to
   * @throws IOException if the value cannot be encoded, for example {@link
   *     java.io.NotSerializableException}
   */
  void encode(Object value, OutputStream out) throws IOException;

  /**
   * Reads a value written by {@link #encode}.
   *
   * @param loader the class loader of the task's generated invoker: where its classes come from
   * @param in the bytes {@link #encode} wrote for one value, and nothing more
   * @return the decoded value; may be null
   * @throws IOException if the bytes cannot be decoded, or were rejected
   * @throws ClassNotFoundException if a class of the value is missing on this side
   */
  Object decode(InputStream in, ClassLoader loader) throws IOException, ClassNotFoundException;

  /**
   * The default codec, with the {@linkplain DecodeLimits#defaults() default decode limits}. Nulls,
   * boxed primitives, {@code String}, {@code byte[]}, {@code int[]}, {@code long[]}, {@code
   * double[]} and {@link java.nio.file.Path} (of the default file system) are written directly (a
   * large {@code byte[]} is copied once, straight into the channel); any other value with Java
   * serialization, where {@code Path}s inside serialized objects are also supported. In a process
   * pool, a {@link SharedData} argument, and a primitive array argument of at least the pool's
   * {@linkplain ProcessPoolBuilder#sharedArrayThreshold(long) threshold}, is written once to the
   * pool's shared memory and crosses as a reference.
   *
   * <p>Decoding is bounded: every claimed length is checked against the bytes actually left before
   * anything is allocated, and serialized values go through an {@link java.io.ObjectInputFilter}
   * that rejects the classes of well-known deserialization gadget libraries and values over the
   * {@link DecodeLimits} (depth, references, array length, bytes, and the work of rebuilding the
   * value's sets and maps, which stops the nested-set bomb), combined with the JVM-wide filter
   * ({@code -Djdk.serialFilter}) when one is set. A rejected value fails its task with a {@link
   * java.io.InvalidObjectException} naming the limit and how to raise it. The channel itself is
   * reachable only by the parent and its own workers; the filter is defence in depth.
   *
   * <p>Thread-safe.
   *
   * @return the shared default codec
   */
  static Codec serialization() {
    return SerializationCodec.INSTANCE;
  }

  /**
   * The default codec (see {@link #serialization()}) with other decode limits. The workers of a
   * pool whose codec this is decode their arguments within the same limits.
   *
   * <p>Thread-safe.
   *
   * @param limits the limits every decoded value must stay within; not null
   * @return a codec that decodes within {@code limits}
   * @throws NullPointerException if {@code limits} is null
   */
  static Codec serialization(DecodeLimits limits) {
    return limits.equals(DecodeLimits.defaults()) ? SerializationCodec.INSTANCE : new SerializationCodec(limits);
  }
}
