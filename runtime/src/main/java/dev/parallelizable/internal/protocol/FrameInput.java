package dev.parallelizable.internal.protocol;

import dev.parallelizable.internal.shared.ReceivedShares;
import dev.parallelizable.internal.shared.SharedMappings;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads a received frame, or one value inside it, from a {@link ByteBuffer} (see {@link Protocol}).
 * Integers are little-endian ({@link Protocol#BYTE_ORDER}). As an {@link InputStream} it is what a {@link
 * dev.parallelizable.Codec} decodes from; the default codec reads bulk data straight from {@link
 * #buffer()}.
 *
 * <p>Every length read from the frame is checked against the bytes left before anything is
 * allocated for it: a truncated or corrupt frame fails with an {@link EOFException} or a {@link
 * StreamCorruptedException}, never with a huge allocation.
 *
 * <p>Not thread-safe; valid until the connection receives the next frame.
 */
public final class FrameInput extends InputStream {
  private final ByteBuffer buffer;
  /** Where references to shared data resolve: set in a worker of a process pool, else null. */
  private SharedMappings sharedMappings;
  /** Where references to a remote pool's store resolve: set on a cluster member, else null. */
  private ReceivedShares receivedShares;

  public FrameInput(ByteBuffer buffer) {
    this.buffer = buffer.order(Protocol.BYTE_ORDER);
  }

  /** Lets the codec resolve references to shared data through {@code mappings}, here and in slices. */
  public void sharedMappings(SharedMappings mappings) {
    this.sharedMappings = mappings;
  }

  /** Where references to shared data resolve; null outside a process pool's worker. */
  public SharedMappings sharedMappings() {
    return sharedMappings;
  }

  /** Lets the codec resolve references to a remote pool's store through {@code received}. */
  public void receivedShares(ReceivedShares received) {
    this.receivedShares = received;
  }

  /** Where references to a remote pool's store resolve; null outside a remote worker. */
  public ReceivedShares receivedShares() {
    return receivedShares;
  }

  /** The underlying buffer; its position is this stream's position. */
  public ByteBuffer buffer() {
    return buffer;
  }

  @Override
  public int read() {
    return buffer.hasRemaining() ? buffer.get() & 0xff : -1;
  }

  @Override
  public int read(byte[] target, int offset, int length) {
    if (length == 0) {
      return 0;
    }
    if (!buffer.hasRemaining()) {
      return -1;
    }
    int n = Math.min(length, buffer.remaining());
    buffer.get(target, offset, n);
    return n;
  }

  @Override
  public long skip(long n) {
    int skipped = (int) Math.max(0, Math.min(n, buffer.remaining()));
    buffer.position(buffer.position() + skipped);
    return skipped;
  }

  @Override
  public int available() {
    return buffer.remaining();
  }

  private void need(int count) throws IOException {
    if (count < 0) {
      throw new StreamCorruptedException("Corrupt frame: a length of " + count + " bytes");
    }
    if (buffer.remaining() < count) {
      throw new EOFException(
          "Truncated frame: needed " + count + " more bytes, " + buffer.remaining() + " left");
    }
  }

  public byte readByte() throws IOException {
    need(1);
    return buffer.get();
  }

  public short readShort() throws IOException {
    need(2);
    return buffer.getShort();
  }

  public int readInt() throws IOException {
    need(4);
    return buffer.getInt();
  }

  public long readLong() throws IOException {
    need(8);
    return buffer.getLong();
  }

  /** Reads {@code length} bytes into a new array. */
  public byte[] readBytes(int length) throws IOException {
    need(length);
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return bytes;
  }

  /**
   * Reads a count of items that take at least {@code minBytesEach} bytes each, and checks it
   * against the bytes left, so that a corrupt or forged count fails before anything is allocated.
   *
   * @param what what is counted, for the message
   */
  public int readCount(int minBytesEach, String what) throws IOException {
    int count = readInt();
    if (count < 0 || (long) count * minBytesEach > buffer.remaining()) {
      throw new StreamCorruptedException(
          "Corrupt frame: " + count + " " + what + " claimed, but only " + buffer.remaining()
              + " bytes are left");
    }
    return count;
  }

  /** A string written by {@link FrameOutput#writeString}. */
  public String readString() throws IOException {
    int length = readInt();
    if (length == -1) {
      return null;
    }
    need(length);
    String value;
    if (buffer.hasArray()) {
      value = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), length, StandardCharsets.UTF_8);
      buffer.position(buffer.position() + length);
    } else {
      value = new String(readBytes(length), StandardCharsets.UTF_8);
    }
    return value;
  }

  /**
   * The next {@code length} bytes as a stream of their own, and skips them here: a codec that reads
   * too little or too much cannot misalign the frame.
   */
  public FrameInput slice(int length) throws IOException {
    need(length);
    ByteBuffer part = buffer.slice();
    part.limit(length);
    buffer.position(buffer.position() + length);
    FrameInput slice = new FrameInput(part);
    slice.sharedMappings = sharedMappings;
    slice.receivedShares = receivedShares;
    return slice;
  }
}
