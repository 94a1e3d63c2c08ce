package dev.parallelizable.internal.protocol;

import dev.parallelizable.internal.shared.SharedFiles;
import dev.parallelizable.internal.shared.StoredShares;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable buffer that frames and values are encoded into before they are sent (see {@link
 * Protocol} for the layout). Integers are written little-endian ({@link Protocol#BYTE_ORDER}).
 *
 * <p>Large primitive arrays can be added by reference with {@link #writeShared(byte[])} and {@link
 * #writeShared(Object, int)}: they are not copied here, but straight into the channel's buffer
 * (little-endian) when the frame is sent, so a 200 MB argument is copied once in user space and
 * the frame never holds, nor grows to, 200 MB. The logical content is the buffer's bytes with the
 * shared arrays' bytes spliced in at the positions where they were added.
 *
 * <p>Not thread-safe: one thread encodes; the frame is sent after it is complete.
 */
public final class FrameOutput extends OutputStream {
  /** Arrays at least this long are added by reference instead of copied. */
  static final int SHARE_THRESHOLD = 16 * 1024;

  private static final Object[] NO_ARRAYS = {};
  private static final int[] NO_POSITIONS = {};
  private static final long[] NO_OFFSETS = {};

  private byte[] bytes;
  private ByteBuffer view;
  private int position;
  /** Arrays added by reference: byte[], int[], long[] or double[]. */
  private Object[] shared = NO_ARRAYS;
  private int[] sharedAt = NO_POSITIONS;
  /** The size in bytes of each shared array's part that is added. */
  private int[] sharedBytes = NO_POSITIONS;
  /** Where, in bytes, each shared array's part begins in the array. */
  private long[] sharedOffsets = NO_OFFSETS;
  private int sharedCount;
  private long sharedLength;
  /** Where the codec writes large arrays and shared data: a process pool's, or null. */
  private SharedFiles sharedFiles;
  /** Where the codec puts the data of handles for a remote pool (a cluster's), or null. */
  private StoredShares storedShares;

  public FrameOutput(int initialCapacity) {
    bytes = new byte[Math.max(16, initialCapacity)];
    view = ByteBuffer.wrap(bytes).order(Protocol.BYTE_ORDER);
  }

  /** Lets the codec write shared data and large arrays to {@code files} and encode references. */
  public void sharedFiles(SharedFiles files) {
    this.sharedFiles = files;
  }

  /** Where the codec writes shared data; null when values are encoded in full. */
  public SharedFiles sharedFiles() {
    return sharedFiles;
  }

  /** Lets the codec put shared data into a remote pool's store and encode references to it. */
  public void storedShares(StoredShares stored) {
    this.storedShares = stored;
  }

  /** Where the codec puts the data of handles for a remote pool; null if it has no store. */
  public StoredShares storedShares() {
    return storedShares;
  }

  /** The logical length: buffered bytes plus shared arrays. */
  public long length() {
    return position + sharedLength;
  }

  /**
   * Empties the buffer and gives back its memory beyond {@code capacity} bytes: after a value that
   * could not be encoded, such as one that ran out of memory growing this buffer.
   */
  public void release(int capacity) {
    reset();
    trim(capacity);
  }

  /**
   * Gives back the buffer's memory beyond {@code capacity} bytes and the bytes it holds, keeping
   * them: after a value that could not be encoded, such as one that ran out of memory growing this
   * buffer, when the values before it are still to be sent.
   */
  public void trim(int capacity) {
    int keep = Math.max(Math.max(16, capacity), position);
    if (bytes.length > keep) {
      bytes = Arrays.copyOf(bytes, keep);
      view = ByteBuffer.wrap(bytes).order(Protocol.BYTE_ORDER);
    }
  }

  /** Empties the buffer for reuse, keeping its capacity. */
  public void reset() {
    position = 0;
    Arrays.fill(shared, 0, sharedCount, null);
    sharedCount = 0;
    sharedLength = 0;
  }

  private void ensure(int more) {
    int needed = position + more;
    if (needed < 0) {
      throw new IllegalStateException("A frame cannot exceed 2 GB");
    }
    if (needed > bytes.length) {
      bytes = Arrays.copyOf(bytes, (int) Math.max(needed, Math.min(Integer.MAX_VALUE - 8, bytes.length * 2L)));
      view = ByteBuffer.wrap(bytes).order(Protocol.BYTE_ORDER);
    }
  }

  @Override
  public void write(int b) {
    ensure(1);
    bytes[position++] = (byte) b;
  }

  @Override
  public void write(byte[] source, int offset, int length) {
    ensure(length);
    System.arraycopy(source, offset, bytes, position, length);
    position += length;
  }

  /**
   * Adds {@code array} by reference if it is large: the caller must not change it until the frame
   * is sent. Small arrays are copied.
   */
  public void writeShared(byte[] array) {
    if (array.length < SHARE_THRESHOLD) {
      write(array, 0, array.length);
      return;
    }
    addShared(array, 0, array.length);
  }

  /**
   * Adds the elements of an {@code int[]}, {@code long[]} or {@code double[]} ({@code byteLength}
   * bytes) little-endian: by reference if large, in which case the caller must not change the
   * array until the frame is sent; else copied.
   */
  public void writeShared(Object array, int byteLength) {
    writeShared(array, 0, byteLength);
  }

  /**
   * Adds bytes {@code [byteOffset, byteOffset + byteLength)} of a {@code byte[]}, {@code int[]},
   * {@code long[]} or {@code double[]}, little-endian, as {@link #writeShared(Object, int)} adds a
   * whole one: by reference if large, in which case the caller must not change that part of the
   * array until the frame is sent; else copied.
   */
  public void writeShared(Object array, long byteOffset, int byteLength) {
    if (byteLength < SHARE_THRESHOLD) {
      ensure(byteLength);
      putArrayBytes(array, byteOffset, byteLength, view.duplicate().position(position));
      position += byteLength;
      return;
    }
    addShared(array, byteOffset, byteLength);
  }

  private void addShared(Object array, long byteOffset, int byteLength) {
    if (sharedLength + byteLength + position > Integer.MAX_VALUE) {
      throw new IllegalStateException("A frame cannot exceed 2 GB");
    }
    if (sharedCount == shared.length) {
      int capacity = Math.max(4, sharedCount * 2);
      shared = Arrays.copyOf(shared, capacity);
      sharedAt = Arrays.copyOf(sharedAt, capacity);
      sharedBytes = Arrays.copyOf(sharedBytes, capacity);
      sharedOffsets = Arrays.copyOf(sharedOffsets, capacity);
    }
    shared[sharedCount] = array;
    sharedAt[sharedCount] = position;
    sharedBytes[sharedCount] = byteLength;
    sharedOffsets[sharedCount] = byteOffset;
    sharedCount++;
    sharedLength += byteLength;
  }

  /**
   * Puts bytes {@code [byteOffset, byteOffset + count)} of a primitive array, little-endian,
   * into {@code target} at its position, and advances it.
   */
  public static void putArrayBytes(Object array, long byteOffset, int count, ByteBuffer target) {
    if (array instanceof byte[] b) {
      target.put(b, (int) byteOffset, count);
      return;
    }
    int size = array instanceof int[] ? 4 : 8;
    ByteBuffer out = target.order(Protocol.BYTE_ORDER);
    if (byteOffset % size != 0 || count % size != 0) {
      // Not on element boundaries: through the elements that cover the range.
      long first = byteOffset / size;
      long end = (byteOffset + count + size - 1) / size;
      ByteBuffer covering = ByteBuffer.allocate((int) ((end - first) * size)).order(Protocol.BYTE_ORDER);
      putArrayBytes(array, first * size, covering.capacity(), covering);
      covering.position((int) (byteOffset - first * size)).limit(covering.position() + count);
      out.put(covering);
      return;
    }
    int from = (int) (byteOffset / size);
    int n = count / size;
    int at = out.position();
    if (array instanceof int[] ints) {
      out.asIntBuffer().put(ints, from, n);
    } else if (array instanceof long[] longs) {
      out.asLongBuffer().put(longs, from, n);
    } else {
      out.asDoubleBuffer().put((double[]) array, from, n);
    }
    out.position(at + count);
  }

  public void writeByte(int value) {
    write(value);
  }

  public void writeShort(int value) {
    ensure(2);
    view.putShort(position, (short) value);
    position += 2;
  }

  public void writeInt(int value) {
    ensure(4);
    view.putInt(position, value);
    position += 4;
  }

  public void writeLong(long value) {
    ensure(8);
    view.putLong(position, value);
    position += 8;
  }

  /** A string as its UTF-8 length and bytes; -1 for null. */
  public void writeString(String value) {
    if (value == null) {
      writeInt(-1);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    writeInt(utf8.length);
    write(utf8, 0, utf8.length);
  }

  /**
   * Drops everything written after buffer position {@code at} (a position returned by {@link
   * #position()}), including arrays shared after it: undoes a value whose encoding failed.
   */
  public void rewind(int at) {
    while (sharedCount > 0 && sharedAt[sharedCount - 1] > at) {
      sharedCount--;
      sharedLength -= sharedBytes[sharedCount];
      shared[sharedCount] = null;
    }
    position = at;
  }

  /** The buffer position where the next byte goes; with {@link #length()}, a mark for {@link #patchLength}. */
  public int position() {
    return position;
  }

  /**
   * Writes into the int reserved at buffer position {@code at}, when the logical length was {@code
   * lengthBefore}, the logical number of bytes written after that int.
   */
  public void patchLength(int at, long lengthBefore) {
    long written = length() - lengthBefore - 4;
    if (written > Integer.MAX_VALUE) {
      throw new IllegalStateException("A value cannot exceed 2 GB, got " + written + " bytes");
    }
    view.putInt(at, (int) written);
  }

  /** Overwrites the int at buffer position {@code at}, written before. */
  public void putInt(int at, int value) {
    view.putInt(at, value);
  }

  /** Overwrites the byte at buffer position {@code at}, written before. */
  public void putByte(int at, int value) {
    bytes[at] = (byte) value;
  }

  /** A view of {@code count} bytes at the end of the buffer for bulk writes, advancing past them. */
  public ByteBuffer claim(int count) {
    ensure(count);
    ByteBuffer slice = ByteBuffer.wrap(bytes, position, count).slice().order(Protocol.BYTE_ORDER);
    position += count;
    return slice;
  }

  /**
   * Copies the logical bytes {@code [from, to)} into {@code sink}, which drains its buffer into the
   * channel whenever it is full.
   */
  public void copyTo(long from, long to, Sink sink) throws java.io.IOException {
    long logical = 0; // logical offset of bytes[cursor]
    int cursor = 0;
    for (int i = 0; i <= sharedCount && logical < to; i++) {
      int end = i < sharedCount ? sharedAt[i] : position;
      // buffered bytes [cursor, end) occupy logical [logical, logical + end - cursor)
      long segmentStart = logical;
      long segmentEnd = logical + (end - cursor);
      copyRange(bytes, cursor, segmentStart, segmentEnd, from, to, sink);
      logical = segmentEnd;
      cursor = end;
      if (i < sharedCount) {
        long start = Math.max(from, logical);
        long stop = Math.min(to, logical + sharedBytes[i]);
        if (start < stop) {
          long inArray = sharedOffsets[i] + start - logical;
          if (shared[i] instanceof byte[] array) {
            sink.put(array, (int) inArray, (int) (stop - start));
          } else {
            sink.putArray(shared[i], inArray, (int) (stop - start));
          }
        }
        logical += sharedBytes[i];
      }
    }
  }

  private static void copyRange(
      byte[] source, int sourceStart, long segmentStart, long segmentEnd, long from, long to, Sink sink)
      throws java.io.IOException {
    long start = Math.max(from, segmentStart);
    long end = Math.min(to, segmentEnd);
    if (start < end) {
      sink.put(source, sourceStart + (int) (start - segmentStart), (int) (end - start));
    }
  }

  /** Where {@link #copyTo} puts bytes. */
  public interface Sink {
    void put(byte[] source, int offset, int length) throws java.io.IOException;

    /**
     * Puts bytes {@code [byteOffset, byteOffset + count)} of an {@code int[]}, {@code long[]} or
     * {@code double[]}, little-endian; by default through {@link #put} in pieces of 64 KB.
     */
    default void putArray(Object array, long byteOffset, int count) throws java.io.IOException {
      byte[] piece = new byte[Math.min(count, 1 << 16)];
      ByteBuffer view = ByteBuffer.wrap(piece).order(Protocol.BYTE_ORDER);
      for (int done = 0; done < count; ) {
        int n = Math.min(piece.length, count - done);
        view.clear();
        putArrayBytes(array, byteOffset + done, n, view);
        put(piece, 0, n);
        done += n;
      }
    }
  }
}
