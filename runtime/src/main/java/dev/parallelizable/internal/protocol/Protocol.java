package dev.parallelizable.internal.protocol;

import dev.parallelizable.Codec;
import dev.parallelizable.DecodeLimits;
import dev.parallelizable.RemoteException;
import dev.parallelizable.internal.Columns;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format between the parent JVM and its worker JVMs.
 *
 * <h2>Channel</h2>
 *
 * For each worker the parent creates a fresh directory readable by its owner only (0700) and, in
 * it, two named pipes readable and writable by their owner only: {@value #CHANNEL_UP} (worker to
 * parent) and {@value #CHANNEL_DOWN} (parent to worker). It starts the worker JVM with the path of
 * the first, opens both for reading and writing while the JVM boots (so that no open blocks), and
 * then writes a random token, as hex digits and a newline, to the worker's standard input. The
 * worker, which waits for the token, opens the pipes and presents the token in its first frame.
 * Once it has, the parent reopens each pipe for its own direction only, so that the worker's exit
 * ends the stream it reads and fails what it writes, and deletes both files. A stream that does not
 * begin with the token fails the worker's start.
 *
 * <p>Where no named pipe can be made (no {@code mkfifo} program, as in a distroless image or on
 * Windows, or {@value #CHANNEL_PROPERTY}{@code =socket}), the channel is a Unix domain socket
 * {@value #CHANNEL_SOCKET} in the same directory, bound while the JVM boots; a connection that does
 * not present the token within a few seconds is dropped and the parent waits for the next, and once
 * the worker has connected the socket file is deleted. No TCP port is ever opened. Pipes are the
 * first choice because a JVM that connects a Unix domain socket first sets up a selector provider
 * and a {@code SecureRandom}, tens of milliseconds of every worker's start.
 *
 * <p>The worker's standard output and error are pipes that the parent copies, line by line and prefixed
 * with the worker's name, to its own {@code System.out} and {@code System.err}: what a task prints,
 * even to file descriptor 1 directly, never touches the channel. The worker's standard input stays
 * open: its end of stream tells the worker that the parent died.
 *
 * <p>A small file in the same directory, mapped into memory by both sides and then deleted, is the
 * worker's progress slot: the worker writes which task of a chunk it is
 * running, so the parent can name the task that crashed or ran too long without a message per task.
 *
 * <h2>Frames</h2>
 *
 * <pre>
 * frame   := length:int32 type:int8 id:int64 body              (length counts type, id and body)
 * string  := length:int32 UTF-8 bytes                          (length -1: null)
 * value   := length:int32 bytes-of-the-codec                   (each value is framed on its own)
 * </pre>
 *
 * All integers, and the elements of primitive arrays and columns, are little-endian ({@link
 * #BYTE_ORDER}), whatever the machine: a process pool's frames stay on one machine, but the same
 * encoding crosses between hosts as a cluster pool's chunks. The id
 * of a RUN is the parent's request number, which the RESULTS and FAILED frames answering it
 * repeat; every other frame has id 0. Frames, in the order they are sent:
 *
 * <pre>
 * worker  HELLO          token:bytes[32]                 the token's 32 hex digits, in ASCII
 * parent  INIT           codec jobMode:int8 tasksPerClassLoader:int32 hasInitializer:int8
 *                        [tasks, when hasInitializer is 1]
 * worker  READY          (empty)                         the initializer, if any, ran; RUNs may come
 *   or    START_FAILED   failure                         the codec or the initializer failed; the
 *                                                        worker exits
 * parent  RUN     (id)   tasks
 *   or    RUN_BATCH (id) batch
 * worker  RESULTS (id)   first:int32 count:int32 last:int8 value{count} [ranNanos:int64]
 *   or    BATCH_RESULTS (id) first:int32 count:int32 last:int8 kind:int8 column [ranNanos:int64]
 *                        (column: count elements; ranNanos, in the last frame of a RUN's answer
 *                        only: how long the worker spent on the RUN, which sizes later chunks)
 * worker  FAILED  (id)   index:int32 fatal:int8 thrownTypes failure
 * parent  PING           (empty)                         a kept worker is handed to another pool
 * worker  READY          (empty)                         the answer: it is alive; RUNs may come
 * parent  PARK           deadline:int64                  a pool that keeps workers across runs
 *                                                        closed: the worker parks until the deadline
 *                                                        (epoch ms) and closes the channel
 *
 * Over pipes, at any time after READY (the bulk socket; see Connection):
 * worker  BULK_READY     (empty)                         a frame longer than 64 KiB crossed the pipe:
 *                                                        the worker listens on socket "b"
 *         (the parent connects and sends HELLO on the socket, then reads bulk frames from it)
 * worker  BULK_ACCEPTED  (empty)                         the worker read the token on the socket:
 *                                                        the parent may send bulk frames
 * either  BULK           (empty)                         the next frame is on the bulk socket
 *
 * codec    className:string maxDepth:int32 maxReferences:int64 maxArrayLength:int32 maxBytes:int64
 *          maxCollectionWorkPerObject:int64                       (the limits: DecodeLimits)
 * tasks    count:int32 methodCount:int16 (invokerClass:string key:string){methodCount}
 *          (method:int16 argumentCount:int16 value{argumentCount}){count}
 * batch    count:int32 invokerClass:string key:string columns:int16 kind:int8{columns}
 *          column{for each primitive kind, count elements} (value{reference kinds}){count}
 * kind     0 reference, 1 boolean, 2 byte, 3 char, 4 short, 5 int, 6 long, 7 float, 8 double,
 *          9 void (a result column only: no bytes)
 * column   the elements in bulk, little-endian (a boolean as one byte, 0 or 1)
 * thrownTypes  count:int32 className:string{count}   the exception's class, then its superclasses up
 *          to Throwable, at most MAX_THROWN_TYPES
 * failure  causes:int32 (className:string message:string frames:int32 frame{frames}){causes}
 *          original:int32 (bytes-of-the-codec{original} | problem:string when original is -1)
 * frame    loader:string module:string moduleVersion:string class:string method:string
 *          file:string line:int32
 * </pre>
 *
 * The worker's name, its channel's and progress slot's paths and its JVM options are on its
 * command line, not in INIT. The codec's limits travel with its class name so that the worker
 * decodes arguments within the limits the parent decodes results with (a custom codec ignores
 * them). In the INIT of a job
 * worker ({@code jobMode} 1) the worker exits after its first RUN. A {@code tasksPerClassLoader}
 * above 0 makes the worker run tasks in a new class loader every so many tasks, running the
 * initializer again in each; the parent then sends no RUN_BATCH. The tasks of an INIT are the one
 * initializer call. A task's {@code method} indexes the methods of its block; {@code first} and
 * {@code index} count from the first task of the RUN they answer.
 *
 * <p>A RUN carries a run of consecutive tasks of one chunk: the whole chunk, unless its arguments
 * take more than a few megabytes, the worker must be recycled within it, or a crashed chunk is
 * retried from the first task without a result. The parent closes its side of the channel to
 * retire a worker: the worker exits at end of stream. A worker kept between pools is sent a PING,
 * between two RUNs, when another pool takes it; it serves that pool once it has answered READY.
 *
 * <p>A RUN_BATCH carries a run of rows of a chunk whose tasks all call one method with a batch
 * loop (see {@link dev.parallelizable.support.TaskInvoker#invokeBatch}): one column per parameter,
 * the receiver's first, a primitive column for a parameter of primitive type and reference values
 * otherwise, which follow the primitive columns row after row (each row's reference arguments in
 * parameter order). It is split, sent and retried by rows as a RUN is by tasks. The worker answers
 * it as it answers a RUN, with the result column in BATCH_RESULTS frames for a primitive or {@code
 * void} result and in RESULTS frames for a reference result, at most a few megabytes each, after
 * the whole batch ran; it reports each row it starts in the progress slot, as it does tasks. An
 * argument that cannot be decoded is the failure of its row, after the rows before it ran.
 *
 * <p>A RUN is answered by RESULTS frames for its tasks in order, the last one flagged, or by RESULTS
 * up to a failed task and then FAILED for it. The worker sends the results it has every few
 * milliseconds of a run, or when they take a few megabytes, so a crash loses little and no frame
 * grows without bound. A FAILED frame with the fatal flag (the task's own {@link
 * OutOfMemoryError}) means the worker exits after sending it; running out of memory while encoding
 * a result or an exception is not fatal, and is sent as a failure with that cause. A failure
 * carries the exception's structure, which always decodes, and the exception itself when the codec
 * can encode it: the parent rethrows the original where it decodes, and a {@link RemoteException}
 * with the original's class name, message and stack otherwise. The parent's reader keeps a FAILED
 * frame's exception as bytes ({@link EncodedFailure}) for the thread that reads the task's result
 * to decode, since decoding runs user code; the engine decides a retry from the thrown types.
 *
 * <h2>Decoding</h2>
 *
 * Every count and length is checked against the bytes left in its frame before anything is
 * allocated for it; a frame that breaks this grammar is an {@link IOException} and the channel is
 * given up. A value is different: it is framed on its own, so {@link #decodeValue} turns whatever
 * its decoding throws into a {@link DecodeException} that fails that value's task alone, and the
 * channel goes on.
 */
public final class Protocol {
  /**
   * The byte order of every frame and encoded value: fixed, since encoded chunks cross between
   * hosts of a cluster, which need not share one; little-endian, the order of x86-64 and AArch64,
   * so that bulk copies of arrays are plain copies there.
   */
  public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

  public static final byte HELLO = 1;
  public static final byte INIT = 2;
  public static final byte READY = 3;
  public static final byte START_FAILED = 4;
  public static final byte RUN = 5;
  public static final byte RESULTS = 6;
  public static final byte FAILED = 7;
  public static final byte RUN_BATCH = 8;
  public static final byte BATCH_RESULTS = 9;
  public static final byte PING = 10;
  public static final byte BULK = 11;
  public static final byte BULK_READY = 12;
  public static final byte BULK_ACCEPTED = 13;
  public static final byte PARK = 14;

  /** Length of the token, as hex digits. */
  public static final int TOKEN_LENGTH = 32;

  /** The bytes of a HELLO frame: its header and the token. */
  public static final int HELLO_BYTES = Connection.HEADER_BYTES + TOKEN_LENGTH;

  /** The exit code of a worker that ended itself after an {@link OutOfMemoryError}. */
  public static final int EXIT_OUT_OF_MEMORY = 3;

  /** The exit code of a worker whose parent disappeared. */
  public static final int EXIT_ORPHANED = 4;

  /**
   * The file, in the worker's directory, that its JVM writes to as it exits; a worker whose parent
   * disappeared deletes it with the rest of the directory.
   */
  public static final String EXIT_TRACE = "x";

  /** The named pipe, in the worker's directory, from the worker to the parent. */
  public static final String CHANNEL_UP = "u";

  /** The named pipe, in the worker's directory, from the parent to the worker. */
  public static final String CHANNEL_DOWN = "d";

  /** The Unix domain socket, in the worker's directory, where there are no named pipes. */
  public static final String CHANNEL_SOCKET = "s";

  /** The socket, in the worker's directory, that the worker listens on for the bulk socket. */
  public static final String CHANNEL_BULK = "b";

  /**
   * A warm worker's standard output, a named pipe in its directory that it writes for as long as it
   * lives: the parent it serves reads it, and while it serves none its output is dropped.
   */
  public static final String WARM_OUT = "o";

  /** A warm worker's standard error, as {@link #WARM_OUT}. */
  public static final String WARM_ERR = "e";

  /**
   * The named pipe a parked worker reads: the parent that claimed it writes its process id, its
   * directory of shared data and a new token there, each on a line of its own.
   */
  public static final String WARM_DOOR = "w";

  /**
   * The file that says a warm worker is parked and may be claimed: its deadline in epoch
   * milliseconds, on one line. A
   * parent claims it, and the worker gives up at its deadline, by renaming it to {@link
   * #WARM_CLAIMED} or {@link #WARM_EXPIRED}: only one of them can.
   */
  public static final String WARM_PARKED = "parked";

  /** {@link #WARM_PARKED}, renamed by the parent that claimed the worker. */
  public static final String WARM_CLAIMED = "claimed";

  /** {@link #WARM_PARKED}, renamed by the worker whose deadline passed: it is exiting. */
  public static final String WARM_EXPIRED = "expired";

  /** The system property that chooses the channel: {@code pipes} (the default) or {@code socket}. */
  public static final String CHANNEL_PROPERTY = "dev.parallelizable.workerChannel";

  /** At most this many causes of an exception are sent structurally. */
  private static final int MAX_CAUSES = 16;

  /** At most this many class names of a failed task's exception are sent (see {@link #writeThrownTypes}). */
  public static final int MAX_THROWN_TYPES = 32;

  private Protocol() {}

  /** A HELLO frame that presents {@code token}, ready to be written. */
  public static ByteBuffer hello(byte[] token) {
    ByteBuffer frame = ByteBuffer.allocate(HELLO_BYTES).order(BYTE_ORDER);
    return frame.putInt(1 + 8 + TOKEN_LENGTH).put(HELLO).putLong(0).put(token, 0, TOKEN_LENGTH).flip();
  }

  /**
   * Reads exactly the bytes of a HELLO frame from {@code channel}, no more (what follows is not
   * this reader's), and tells whether they are a HELLO that presents {@code token}.
   *
   * @throws EOFException if the stream ends first
   */
  public static boolean readHello(ReadableByteChannel channel, byte[] token) throws IOException {
    ByteBuffer frame = ByteBuffer.allocate(HELLO_BYTES).order(BYTE_ORDER);
    while (frame.hasRemaining()) {
      if (channel.read(frame) < 0) {
        throw new EOFException("The channel ended before the token");
      }
    }
    frame.flip();
    int length = frame.getInt();
    byte type = frame.get();
    frame.getLong();
    byte[] presented = new byte[TOKEN_LENGTH];
    frame.get(presented);
    return length == 1 + 8 + TOKEN_LENGTH && type == HELLO && MessageDigest.isEqual(token, presented);
  }

  /** Writes {@code value} as a framed value; on failure the output is left as it was. */
  public static void writeValue(FrameOutput out, Codec codec, Object value) throws IOException {
    int at = out.position();
    long before = out.length();
    out.writeInt(0);
    try {
      codec.encode(value, out);
    } catch (IOException | RuntimeException | Error e) {
      out.rewind(at);
      throw e;
    }
    out.patchLength(at, before);
  }

  /**
   * Decodes a framed value. The input moves past the value whatever the codec reads or throws.
   *
   * @throws IOException if the frame itself is broken: the value's length is negative or runs past
   *     the frame (the channel can no longer be trusted)
   * @throws DecodeException if the codec failed on this value, whatever it threw, {@link Error}s
   *     included: only this value is lost
   */
  public static Object decodeValue(FrameInput in, Codec codec, ClassLoader loader)
      throws IOException, DecodeException {
    int length = in.readInt();
    if (length < 0) {
      throw new StreamCorruptedException("Corrupt value length " + length);
    }
    FrameInput value = in.slice(length);
    try {
      return codec.decode(value, loader);
    } catch (Throwable e) {
      throw new DecodeException(e);
    }
  }

  /**
   * Reads a framed value's bytes without decoding them, for {@link #decode} later, in another
   * thread: a copy, since the frame's buffer is reused.
   */
  public static byte[] readValueBytes(FrameInput in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      throw new StreamCorruptedException("Corrupt value length " + length);
    }
    return in.readBytes(length);
  }

  /** Decodes the bytes of a value read by {@link #readValueBytes}, as {@link #decodeValue} does. */
  public static Object decode(byte[] bytes, Codec codec, ClassLoader loader) throws DecodeException {
    try {
      return codec.decode(new FrameInput(ByteBuffer.wrap(bytes)), loader);
    } catch (Throwable e) {
      throw new DecodeException(e);
    }
  }

  /**
   * Writes elements {@code [from, to)} of a primitive column in bulk, little-endian (a
   * {@code boolean} as one byte, 0 or 1); nothing for a {@code void} column. A large part of a
   * {@code byte}, {@code int}, {@code long} or {@code double} column is added by reference ({@link
   * FrameOutput#writeShared(Object, long, int)}), copied only into the channel's buffer as the frame
   * is sent: the caller does not change it until then.
   */
  public static void writeColumn(FrameOutput out, Object column, int from, int to) {
    int count = to - from;
    byte kind = Columns.kindOf(column);
    if (kind == Columns.VOID) {
      return;
    }
    int width = Columns.width(kind);
    if (kind == Columns.INT || kind == Columns.LONG || kind == Columns.DOUBLE || kind == Columns.BYTE) {
      out.writeShared(column, (long) from * width, Math.multiplyExact(count, width));
      return;
    }
    // The kinds the frame cannot add by reference (FrameOutput.putArrayBytes has no view for them).
    ByteBuffer bytes = out.claim(Math.multiplyExact(count, width));
    switch (kind) {
      case Columns.FLOAT -> bytes.asFloatBuffer().put((float[]) column, from, count);
      case Columns.SHORT -> bytes.asShortBuffer().put((short[]) column, from, count);
      case Columns.CHAR -> bytes.asCharBuffer().put((char[]) column, from, count);
      case Columns.BOOLEAN -> {
        boolean[] values = (boolean[]) column;
        for (int i = from; i < to; i++) {
          bytes.put((byte) (values[i] ? 1 : 0));
        }
      }
      default -> throw new IllegalArgumentException("not a primitive column: kind " + kind);
    }
  }

  /**
   * Reads a primitive column of {@code count} elements written by {@link #writeColumn}; null for
   * {@link Columns#VOID}.
   *
   * @throws IOException if {@code kind} is no primitive kind, or the frame holds fewer bytes than
   *     {@code count} elements take (checked before the column is allocated)
   */
  public static Object readColumn(FrameInput in, byte kind, int count) throws IOException {
    if (kind == Columns.VOID) {
      return null;
    }
    if (kind == Columns.REFERENCE || !Columns.isKind(kind)) {
      throw new StreamCorruptedException("Corrupt frame: column kind " + kind + " is not a primitive kind");
    }
    long length = (long) count * Columns.width(kind);
    if (count < 0 || length > in.available()) {
      throw new StreamCorruptedException(
          "Corrupt frame: a column of " + count + " elements claimed, but only " + in.available()
              + " bytes are left");
    }
    ByteBuffer bytes = in.slice((int) length).buffer().order(in.buffer().order());
    Object column = Columns.newColumn(kind, count);
    switch (kind) {
      case Columns.INT -> bytes.asIntBuffer().get((int[]) column);
      case Columns.LONG -> bytes.asLongBuffer().get((long[]) column);
      case Columns.DOUBLE -> bytes.asDoubleBuffer().get((double[]) column);
      case Columns.FLOAT -> bytes.asFloatBuffer().get((float[]) column);
      case Columns.SHORT -> bytes.asShortBuffer().get((short[]) column);
      case Columns.CHAR -> bytes.asCharBuffer().get((char[]) column);
      case Columns.BYTE -> bytes.get((byte[]) column);
      default -> {
        boolean[] values = (boolean[]) column;
        for (int i = 0; i < count; i++) {
          values[i] = bytes.get() != 0;
        }
      }
    }
    return column;
  }

  /**
   * Writes which codec the worker creates: its class name and, for the default codec, its decode
   * limits.
   */
  public static void writeCodec(FrameOutput out, Codec codec) {
    out.writeString(codec.getClass().getName());
    DecodeLimits limits =
        codec instanceof SerializationCodec serialization ? serialization.limits() : DecodeLimits.defaults();
    out.writeInt(limits.maxDepth());
    out.writeLong(limits.maxReferences());
    out.writeInt(limits.maxArrayLength());
    out.writeLong(limits.maxBytes());
    out.writeLong(limits.maxCollectionWorkPerObject());
  }

  /**
   * Reads what {@link #writeCodec} wrote and creates the codec: a custom one by its public
   * no-argument constructor, through the system class loader.
   */
  public static Codec readCodec(FrameInput in) throws IOException, ReflectiveOperationException {
    String className = in.readString();
    DecodeLimits limits =
        DecodeLimits.defaults()
            .withMaxDepth(in.readInt())
            .withMaxReferences(in.readLong())
            .withMaxArrayLength(in.readInt())
            .withMaxBytes(in.readLong())
            .withMaxCollectionWorkPerObject(in.readLong());
    if (className.equals(SerializationCodec.class.getName())) {
      return limits.equals(DecodeLimits.defaults()) ? SerializationCodec.INSTANCE : new SerializationCodec(limits);
    }
    Class<?> type = Class.forName(className, true, ClassLoader.getSystemClassLoader());
    return (Codec) type.getConstructor().newInstance();
  }

  /** Writes an exception: its structure, and the exception itself if the codec can encode it. */
  public static void writeFailure(FrameOutput out, Codec codec, Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    int causes = 0;
    for (Throwable t = failure; t != null && causes < MAX_CAUSES && seen.put(t, true) == null; t = t.getCause()) {
      causes++;
    }
    out.writeInt(causes);
    Throwable t = failure;
    for (int i = 0; i < causes; i++, t = t.getCause()) {
      out.writeString(t.getClass().getName());
      out.writeString(messageOf(t));
      StackTraceElement[] frames = t.getStackTrace();
      out.writeInt(frames.length);
      for (StackTraceElement frame : frames) {
        out.writeString(frame.getClassLoaderName());
        out.writeString(frame.getModuleName());
        out.writeString(frame.getModuleVersion());
        out.writeString(frame.getClassName());
        out.writeString(frame.getMethodName());
        out.writeString(frame.getFileName());
        out.writeInt(frame.getLineNumber());
      }
    }
    try {
      writeValue(out, codec, failure);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      out.writeInt(-1);
      out.writeString(e.toString());
    }
  }

  private static String messageOf(Throwable t) {
    try {
      return t.getMessage();
    } catch (RuntimeException e) {
      return "<getMessage() threw " + e + ">";
    }
  }

  /**
   * Writes the names of the classes {@code failure} is an instance of: its class, then each
   * superclass up to {@link Throwable}, at most {@link #MAX_THROWN_TYPES}. The parent decides a
   * retry from them without decoding the exception, which runs user code.
   */
  public static void writeThrownTypes(FrameOutput out, Throwable failure) {
    int count = 0;
    for (Class<?> type = failure.getClass(); count < MAX_THROWN_TYPES && type != null; type = superclassBelowObject(type)) {
      count++;
    }
    out.writeInt(count);
    Class<?> type = failure.getClass();
    for (int i = 0; i < count; i++, type = type.getSuperclass()) {
      out.writeString(type.getName());
    }
  }

  private static Class<?> superclassBelowObject(Class<?> type) {
    Class<?> parent = type.getSuperclass();
    return parent == Object.class ? null : parent;
  }

  /** Reads what {@link #writeThrownTypes} wrote. */
  public static List<String> readThrownTypes(FrameInput in) throws IOException {
    int count = in.readCount(4, "thrown types"); // the smallest name is a null string
    if (count > MAX_THROWN_TYPES) {
      throw new StreamCorruptedException("Corrupt frame: " + count + " thrown types, at most " + MAX_THROWN_TYPES);
    }
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(in.readString());
    }
    return List.copyOf(names);
  }

  /**
   * Reads an exception: the original where the codec decodes it, else a {@link RemoteException}
   * chain with the original class names, messages and stacks.
   */
  public static Throwable readFailure(FrameInput in, Codec codec, ClassLoader loader) throws IOException {
    return readEncodedFailure(in).decode(codec, loader);
  }

  /**
   * Reads an exception without decoding it (see {@link EncodedFailure}): its structure, checked
   * against the frame's grammar here, and the codec's bytes, copied.
   */
  public static EncodedFailure readEncodedFailure(FrameInput in) throws IOException {
    // The smallest cause is two null strings and no frame; the smallest frame, six null strings and a line.
    int causes = in.readCount(4 + 4 + 4, "causes");
    RemoteException[] chain = new RemoteException[causes];
    for (int i = 0; i < causes; i++) {
      String className = in.readString();
      String message = in.readString();
      StackTraceElement[] frames = new StackTraceElement[in.readCount(6 * 4 + 4, "stack frames")];
      for (int f = 0; f < frames.length; f++) {
        String classLoader = in.readString();
        String module = in.readString();
        String moduleVersion = in.readString();
        String declaringClass = in.readString();
        String method = in.readString();
        String file = in.readString();
        int line = in.readInt();
        frames[f] =
            new StackTraceElement(classLoader, module, moduleVersion, declaringClass, method, file, line);
      }
      chain[i] = new RemoteException(className, message);
      chain[i].setStackTrace(frames);
    }
    for (int i = 0; i + 1 < causes; i++) {
      chain[i].initCause(chain[i + 1]);
    }
    RemoteException structure = causes == 0 ? null : chain[0];
    int at = in.buffer().position();
    if (in.readInt() == -1) {
      return new EncodedFailure(structure, null, "the worker could not encode it: " + in.readString());
    }
    in.buffer().position(at);
    return new EncodedFailure(structure, readValueBytes(in), null);
  }
}
