package dev.parallelizable.internal.protocol;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;

/**
 * One end of the channel between the parent and a worker: sends and receives the frames of {@link
 * Protocol} over a pair of named pipes, one per direction, or over a connected Unix domain socket
 * where there are no named pipes (see {@link Protocol}).
 *
 * <p><b>Bulk frames.</b> A pipe holds 64 KiB, so a large frame crosses it in many trips through the
 * scheduler, several times slower than through a socket with a large buffer. Over pipes, a frame
 * longer than {@link #BULK_BYTES} therefore goes over a socket of its own once both ends have one
 * (see {@link Protocol#BULK_READY}): a {@link Protocol#BULK} frame on the pipe says that the next
 * frame is on the socket, so frames keep their order. Until then large frames cross the pipe, and
 * the first one starts the thread given to {@link #startOnLargeFrame}.
 *
 * <p>Each direction has a direct buffer of its own, so bytes are copied once in user space on each
 * side (the kernel copies between the two ends). Frames larger than {@link #MAX_BUFFER} pass through
 * the buffer in pieces.
 *
 * <p>Internal: the parent holds one end for each worker (its {@code WorkerEndpoint}), the worker JVM
 * the other (its {@code WorkerMain}). Thread safety: one thread may receive while others send;
 * {@link #send} is synchronized so that frames never interleave, and {@link #receive} is called by
 * one reader thread only. The bulk socket's sending side is guarded by this object's lock; its
 * receiving side is published through a volatile field.
 */
public final class Connection implements Closeable, FrameOutput.Sink {
  /** The bytes of a frame's header: its length, type and id. */
  public static final int HEADER_BYTES = 4 + 1 + 8;
  /** Over pipes, frames longer than this go over the bulk socket once there is one: a pipe's capacity. */
  public static final int BULK_BYTES = 64 * 1024;
  private static final int INITIAL_BUFFER = 64 * 1024;
  private static final int MAX_BUFFER = 4 * 1024 * 1024;
  private static final int SOCKET_BUFFER = 1 << 20;

  /** Where frames are read from: the pipe from the other side, or the socket. */
  private final FrameReader reader;
  /** Where frames are written to: the pipe to the other side, or the socket. */
  private final WritableByteChannel sink;
  /** The socket, or null over a pair of pipes. */
  private final SocketChannel socket;
  private ByteBuffer out = ByteBuffer.allocateDirect(INITIAL_BUFFER).order(Protocol.BYTE_ORDER);
  /** Where {@link #drain} writes the frame being sent: {@link #sink} or {@link #bulkSink}. */
  private WritableByteChannel target;
  private boolean sendBufferEnlarged;
  /** Over pipes, the socket bulk frames are sent on once the other side reads it; else null. */
  private SocketChannel bulkSink;
  /** Over pipes, where bulk frames are read from once the other side may send them; else null. */
  private volatile FrameReader bulkReader;
  /** The socket bulk frames are read from, closed with this connection. */
  private volatile SocketChannel bulkSource;
  /** Taken by the sending and the receiving thread: not this object's lock, held through a send. */
  private final Object largeFrameLock = new Object();
  /**
   * Started the first time a frame longer than {@link #BULK_BYTES} crosses the pipe; then null.
   * Written only under {@link #largeFrameLock}; volatile, so that a large frame once it is null
   * (always, in the parent) takes no lock.
   */
  private volatile Thread onLargeFrame;

  /** A connection over a pair of pipes: frames are read from {@code source}, sent to {@code sink}. */
  public Connection(ReadableByteChannel source, WritableByteChannel sink) {
    this.reader = new FrameReader(source);
    this.sink = sink;
    this.socket = null;
  }

  /** A connection over a connected socket. */
  public Connection(SocketChannel socket) {
    this.reader = new FrameReader(socket);
    this.sink = socket;
    this.socket = socket;
  }

