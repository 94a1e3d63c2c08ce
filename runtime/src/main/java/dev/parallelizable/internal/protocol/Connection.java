package dev.parallelizable.internal.protocol;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One end of the channel between the parent and a worker: sends and receives the frames of {@link
 * Protocol} over a connected Unix domain socket.
 *
 * <p>Each direction has a direct buffer of its own, so bytes are copied once in user space on each
 * side (the kernel copies between the sockets). Frames larger than {@link #MAX_BUFFER} pass through
 * the buffer in pieces.
 *
 * <p>Internal: the parent holds one end for each worker (its {@code WorkerEndpoint}), the worker JVM
 * the other (its {@code WorkerMain}). Thread safety: one thread may receive while another sends; {@link #send} is synchronized so
 * that frames never interleave, and {@link #receive} is called by one reader thread only.
 */
public final class Connection implements Closeable, FrameOutput.Sink {
  static final int HEADER_BYTES = 4 + 1 + 8;
  private static final int INITIAL_BUFFER = 64 * 1024;
  private static final int MAX_BUFFER = 4 * 1024 * 1024;
  private static final int SOCKET_BUFFER = 1 << 20;

  private final SocketChannel channel;
  private boolean sendBufferEnlarged;
  private ByteBuffer out = ByteBuffer.allocateDirect(INITIAL_BUFFER).order(Protocol.BYTE_ORDER);
  private ByteBuffer in = ByteBuffer.allocateDirect(INITIAL_BUFFER).order(Protocol.BYTE_ORDER).flip();

  public Connection(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Before the first large frame: a larger send buffer means fewer trips through the scheduler per
   * frame (the kernel caps the value). Not done up front, where socket options cost a worker
   * milliseconds of class loading at startup.
   */
  private void enlargeSendBuffer() {
    sendBufferEnlarged = true;
    try {
      channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
    } catch (IOException | UnsupportedOperationException e) {
      // the default buffer works, only slower for large frames
    }
  }

  /** A received frame: valid until the next {@link #receive()}; read by the receiving thread only. */
  public static final class Frame {
    public final byte type;
    public final long id;
    public final FrameInput body;

    Frame(byte type, long id, FrameInput body) {
      this.type = type;
      this.id = id;
      this.body = body;
    }
  }

  /** Sends a frame whose body is {@code head} followed by {@code body}'s bytes {@code [from, to)}. */
  public synchronized void send(byte type, long id, FrameOutput head, FrameOutput body, long from, long to)
      throws IOException {
    long length = 1 + 8 + (head == null ? 0 : head.length()) + (to - from);
    if (length > Integer.MAX_VALUE) {
      throw new IOException("A frame cannot exceed 2 GB; this one has " + length + " bytes");
    }
    if (length > INITIAL_BUFFER && !sendBufferEnlarged) {
      enlargeSendBuffer();
    }
    if (out.capacity() < length + 4 && out.capacity() < MAX_BUFFER) {
      out = ByteBuffer.allocateDirect((int) Math.min(MAX_BUFFER, Math.max(length + 4, 2L * out.capacity())))
          .order(Protocol.BYTE_ORDER);
    }
    out.clear();
    out.putInt((int) length).put(type).putLong(id);
    if (head != null) {
      head.copyTo(0, head.length(), this);
    }
    if (body != null) {
      body.copyTo(from, to, this);
    }
    drain();
  }

  /** Sends a frame whose whole body is {@code body} (which may be null for none). */
  public void send(byte type, long id, FrameOutput body) throws IOException {
    send(type, id, null, body, 0, body == null ? 0 : body.length());
  }

  @Override
  public void put(byte[] source, int offset, int length) throws IOException {
    while (length > 0) {
      if (!out.hasRemaining()) {
        drain();
      }
      int n = Math.min(length, out.remaining());
      out.put(source, offset, n);
      offset += n;
      length -= n;
    }
  }

  /** Copies the array's bytes straight into the direct buffer: one copy in user space. */
  @Override
  public void putArray(Object array, long byteOffset, int count) throws IOException {
    int done = 0;
    while (done < count) {
      if (out.remaining() < 8) {
        drain();
      }
      int n = Math.min(count - done, out.remaining() & ~7); // whole elements while the offset is aligned
      FrameOutput.putArrayBytes(array, byteOffset + done, n, out);
      done += n;
    }
  }

  private void drain() throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
    out.clear();
  }

  /**
   * Receives the next frame, blocking.
   *
   * @return the frame, or null at a clean end of stream (the other side closed between frames)
   * @throws EOFException if the stream ends inside a frame
   */
  public Frame receive() throws IOException {
    return receive(Integer.MAX_VALUE);
  }

  /**
   * Receives the next frame, blocking, if its body has at most {@code maxBodyLength} bytes: for a
   * peer not trusted yet, which must not make this side allocate what it claims.
   *
   * @throws IOException if the frame is longer
   */
  public Frame receive(int maxBodyLength) throws IOException {
    if (!fill(HEADER_BYTES, true)) {
      return null;
    }
    int length = in.getInt();
    byte type = in.get();
    long id = in.getLong();
    int bodyLength = length - 9;
    if (bodyLength < 0) {
      throw new IOException("Corrupt frame header: length " + length);
    }
    if (bodyLength > maxBodyLength) {
      throw new IOException("A frame of " + bodyLength + " bytes where at most " + maxBodyLength + " fit");
    }
    ByteBuffer body;
    if (bodyLength <= MAX_BUFFER) {
      fill(bodyLength, false);
      body = in.slice();
      body.limit(bodyLength);
      in.position(in.position() + bodyLength);
    } else {
      body = readLarge(bodyLength);
    }
    return new Frame(type, id, new FrameInput(body));
  }

  /** Makes at least {@code count} bytes readable in {@code in}; false at a clean end of stream. */
  private boolean fill(int count, boolean atFrameStart) throws IOException {
    if (in.remaining() >= count) {
      return true;
    }
    if (in.capacity() < count) {
      ByteBuffer larger =
          ByteBuffer.allocateDirect(Math.min(MAX_BUFFER, Math.max(count, 2 * in.capacity())))
              .order(Protocol.BYTE_ORDER);
      larger.put(in);
      in = larger;
    } else {
      in.compact();
    }
    while (in.position() < count) {
      if (channel.read(in) < 0) {
        if (atFrameStart && in.position() == 0) {
          in.flip();
          return false;
        }
        throw new EOFException("The channel closed inside a frame");
      }
    }
    in.flip();
    return true;
  }

  /** Reads a body larger than the direct buffer into a heap buffer, through the direct buffer. */
  private ByteBuffer readLarge(int length) throws IOException {
    byte[] target = new byte[length];
    int done = Math.min(length, in.remaining());
    in.get(target, 0, done);
    if (in.capacity() < MAX_BUFFER) {
      // A large frame: read it in pieces of MAX_BUFFER rather than of the small initial buffer.
      in = ByteBuffer.allocateDirect(MAX_BUFFER).order(Protocol.BYTE_ORDER);
    }
    while (done < length) {
      in.clear();
      in.limit(Math.min(in.capacity(), length - done));
      if (channel.read(in) < 0) {
        throw new EOFException("The channel closed inside a frame");
      }
      in.flip();
      int n = in.remaining();
      in.get(target, done, n);
      done += n;
    }
    in.clear().flip();
    return ByteBuffer.wrap(target);
  }

  /** Stops sending: the other side reads end of stream once it has read what was sent. */
  public void shutdownOutput() {
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      // already closed or the peer is gone: it sees end of stream either way
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
