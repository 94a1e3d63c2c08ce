package dev.parallelizable;

import dev.parallelizable.internal.shared.SharedAccess;
import dev.parallelizable.internal.shared.SharedOwner;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A large read-only array, passed to tasks any number of times without being copied for each:
 * a model, a lookup table, a matrix every task reads.
 *
 * <pre>{@code
 * try (SharedData table = SharedData.of(bigDoubles);
 *     Pool pool = Parallel.processes(4)) {
 *   List<Double> sums = pool.map(i -> WorkParallel.sampleSum(table, i), offsets);
 * }
 * }</pre>
 *
 * <p>Create it from an array with one of the {@code of} methods, or over a region of a file with
 * {@link #ofFile}, and pass it as an argument of a
 * {@link Parallelizable} method whose parameter is declared {@code SharedData}; the task reads it
 * through a typed, read-only view ({@link #asDoubleBuffer()} and the like). What each kind of pool
 * does with it:
 *
 * <ul>
 *   <li>Sequential and thread pools pass this object itself: the views wrap the array (or the
 *       mapping of the file), nothing is copied.
 *   <li>A process pool writes the data once, the first time the handle is passed to that pool, to
 *       a file in the pool's private directory (mode 0700, in {@code /dev/shm} where it has 1 GiB
 *       free, so the file is memory, not disk; else in {@code java.io.tmpdir}); every task then carries a reference of a few dozen bytes.
 *       Each worker maps the file, read-only, the first time one of its tasks receives the handle,
 *       and keeps the mapping while it lives: the operating system shares the same physical pages
 *       among the workers, so the data is in memory once however many workers read it. A handle
 *       over a file region is not written: the pool writes only a small file naming the region, and
 *       the workers map the region of the caller's file itself.
 *   <li>A cluster pool puts the bytes into the cluster once, the first time the handle is passed to
 *       that pool (a Hazelcast map, keyed by the pool and the handle); every task then carries a
 *       reference, and each member gets the bytes the first time one of its tasks needs them and
 *       keeps them for the later ones: the data crosses once per member, not once per task.
 * </ul>
 *
 * <p><b>Read-only.</b> The views are read-only buffers: their {@code put} methods throw {@link
 * java.nio.ReadOnlyBufferException}, and a worker's mapping is read-only in the operating system
 * as well. The caller that created the handle still owns the array: it must not change it once the
 * handle was passed to a pool, since threads would see the change and workers might not (a
 * process pool reads the array once).
 *
 * <p><b>Lifetime.</b> {@link #close()} deletes the files of this handle in every process pool it
 * was passed to, and its bytes in every cluster pool; a pool deletes what remains when it is closed
 * or terminated, and its workers delete
 * the pool's directory if the parent JVM is killed. Close the handle once the tasks that read it
 * are complete: a worker that has not mapped it yet fails such a task with a message saying the
 * data was closed. Passing a closed handle to a process pool fails the submit with an {@link
 * IllegalArgumentException}; its views still work in this JVM. In a worker, {@code close()} does
 * nothing: the mapping belongs to the worker and goes with it.
 *
 * <p><b>Faults.</b> A worker that crashes or is killed (a task timeout) takes its mapping with it;
 * its replacement maps the file again for the first task that needs it, and a retried task reads
 * the same data. Cancelling a task changes nothing about the handle. A reference a worker cannot
 * resolve (the handle was closed, the file is gone) fails that task alone with a {@link
 * TaskFailedException} saying why; the worker stays in service.
 *
 * <p><b>Custom codecs and nesting.</b> The reference is written by the default codec ({@link
 * Codec#serialization()}) for a handle passed as an argument itself. Inside another serialized
 * object, or with a codec of your own, the handle is serialized with its data, a copy per task.
 *
 * <p>Thread-safe: the views may be taken and read by any number of threads at once, each view
 * being a buffer of its own; {@code close()} may be called from any thread, more than once.
 */
public final class SharedData implements AutoCloseable, Serializable {
  private static final long serialVersionUID = 1L;
  private static final AtomicLong IDS = new AtomicLong();
  /** The most bytes a handle holds: one mapping of a file. */
  static final long MAX_BYTES = Integer.MAX_VALUE - 8;

  static {
    SharedAccess.install(new Access());
  }

  /** The type of the elements of a {@link SharedData}, and their size in bytes. */
  public enum ElementType {
    /** {@code byte}: 1 byte. */
    BYTE(1),
    /** {@code int}: 4 bytes. */
    INT(4),
    /** {@code long}: 8 bytes. */
    LONG(8),
    /** {@code float}: 4 bytes. */
    FLOAT(4),
    /** {@code double}: 8 bytes. */
    DOUBLE(8);

    private final int size;

    ElementType(int size) {
      this.size = size;
    }

    /**
     * The size of one element.
     *
     * @return the number of bytes one element takes
     */
    public int size() {
      return size;
    }
  }

  /** Unique in the JVM that created the handle; names its files. */
  private final long id;
  /** The type of the elements. */
  private final ElementType type;
  /** The number of elements. */
  private final int length;
  /** The caller's array, in the JVM that created the handle; null where the data was received. */
  private final transient Object array;
  /**
   * The received data, or the mapped region of a file handle; read-only, native byte order; null
   * where the handle was created from an array.
   */
  private final transient ByteBuffer received;
  /** The file of a handle over a region of a file (real path), where it was created; else null. */
  private final transient Path file;
  /** Where the region of {@link #file} starts, in bytes. */
  private final transient long fileOffset;
  /** The process pools that hold a file of this handle; accessed only under this object's lock. */
  private transient List<SharedOwner> owners = new ArrayList<>(1);
  /** Accessed only under this object's lock. */
  private transient boolean closed;

  private SharedData(long id, ElementType type, int length, Object array, ByteBuffer received) {
    this(id, type, length, array, received, null, 0);
  }

  private SharedData(
      long id, ElementType type, int length, Object array, ByteBuffer received, Path file, long fileOffset) {
    this.id = id;
    this.type = type;
    this.length = length;
    this.array = array;
    this.received = received;
    this.file = file;
    this.fileOffset = fileOffset;
  }

  private static SharedData of(Object array, ElementType type, int length, String what) {
    Objects.requireNonNull(array, what + " must not be null");
    if ((long) length * type.size > MAX_BYTES) {
      throw new IllegalArgumentException(
          "SharedData holds at most " + MAX_BYTES + " bytes (one mapping of a file), but the " + what
              + " of " + length + " elements takes " + (long) length * type.size
              + " bytes: split it into several handles");
    }
    return new SharedData(IDS.incrementAndGet(), type, length, array, null);
  }

  /**
   * Shares {@code bytes}, which the caller must not change afterwards.
   *
   * @param bytes the data; not copied
   * @return a new open handle
   * @throws NullPointerException if {@code bytes} is null
   * @throws IllegalArgumentException if the array takes more than 2 GB
   */
  public static SharedData of(byte[] bytes) {
    return of(bytes, ElementType.BYTE, bytes == null ? 0 : bytes.length, "byte[]");
  }

  /**
   * Shares {@code ints}, which the caller must not change afterwards.
   *
   * @param ints the data; not copied
   * @return a new open handle
   * @throws NullPointerException if {@code ints} is null
   * @throws IllegalArgumentException if the array takes more than 2 GB
   */
  public static SharedData of(int[] ints) {
    return of(ints, ElementType.INT, ints == null ? 0 : ints.length, "int[]");
  }

  /**
   * Shares {@code longs}, which the caller must not change afterwards.
   *
   * @param longs the data; not copied
   * @return a new open handle
   * @throws NullPointerException if {@code longs} is null
   * @throws IllegalArgumentException if the array takes more than 2 GB
   */
  public static SharedData of(long[] longs) {
    return of(longs, ElementType.LONG, longs == null ? 0 : longs.length, "long[]");
  }

  /**
   * Shares {@code floats}, which the caller must not change afterwards.
   *
   * @param floats the data; not copied
   * @return a new open handle
   * @throws NullPointerException if {@code floats} is null
   * @throws IllegalArgumentException if the array takes more than 2 GB
   */
  public static SharedData of(float[] floats) {
    return of(floats, ElementType.FLOAT, floats == null ? 0 : floats.length, "float[]");
  }

  /**
   * Shares {@code doubles}, which the caller must not change afterwards.
   *
   * @param doubles the data; not copied
   * @return a new open handle
   * @throws NullPointerException if {@code doubles} is null
   * @throws IllegalArgumentException if the array takes more than 2 GB
   */
  public static SharedData of(double[] doubles) {
    return of(doubles, ElementType.DOUBLE, doubles == null ? 0 : doubles.length, "double[]");
  }

  /**
   * Shares a region of an existing file, whose bytes are elements of {@code type} in the machine's
   * byte order (as {@code numpy.ndarray.tofile} writes them on the same machine). The file is not
   * copied: this JVM and the workers of a process pool map the region read-only, and a cluster pool
   * sends its bytes once per member. The file stays the caller's: closing the handle or a pool never
   * deletes or changes it. Do not change or truncate it while the handle is in use (reading a
   * mapped region that a truncation removed fails with an {@link InternalError}).
   *
   * <pre>{@code
   * try (SharedData weights = SharedData.ofFile(Path.of("model.bin"), 4096, 8L << 20, ElementType.DOUBLE)) {
   *   ...
   * }
   * }</pre>
   *
   * @param file an existing regular file; not null
   * @param offset where the region starts, in bytes; a multiple of the element size
   * @param byteLength the size of the region, in bytes; a multiple of the element size, at most
   *     about 2 GB
   * @param type the type of the elements; not null
   * @return a new open handle over the region
   * @throws NullPointerException if {@code file} or {@code type} is null
   * @throws IllegalArgumentException naming the value, if the file does not exist or is not a
   *     regular file, the offset or length is negative or not a multiple of the element size, the
   *     region takes more than 2 GB, or it reaches past the end of the file
   * @throws IOException if the file cannot be read or mapped
   */
  public static SharedData ofFile(Path file, long offset, long byteLength, ElementType type) throws IOException {
    Objects.requireNonNull(file, "file must not be null");
    Objects.requireNonNull(type, "type must not be null");
    String region = "the region of " + byteLength + " bytes at offset " + offset + " of " + file;
    if (offset < 0 || byteLength < 0) {
      throw new IllegalArgumentException(region + ": offset and length must not be negative");
    }
    if (offset % type.size != 0 || byteLength % type.size != 0) {
      throw new IllegalArgumentException(
          region + ": offset and length must be multiples of " + type.size + ", the size of a " + type
              + " element");
    }
    if (byteLength > MAX_BYTES) {
      throw new IllegalArgumentException(
          region + ": SharedData holds at most " + MAX_BYTES + " bytes (one mapping of a file); split it into"
              + " several handles");
    }
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          "No file to share at " + file.toAbsolutePath() + (Files.exists(file) ? ": it is not a regular file"
              : ": it does not exist"));
    }
    Path real = file.toRealPath();
    ByteBuffer mapped;
    try (FileChannel channel = FileChannel.open(real, StandardOpenOption.READ)) {
      long size = channel.size();
      if (offset > size || byteLength > size - offset) {
        throw new IllegalArgumentException(
            region + ": the region ends at byte " + (offset + byteLength) + ", past the end of the file, which"
                + " holds " + size + " bytes");
      }
      mapped = channel.map(FileChannel.MapMode.READ_ONLY, offset, byteLength).asReadOnlyBuffer();
    }
    return new SharedData(
        IDS.incrementAndGet(), type, (int) (byteLength / type.size), null, mapped, real, offset);
  }

  /**
   * The type of the elements.
   *
   * @return the element type the handle was created with
   */
  public ElementType elementType() {
    return type;
  }

  /**
   * The number of elements.
   *
   * @return the length of the array the handle was created from
   */
  public int length() {
    return length;
  }

  /**
   * The size of the data.
   *
   * @return {@link #length()} times the size of an element
   */
  public long byteSize() {
    return (long) length * type.size;
  }

  /**
   * A read-only view of the bytes of a {@link ElementType#BYTE} handle, positioned at 0.
   *
   * @return a new read-only buffer over the data
   * @throws IllegalStateException if the elements are not bytes
   */
  public ByteBuffer asByteBuffer() {
    require(ElementType.BYTE);
    return array != null ? ByteBuffer.wrap((byte[]) array).asReadOnlyBuffer() : receivedBytes();
  }

  /**
   * A read-only view of the elements of an {@link ElementType#INT} handle, positioned at 0.
   *
   * @return a new read-only buffer over the data
   * @throws IllegalStateException if the elements are not ints
   */
  public IntBuffer asIntBuffer() {
    require(ElementType.INT);
    return array != null ? IntBuffer.wrap((int[]) array).asReadOnlyBuffer() : receivedBytes().asIntBuffer();
  }

  /**
   * A read-only view of the elements of a {@link ElementType#LONG} handle, positioned at 0.
   *
   * @return a new read-only buffer over the data
   * @throws IllegalStateException if the elements are not longs
   */
  public LongBuffer asLongBuffer() {
    require(ElementType.LONG);
    return array != null ? LongBuffer.wrap((long[]) array).asReadOnlyBuffer() : receivedBytes().asLongBuffer();
  }

  /**
   * A read-only view of the elements of a {@link ElementType#FLOAT} handle, positioned at 0.
   *
   * @return a new read-only buffer over the data
   * @throws IllegalStateException if the elements are not floats
   */
  public FloatBuffer asFloatBuffer() {
    require(ElementType.FLOAT);
    return array != null ? FloatBuffer.wrap((float[]) array).asReadOnlyBuffer() : receivedBytes().asFloatBuffer();
  }

  /**
   * A read-only view of the elements of a {@link ElementType#DOUBLE} handle, positioned at 0.
   *
   * @return a new read-only buffer over the data
   * @throws IllegalStateException if the elements are not doubles
   */
  public DoubleBuffer asDoubleBuffer() {
    require(ElementType.DOUBLE);
    return array != null
        ? DoubleBuffer.wrap((double[]) array).asReadOnlyBuffer()
        : receivedBytes().asDoubleBuffer();
  }

  private ByteBuffer receivedBytes() {
    return received.duplicate().order(ByteOrder.nativeOrder());
  }

  private void require(ElementType wanted) {
    if (type != wanted) {
      throw new IllegalStateException(
          this + " holds " + type + " elements, not " + wanted + ": use as" + viewName(type) + "()");
    }
  }

  private static String viewName(ElementType type) {
    String name = type.name();
    return name.charAt(0) + name.substring(1).toLowerCase(java.util.Locale.ROOT) + "Buffer";
  }

  /**
   * Whether {@link #close()} was called on this handle.
   *
   * @return true once closed
   */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Deletes the files of this handle in every process pool it was passed to, and its bytes in every
   * cluster pool; later submits that pass it to such a pool fail. Idempotent; does nothing where the handle was received (in a
   * worker). Does not wait for tasks: a task queued with the handle and run by a worker that has not
   * mapped it yet fails, saying the data was closed.
   */
  @Override
  public void close() {
    List<SharedOwner> toRelease;
    synchronized (this) {
      if (closed || (array == null && file == null)) {
        closed = true;
        return;
      }
      closed = true;
      toRelease = owners;
      owners = new ArrayList<>(0);
    }
    for (SharedOwner owner : toRelease) {
      owner.release(id);
    }
  }

  /** For messages: the id, type and length. */
  @Override
  public String toString() {
    String elements = type.name().toLowerCase(java.util.Locale.ROOT) + "[" + length + "]";
    return "SharedData#" + id + "(" + elements + (file == null ? "" : " at " + fileOffset + " of " + file) + ")";
  }

  /**
   * Serialized with its data: a copy (see "Custom codecs and nesting" above).
   *
   * @return the serial form, holding the id, the element type and a copy of the data
   */
  private Object writeReplace() {
    ByteBuffer bytes = ByteBuffer.allocate((int) byteSize()).order(ByteOrder.nativeOrder());
    SharedAccess.copyTo(this, bytes);
    return new SerialForm(id, type, length, bytes.array());
  }

  /**
   * Rejects a stream that holds this class rather than its serial form: a forged stream.
   *
   * @param in the stream
   * @throws InvalidObjectException always
   */
  private void readObject(ObjectInputStream in) throws InvalidObjectException {
    throw new InvalidObjectException("SharedData is serialized through its serial form only");
  }

  /** The serialized form: the id, the element type and the data, in native byte order. */
  private static final class SerialForm implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long id;
    private final ElementType type;
    private final int length;
    private final byte[] data;

    SerialForm(long id, ElementType type, int length, byte[] data) {
      this.id = id;
      this.type = type;
      this.length = length;
      this.data = data;
    }

    private Object readResolve() throws InvalidObjectException {
      if (type == null || length < 0 || data == null || (long) length * type.size != data.length) {
        throw new InvalidObjectException(
            "Corrupt SharedData: " + length + " elements of " + type + " in " + (data == null ? 0 : data.length)
                + " bytes");
      }
      return new SharedData(id, type, length, null, ByteBuffer.wrap(data).asReadOnlyBuffer());
    }
  }

  /** What the runtime's internal packages may do with a handle. */
  private static final class Access extends SharedAccess {
    @Override
    protected long doId(SharedData data) {
      return data.id;
    }

    @Override
    protected Object doArray(SharedData data) {
      return data.array;
    }

    @Override
    protected boolean doAttach(SharedData data, SharedOwner owner) {
      synchronized (data) {
        if (data.closed) {
          return false;
        }
        if (!data.owners.contains(owner)) {
          data.owners.add(owner);
        }
        return true;
      }
    }

    @Override
    protected void doDetach(SharedData data, SharedOwner owner) {
      synchronized (data) {
        data.owners.remove(owner);
      }
    }

    @Override
    protected SharedData doReceived(long id, ElementType type, int length, ByteBuffer readOnlyBytes) {
      return new SharedData(id, type, length, null, readOnlyBytes);
    }

    @Override
    protected ByteBuffer doReceived(SharedData data) {
      return data.received;
    }

    @Override
    protected Path doFile(SharedData data) {
      return data.file;
    }

    @Override
    protected long doFileOffset(SharedData data) {
      return data.fileOffset;
    }

    @Override
    protected long doNextId() {
      return IDS.incrementAndGet();
    }
  }
}