  /**
   * Over pipes: {@code thread} is started the first time a frame longer than {@link #BULK_BYTES}
   * is sent or received over the pipe, to set up the bulk socket. A worker gives it; the parent
   * answers it.
   */
  public void startOnLargeFrame(Thread thread) {
    synchronized (largeFrameLock) {
      onLargeFrame = thread;
    }
  }

  /** From now on a {@link Protocol#BULK} frame on the pipe is followed by its frame on {@code bulk}. */
  public void receiveBulkFrom(SocketChannel bulk) {
    bulkSource = bulk;
    bulkReader = new FrameReader(bulk);
  }

  /** From now on frames longer than {@link #BULK_BYTES} are sent on {@code bulk}. */
  public synchronized void sendBulkTo(SocketChannel bulk) {
    bulkSink = bulk;
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
    target = sink;
    if (length > BULK_BYTES) {
      if (bulkSink != null) {
        out.clear();
        out.putInt(1 + 8).put(Protocol.BULK).putLong(0);
        drain(); // the marker, on the pipe
        target = bulkSink;
        enlargeSendBuffer(bulkSink);
      } else if (socket != null) {
        enlargeSendBuffer(socket);
      } else {
        largeFrameOnPipe();
      }
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

  /**
   * Before the first large frame on a socket: a larger send buffer means fewer trips through the
   * scheduler per frame (the kernel caps the value). Not done up front, where socket options cost a
   * worker milliseconds of class loading at startup. A pipe's buffer cannot be set from Java.
   */
  private void enlargeSendBuffer(SocketChannel channel) {
    if (sendBufferEnlarged) {
      return;
    }
    sendBufferEnlarged = true;
    try {
      channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
    } catch (IOException | UnsupportedOperationException e) {
      // the default buffer works, only slower for large frames
    }
  }

  private void largeFrameOnPipe() {
    if (onLargeFrame == null) {
      return;
    }
    Thread setUp;
    synchronized (largeFrameLock) {
      setUp = onLargeFrame;
      onLargeFrame = null;
    }
    if (setUp != null) {
      setUp.start();
    }
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
      target.write(out);
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
    Frame frame = reader.next(maxBodyLength);
    if (frame == null || frame.type != Protocol.BULK) {
      if (frame != null && socket == null && frame.body.available() > BULK_BYTES) {
        largeFrameOnPipe();
      }
      return frame;
    }
    FrameReader bulk = bulkReader;
    if (bulk == null) {
      throw new IOException("A bulk frame came before the bulk socket was set up");
    }
    Frame large = bulk.next(maxBodyLength);
    if (large == null) {
      throw new EOFException("The bulk socket closed before the frame it announced");
    }
    if (large.type == Protocol.BULK) {
      throw new IOException("A bulk frame came on the bulk socket");
    }
    return large;
  }

  /** Stops sending: the other side reads end of stream once it has read what was sent. */
  public void shutdownOutput() {
    try {
      if (socket != null) {
        socket.shutdownOutput();
      } else {
        sink.close();
      }
    } catch (IOException e) {
      // already closed or the peer is gone: it sees end of stream either way
    }
  }

  /** Closes both directions and the bulk socket; a thread blocked reading or writing gets an exception. */
  @Override
  public void close() {
    closeQuietly(reader.channel);
    closeQuietly(sink);
    closeQuietly(bulkSource);
    SocketChannel bulk;
    synchronized (this) {
      bulk = bulkSink;
    }
    closeQuietly(bulk);
  }

  /** Closes {@code channel}, if not null, as one end of a channel that may already be broken. */
  public static void closeQuietly(Channel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }

  /** Reads frames from one channel through a direct buffer of its own. Used by one thread. */
  private static final class FrameReader {
    final ReadableByteChannel channel;
    private ByteBuffer in = ByteBuffer.allocateDirect(INITIAL_BUFFER).order(Protocol.BYTE_ORDER).flip();

    FrameReader(ReadableByteChannel channel) {
      this.channel = channel;
    }

    /** The next frame, if its body has at most {@code maxBodyLength} bytes; null at a clean end. */
    Frame next(int maxBodyLength) throws IOException {
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
  }
}
